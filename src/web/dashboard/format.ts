// How the dashboard writes times and errors, in one place for every panel.
import { ApiError } from './api.js';

/** Wall-clock time of day, 24-hour (hourCycle, not hour12: some locales then count midnight as 24). */
export const clock = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** An error as a person should read it: the server's code and message when it sent one. */
export function explain(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
