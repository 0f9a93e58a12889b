/**
 * Retry helpers shared by the providers: exponential backoff with jitter, a cancellable sleep
 * and the `Retry-After` header.
 *
 * Owns: the timing of our own retries (the ones the SDKs do not make). Must not: decide which
 * errors are retryable; each provider knows its API.
 */
import { CancelledError } from '../core/errors';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms`; rejects with CancelledError as soon as `signal` aborts. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Delay before retry number `retry` (0 for the first retry): `baseMs * 2^retry`, capped at
 * `maxMs`, with "equal jitter" (between half and all of it) so that parallel callers spread out.
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/**
 * Milliseconds to wait according to a `Retry-After` header (seconds or an HTTP date), or
 * undefined when it is absent or unusable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
