// The built renderer as static files: GET and HEAD only, `/` is index.html, content types by extension,
// and nothing outside the dist directory, whatever the path says (`..`, encoded slashes, NUL bytes,
// symbolic links leading out).
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or undefined when the path is malformed or would leave it. Pure
 * (no file system): symbolic links are checked when the file is opened.
 */
export function resolveStaticPath(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const file = path.resolve(root, relative);
  return file.startsWith(path.resolve(root) + path.sep) ? file : undefined;
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers a GET or HEAD for a static file (the security headers are set by the caller). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string) {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    req.resume();
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, `${method} is not allowed here\n`);
  }
  const file = resolveStaticPath(root, pathname);
  if (!file) return sendText(res, 404, 'not found\n');
  let real: string;
  try {
    real = await fs.realpath(file);
    const realRoot = await fs.realpath(root);
    if (!real.startsWith(realRoot + path.sep)) return sendText(res, 404, 'not found\n');
    const stat = await fs.stat(real);
    if (!stat.isFile()) return sendText(res, 404, 'not found\n');
    // Vite names built assets by content hash, so they never change; index.html must be fetched every time.
    const immutable = pathname.startsWith('/assets/');
    res.writeHead(200, {
      'Content-Type': contentTypeOf(real),
      'Content-Length': stat.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  } catch {
    return sendText(res, 404, 'not found\n');
  }
  if (method === 'HEAD') return void res.end();
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
