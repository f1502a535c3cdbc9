// The text to show for anything a promise rejected with (a ClusterError's message is the API's own).
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Unknown error';
}
