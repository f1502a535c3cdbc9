// The replica count typed into a scale control, checked before anything is sent.

export const MAX_REPLICAS = 10_000;

export type ParsedReplicas = { ok: true; replicas: number } | { ok: false; error: string };

export function parseReplicas(text: string): ParsedReplicas {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) return { ok: false, error: 'replicas must be a whole number, 0 or more' };
  const replicas = Number(trimmed);
  if (replicas > MAX_REPLICAS) return { ok: false, error: `replicas must be at most ${MAX_REPLICAS}` };
  return { ok: true, replicas };
}
