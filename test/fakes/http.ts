/**
 * What the fake API servers share: reading a request, recording its headers without secrets,
 * telling the auth style, pacing waits that end when the client goes away, listening on loopback.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Waits `ms`, or less when `signal` aborts (the client closed the connection). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The request headers, with the API key headers replaced by `[redacted]`. */
export function redactedHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k] = k === 'x-api-key' || k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  }
  return headers;
}

export function authStyleOf(req: http.IncomingMessage): 'x-api-key' | 'bearer' | 'none' {
  return req.headers['x-api-key'] !== undefined ? 'x-api-key' : req.headers.authorization ? 'bearer' : 'none';
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Listens on 127.0.0.1 on a free port and returns the port. */
export async function listenOnLoopback(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Whether the request carries `apiKey`, as `x-api-key` or as `Authorization: Bearer`. */
export function hasKey(req: http.IncomingMessage, apiKey: string): boolean {
  return req.headers['x-api-key'] === apiKey || req.headers.authorization === `Bearer ${apiKey}`;
}
