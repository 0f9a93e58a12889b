/**
 * The Message Batches endpoints of the fake Anthropic API: create, list, retrieve, results (as
 * JSONL, in a shuffled order) and cancel, with the real shapes of `MessageBatch` and
 * `MessageBatchIndividualResponse` (see the SDK's resources/messages/batches.d.ts).
 *
 * Owns: the batches the fake holds, when they end (after `processingMs`, or never), which
 * entries come back errored, expired or canceled, and scripted endpoint failures (429 with
 * retry-after, 500). Each request of a batch is answered by the server's own model logic
 * (responder, prompt cache, usage), as a non-streaming message. Must not: reach the network.
 */
import type http from 'node:http';
import { isRecord } from './http';
import { seededRandom } from './tokens';

export type BatchEntryFault = 'errored' | 'expired' | 'canceled';

export interface FakeBatchOptions {
  /** Time from creation until the batch ends; `never`: it stays in progress. Default 50 ms. */
  processingMs?: number | 'never';
  /** The fate of one entry (null: answered normally). */
  entryFault?: (customId: string, index: number) => BatchEntryFault | null | undefined;
  /** Scripted failures of the batch endpoints, one per request (null = none). */
  endpointFaults?: Array<{ kind: 'rate-limit'; retryAfterSeconds?: number } | { kind: 'api-error' } | null>;
  /** Seed of the shuffled order of results. */
  seed?: number;
}

export interface FakeBatch {
  id: string;
  createdAt: number;
  requests: Array<{ custom_id: string; params: Record<string, unknown> }>;
  endedAt: number | null;
  cancelInitiatedAt: number | null;
  results: Array<{ custom_id: string; result: unknown }> | null;
}

export type AnswerMessage = (params: Record<string, unknown>) => Promise<{ message: unknown } | { error: { type: string; message: string } }>;

type SendError = (status: number, type: string, message: string, extra?: Record<string, string>) => void;

export function fakeBatches(options: { base: () => string; answer: AnswerMessage; settings: () => FakeBatchOptions }) {
  const batches = new Map<string, FakeBatch>();
  let counter = 0;

  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const counts = (b: FakeBatch) => {
    const c = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (!b.results) {
      c.processing = b.requests.length;
      return c;
    }
    for (const r of b.results) {
      const type = (r.result as { type: keyof typeof c }).type;
      c[type] += 1;
    }
    return c;
  };
  const wire = (b: FakeBatch) => ({
    id: b.id,
    type: 'message_batch',
    processing_status: b.endedAt !== null ? 'ended' : b.cancelInitiatedAt !== null ? 'canceling' : 'in_progress',
    request_counts: counts(b),
    created_at: iso(b.createdAt),
    expires_at: iso(b.createdAt + 24 * 3600_000),
    ended_at: iso(b.endedAt),
    cancel_initiated_at: iso(b.cancelInitiatedAt),
    archived_at: null,
    results_url: b.endedAt !== null ? `${options.base()}/v1/messages/batches/${b.id}/results` : null,
  });

  /** Processes a batch whose time has come (once), in request order. */
  async function settle(b: FakeBatch): Promise<void> {
    if (b.results || b.endedAt !== null) return;
    const ms = options.settings().processingMs ?? 50;
    if (b.cancelInitiatedAt === null && (ms === 'never' || Date.now() < b.createdAt + ms)) return;
    const fault = options.settings().entryFault;
    const results: FakeBatch['results'] = [];
    for (let i = 0; i < b.requests.length; i++) {
      const r = b.requests[i];
      const f = b.cancelInitiatedAt !== null ? 'canceled' : fault?.(r.custom_id, i);
      if (f === 'canceled' || f === 'expired') {
        results.push({ custom_id: r.custom_id, result: { type: f } });
        continue;
      }
      if (f === 'errored') {
        results.push({ custom_id: r.custom_id, result: { type: 'errored', error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } } });
        continue;
      }
      const answered = await options.answer(r.params);
      results.push(
        'message' in answered
          ? { custom_id: r.custom_id, result: { type: 'succeeded', message: answered.message } }
          : { custom_id: r.custom_id, result: { type: 'errored', error: { type: 'error', error: answered.error } } },
      );
    }
    b.results = results;
    b.endedAt = Date.now();
  }

  function shuffled<T>(list: T[], seed: number): T[] {
    const rng = seededRandom(seed);
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** Handles a batch endpoint; returns false when the path is not one. */
  async function handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, raw: string, sendError: SendError, requestId: string): Promise<boolean> {
    const m = /\/v1\/messages\/batches(?:\/([^/]+))?(?:\/(results|cancel))?$/.exec(pathname);
    if (!m) return false;
    const fault = options.settings().endpointFaults?.shift() ?? null;
    if (fault?.kind === 'rate-limit') {
      sendError(429, 'rate_limit_error', 'Number of batch requests has exceeded your rate limit.', { 'retry-after': String(fault.retryAfterSeconds ?? 0) });
      return true;
    }
    if (fault?.kind === 'api-error') {
      sendError(500, 'api_error', 'Internal server error');
      return true;
    }
    const [, id, action] = m;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify(body));
    };
    if (!id && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        sendError(400, 'invalid_request_error', 'There was an issue with the format of your request: invalid JSON.');
        return true;
      }
      const requests = isRecord(body) && Array.isArray(body.requests) ? body.requests : null;
      if (!requests || requests.length === 0) {
        sendError(400, 'invalid_request_error', 'requests: at least one request is required');
        return true;
      }
      const ids = new Set<string>();
      for (const r of requests) {
        if (!isRecord(r) || typeof r.custom_id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id) || !isRecord(r.params)) {
          sendError(400, 'invalid_request_error', 'requests: each request needs a custom_id (1-64 of a-z A-Z 0-9 _ -) and params');
          return true;
        }
        if (ids.has(r.custom_id)) {
          sendError(400, 'invalid_request_error', `requests: duplicate custom_id ${r.custom_id}`);
          return true;
        }
        if ('stream' in r.params) {
          sendError(400, 'invalid_request_error', 'requests.params.stream: streaming is not supported in batches');
          return true;
        }
        ids.add(r.custom_id);
      }
      const b: FakeBatch = {
        id: `msgbatch_fake${String(counter++).padStart(6, '0')}`,
        createdAt: Date.now(),
        requests: requests as FakeBatch['requests'],
        endedAt: null,
        cancelInitiatedAt: null,
        results: null,
      };
      batches.set(b.id, b);
      json(200, wire(b));
      return true;
    }
    if (!id && req.method === 'GET') {
      const all = [...batches.values()].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
      for (const b of all) await settle(b);
      json(200, { data: all.map(wire), has_more: false, first_id: all[0]?.id ?? null, last_id: all.at(-1)?.id ?? null });
      return true;
    }
    const b = id ? batches.get(id) : undefined;
    if (!b) {
      sendError(404, 'not_found_error', `message batch ${id ?? ''} not found`);
      return true;
    }
    if (action === 'cancel' && req.method === 'POST') {
      if (b.endedAt === null) b.cancelInitiatedAt = Date.now();
      await settle(b);
      json(200, wire(b));
      return true;
    }
    if (action === 'results' && req.method === 'GET') {
      await settle(b);
      if (!b.results) {
        sendError(400, 'invalid_request_error', 'The batch has not finished processing.');
        return true;
      }
      res.writeHead(200, { 'content-type': 'application/binary', 'request-id': requestId });
      res.end(shuffled(b.results, (options.settings().seed ?? 7) + counter).map((r) => JSON.stringify(r)).join('\n') + '\n');
      return true;
    }
    if (!action && req.method === 'GET') {
      await settle(b);
      json(200, wire(b));
      return true;
    }
    sendError(405, 'invalid_request_error', 'Method not allowed');
    return true;
  }

  return { batches, handle };
}
