// The colour a status is shown in, wherever it is shown: running and ready is ok, on its way is warn, stuck
// or failed is error, finished or scaled to zero is idle.
export type StatusTone = 'ok' | 'warn' | 'error' | 'idle';
