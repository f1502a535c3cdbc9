// The window's guard rails, as pure functions main.ts wires to Electron: the Content-Security-Policy, which
// navigations stay in the app (none but the app's own page), and which links may open in the OS browser.
import { fileURLToPath } from 'node:url';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Response headers with the app's CSP replacing any the response had. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/** Whether `url` is the app's page (`file://…/renderer/dist/index.html`, any hash or query): a reload. */
export function isAppPage(url: string, indexHtml: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:') return false;
  try {
    return fileURLToPath(parsed) === indexHtml;
  } catch {
    return false;
  }
}

/**
 * The URL to hand to the OS browser, or undefined when it must not leave the app: only http(s), no
 * credentials in it, a host, and a sane length (a NodePort service's "open in browser", the Help link).
 */
export function externalUrl(url: string): string | undefined {
  if (url.length > 2048) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return undefined;
  return parsed.toString();
}
