/**
 * A fake Anthropic Messages API on 127.0.0.1, speaking the real wire format, for integration
 * tests, the end-to-end tests and the benchmark.
 *
 * Owns: `POST …/v1/messages` as JSON and as server-sent events, authentication (`x-api-key` or
 * `Authorization: Bearer`), the required `anthropic-version` header, the real error bodies, `max_tokens` cuts, honest usage counts, a
 * prompt cache modelled on the documented behaviour, scripted faults and a seeded latency
 * model. It must not: reach the network, or keep secrets in what it records.
 *
 * Prompt cache model (as documented for the Messages API):
 * - the prompt is read in the order tools → system → messages; every block carrying
 *   `cache_control` (or the last block, with a top-level `cache_control`) is a breakpoint;
 * - a breakpoint's prefix is cached only when it reaches the model's minimum cacheable length;
 * - a request reads the longest live entry whose prefix is byte-identical to its own, checking
 *   each breakpoint and up to 20 block boundaries before it;
 * - an entry becomes visible to other requests only once the writing response has begun
 *   (after its time to first token), so parallel identical requests sent together all write;
 * - entries live 5 minutes (or 1 hour with `ttl: "1h"`) and every read refreshes them;
 * - usage reports `cache_read_input_tokens` for the hit, `cache_creation_input_tokens` for the
 *   tokens written after it, and `input_tokens` for the rest.
 * Tokens are estimated with `estimateTokens` (test/fakes/tokens.ts) over a canonical text of
 * the prompt, the same way for every request.
 */
import http from 'node:http';
import { authStyleOf, hasKey, isRecord, listenOnLoopback, readBody, redactedHeaders, wait } from './http';
import { createHash } from 'node:crypto';
import { estimateTokens, seededRandom, truncateToTokens, withJitter } from './tokens';
import { fakeBatches, type FakeBatch, type FakeBatchOptions } from './anthropicBatches';
import { citationRequestProblem, requestCitables, type FakeAnswerBlock, type FakeCitable } from './citations';

// ---------------------------------------------------------------------------------------------
// Public types

export interface TaskTag {
  step: string;
  label: string;
}

/** What the responder sees of one request. */
export interface AnthropicResponderInput {
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
  model: string;
  /** The system prompt's text (blocks joined with a blank line). */
  system: string;
  /** The text of the last user message. */
  lastUserText: string;
  /** Parsed from a first line `<!-- task: STEP/LABEL -->` of the last user message. */
  task?: TaskTag;
  maxTokens: number;
  stream: boolean;
  /** 0-based arrival order among all requests this server received. */
  index: number;
  /** The documents and search results the request offers to cite, in order. */
  citables: FakeCitable[];
}

/**
 * A responder's answer: text, or text blocks carrying citations in the wire shape (sent as
 * they are, malformed ones included: see citations.ts). With `blocks`, `text` is their join.
 */
export type AnthropicResponderResult =
  | string
  | { text: string; stopReason?: string; blocks?: undefined }
  | { blocks: FakeAnswerBlock[]; stopReason?: string; text?: undefined };

export type AnthropicResponder = (
  input: AnthropicResponderInput,
) => AnthropicResponderResult | Promise<AnthropicResponderResult>;

/** A scripted failure for one request. */
export type AnthropicFault =
  /** 429 `rate_limit_error` with a `retry-after` header (seconds, default 1). */
  | { kind: 'rate-limit'; retryAfterSeconds?: number; message?: string }
  /** 529 `overloaded_error`. */
  | { kind: 'overloaded'; message?: string }
  /** 500 `api_error`. */
  | { kind: 'api-error'; message?: string }
  /** Any HTTP error with the real error body. */
  | { kind: 'http'; status: number; errorType: string; message: string; headers?: Record<string, string> }
  /**
   * `event: error` in the middle of a stream, after `afterDeltas` text deltas (default 1).
   * For a non-streaming request, the HTTP error that the error type stands for.
   */
  | { kind: 'stream-error'; afterDeltas?: number; errorType?: string; message?: string }
  /**
   * The connection is destroyed: mid-stream after `afterDeltas` deltas (default 1), or before
   * any header when `beforeHeaders` is set or the request is not streaming.
   */
  | { kind: 'drop'; afterDeltas?: number; beforeHeaders?: boolean }
  /** The response waits `ms` before its headers (a slow answer, past a client timeout). */
  | { kind: 'delay'; ms: number };

export type AnthropicFaultSource =
  | Array<AnthropicFault | null | undefined>
  | ((input: AnthropicResponderInput) => AnthropicFault | null | undefined);

/** Seeded latency: time to first token, then deltas paced at `tokensPerSecond`. */
export interface LatencyModel {
  ttftMs?: number;
  /** 0 or absent: no pacing. */
  tokensPerSecond?: number;
  /** Fraction, 0..1: each wait is scaled by a factor in [1 - jitter, 1 + jitter]. */
  jitter?: number;
  seed?: number;
}

export interface FakeAnthropicOptions {
  /** The key the server accepts (default `sk-ant-fake-key`). */
  apiKey?: string;
  responder?: AnthropicResponder;
  faults?: AnthropicFaultSource;
  latency?: LatencyModel;
  /** Minimum cacheable prefix, in tokens; default per model (`defaultMinCacheableTokens`). */
  minCacheableTokens?: number | ((model: string) => number);
  /** Clock for the cache TTL (ms); default `Date.now`. */
  now?: () => number;
  /** Model ids the server knows; others get 404 `not_found_error`. Default: every id. */
  models?: string[];
  /** Reject `temperature`, `top_p` and `top_k` with 400, as current Sonnet models do. */
  rejectSamplingParams?: boolean;
  /** Characters per text delta (default 16; short answers are still split in several). */
  deltaChars?: number;
  /** `false`: `/v1/messages/count_tokens` answers 404, as an endpoint without it would. */
  countTokens?: boolean;
  /** Scripted failures of `/v1/messages/count_tokens`, one per request (null = none). */
  countFaults?: Array<AnthropicFault | null>;
  /** The Message Batches endpoints: processing time, entry faults, endpoint failures. */
  batches?: FakeBatchOptions;
}

export interface CacheOutcome {
  readTokens: number;
  writeTokens: number;
  /** Input tokens neither read from nor written to the cache. */
  uncachedTokens: number;
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface RecordedAnthropicRequest {
  index: number;
  method: string;
  path: string;
  /** Request headers, with `x-api-key` and `authorization` replaced by `[redacted]`. */
  headers: Record<string, string>;
  authStyle: 'x-api-key' | 'bearer' | 'none';
  /** Parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
  stream: boolean;
  model?: string;
  task?: TaskTag;
  fault?: AnthropicFault;
  /** HTTP status sent (0 when the connection was dropped before any header). */
  status: number;
  outcome: 'pending' | 'ok' | 'http-error' | 'stream-error' | 'dropped' | 'client-closed';
  cache?: CacheOutcome;
  usage?: AnthropicUsage;
  text?: string;
  stopReason?: string;
  requestId: string;
  /** Wall-clock times (Date.now()). */
  receivedAt: number;
  firstTokenAt?: number;
  finishedAt?: number;
}

export interface FakeAnthropicServer {
  /** Base URL to give the SDK (`http://127.0.0.1:PORT`). */
  readonly url: string;
  readonly apiKey: string;
  /** Every request received, in arrival order (entries are updated as responses progress). */
  readonly requests: RecordedAnthropicRequest[];
  /** Requests per task, keyed `STEP/LABEL` (`(untagged)` for requests without a task line). */
  countsByTask(): Record<string, number>;
  /** Number of requests for one task label (e.g. `analyst:market`), optionally in one step. */
  count(label: string, step?: string): number;
  setResponder(responder: AnthropicResponder): void;
  /** Appends faults to the queue (one per request, in arrival order; null = no fault). */
  pushFaults(...faults: Array<AnthropicFault | null>): void;
  /** Replaces the fault source (queue or function). */
  setFaults(source: AnthropicFaultSource | undefined): void;
  setLatency(latency: LatencyModel | undefined): void;
  /** Forgets every cache entry. */
  clearCache(): void;
  /** Forgets recorded requests (not the cache). */
  clearRequests(): void;
  /** The batches received, by id. */
  readonly batches: Map<string, FakeBatch>;
  /** Replaces the options of the batch endpoints. */
  setBatchOptions(options: FakeBatchOptions): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const DEFAULT_KEY = 'sk-ant-fake-key';
const TASK_LINE = /^\s*<!--\s*task:\s*([^/\s]+)\/(.+?)\s*-->/;
const LOOKBACK_BLOCKS = 20;
const MAX_BREAKPOINTS = 4;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
type Ttl = keyof typeof TTL_MS;

/**
 * Minimum cacheable prompt length per model, as published: 512 tokens for the 5-series Opus and
 * Fable models, 4096 for Haiku 4.5 and Opus 4.5/4.6, 2048 for Opus 4.7 and the 3-series Haiku,
 * 1024 for the other Sonnet and Opus models (and for unknown ids).
 */
export function defaultMinCacheableTokens(model: string): number {
  const m = model.toLowerCase();
  if (/claude-(opus|fable|mythos)-5/.test(m)) return 512;
  if (/claude-haiku-4-5|claude-opus-4-5|claude-opus-4-6/.test(m)) return 4096;
  if (/claude-opus-4-7|claude-3(-5)?-haiku|claude-haiku-3/.test(m)) return 2048;
  return 1024;
}

/** Parses the task line the core puts at the start of every call's last user message. */
export function parseTaskTag(text: string): TaskTag | undefined {
  const m = TASK_LINE.exec(text);
  return m ? { step: m[1], label: m[2] } : undefined;
}

function errorBody(type: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

const STATUS_OF_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

interface Segment {
  text: string;
  ttl?: Ttl;
}

function ttlOf(block: unknown): Ttl | undefined {
  if (!isRecord(block) || !isRecord(block.cache_control)) return undefined;
  return block.cache_control.ttl === '1h' ? '1h' : '5m';
}

function withoutCacheControl(block: Record<string, unknown>): string {
  const { cache_control: _ignored, ...rest } = block;
  return JSON.stringify(rest);
}

function blockText(block: unknown): string {
  if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') return block.text;
  return isRecord(block) ? withoutCacheControl(block) : JSON.stringify(block);
}

/** The prompt as canonical text blocks, in cache order (tools → system → messages). */
function promptSegments(body: Record<string, unknown>): Segment[] {
  const out: Segment[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      out.push({ text: isRecord(tool) ? withoutCacheControl(tool) : JSON.stringify(tool), ttl: ttlOf(tool) });
    }
  }
  if (typeof body.system === 'string') out.push({ text: body.system });
  else if (Array.isArray(body.system)) {
    for (const block of body.system) out.push({ text: blockText(block), ttl: ttlOf(block) });
  }
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      if (!isRecord(message)) continue;
      const marker = `\n\n${String(message.role)}: `;
      if (typeof message.content === 'string') out.push({ text: marker + message.content });
      else if (Array.isArray(message.content)) {
        message.content.forEach((block, i) => {
          out.push({ text: (i === 0 ? marker : '') + blockText(block), ttl: ttlOf(block) });
        });
      }
    }
  }
  if (isRecord(body.cache_control) && out.length > 0 && !out[out.length - 1].ttl) {
    out[out.length - 1].ttl = body.cache_control.ttl === '1h' ? '1h' : '5m';
  }
  return out;
}

function systemText(body: Record<string, unknown>): string {
  if (typeof body.system === 'string') return body.system;
  if (Array.isArray(body.system)) return body.system.map(blockText).join('\n\n');
  return '';
}

function lastUserText(body: Record<string, unknown>): string {
  if (!Array.isArray(body.messages)) return '';
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i];
    if (!isRecord(m) || m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content
        .filter((b) => isRecord(b) && b.type === 'text')
        .map((b) => String((b as Record<string, unknown>).text))
        .join('\n');
    }
  }
  return '';
}

function splitDeltas(text: string, deltaChars: number): string[] {
  if (text.length === 0) return [];
  // Short answers are still cut in a few pieces, so that streaming is visible.
  const size = Math.max(1, Math.min(deltaChars, Math.ceil(text.length / 3)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A text block of the answer as the API sends it (`citations` only when the block has some). */
function wireTextBlock(block: FakeAnswerBlock): Record<string, unknown> {
  return block.citations?.length ? { type: 'text', text: block.text, citations: block.citations } : { type: 'text', text: block.text };
}

/** The blocks cut to their first `chars` characters (a `max_tokens` stop). */
function cutBlocks(blocks: FakeAnswerBlock[], chars: number): FakeAnswerBlock[] {
  const out: FakeAnswerBlock[] = [];
  let left = chars;
  for (const b of blocks) {
    if (left <= 0) break;
    out.push(b.text.length <= left ? b : { ...b, text: b.text.slice(0, left) });
    left -= b.text.length;
  }
  return out.length ? out : [{ text: '' }];
}

interface CacheEntry {
  availableAt: number | null;
  expiresAt: number;
  ttl: Ttl;
  writers: Set<number>;
}

interface CachePlan {
  outcome: CacheOutcome;
  creation5m: number;
  creation1h: number;
  /** Keys this request writes, with their TTL. */
  writes: Array<{ key: string; ttl: Ttl }>;
}

// ---------------------------------------------------------------------------------------------
// The server

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
  const apiKey = options.apiKey ?? DEFAULT_KEY;
  let responder: AnthropicResponder =
    options.responder ??
    ((input) => `Fake answer${input.task ? ` for ${input.task.step}/${input.task.label}` : ''}.`);
  let faultSource: AnthropicFaultSource | undefined = options.faults;
  let latency: LatencyModel | undefined = options.latency;
  const now = options.now ?? Date.now;
  const minTokens =
    typeof options.minCacheableTokens === 'number'
      ? () => options.minCacheableTokens as number
      : (options.minCacheableTokens ?? defaultMinCacheableTokens);
  const deltaChars = options.deltaChars ?? 16;
  const requests: RecordedAnthropicRequest[] = [];
  const cache = new Map<string, CacheEntry>();
  let counter = 0;
  let batchOptions: FakeBatchOptions = options.batches ?? {};
  let baseUrl = '';

  /** One request of a batch, answered as a non-streaming message (no latency, no faults). */
  async function answerBatched(params: Record<string, unknown>) {
    const model = typeof params.model === 'string' ? params.model : '';
    if (!model || typeof params.max_tokens !== 'number' || !Array.isArray(params.messages) || params.messages.length === 0) {
      return { error: { type: 'invalid_request_error', message: 'model, max_tokens and messages are required' } };
    }
    if (options.models && !options.models.includes(model)) return { error: { type: 'not_found_error', message: `model: ${model}` } };
    const maxTokens = params.max_tokens;
    const index = counter++;
    const plan = planCache(model, promptSegments(params), index);
    publishWrites(plan, index);
    const userText = lastUserText(params);
    let answer: AnthropicResponderResult;
    try {
      answer = await responder({
        body: params,
        model,
        system: systemText(params),
        lastUserText: userText,
        task: parseTaskTag(userText),
        maxTokens,
        stream: false,
        index,
        citables: requestCitables(params),
      });
    } catch (err) {
      return { error: { type: 'api_error', message: `Fake responder failed: ${err instanceof Error ? err.message : String(err)}` } };
    }
    // Text blocks with their citations, as a direct answer has them.
    let blocks: FakeAnswerBlock[] =
      typeof answer === 'string' ? [{ text: answer }] : answer.blocks ? answer.blocks.map((b) => ({ ...b })) : [{ text: answer.text }];
    let text = blocks.map((b) => b.text).join('');
    let stopReason = (typeof answer === 'string' ? undefined : answer.stopReason) ?? 'end_turn';
    let outputTokens = Math.max(1, estimateTokens(text));
    if (estimateTokens(text) > maxTokens) {
      text = truncateToTokens(text, maxTokens);
      blocks = cutBlocks(blocks, text.length);
      stopReason = 'max_tokens';
      outputTokens = maxTokens;
    }
    return {
      message: {
        id: `msg_fakebatch${String(index).padStart(6, '0')}`,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks.map(wireTextBlock),
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          input_tokens: plan.outcome.uncachedTokens,
          output_tokens: outputTokens,
          cache_creation_input_tokens: plan.outcome.writeTokens,
          cache_read_input_tokens: plan.outcome.readTokens,
          cache_creation: { ephemeral_5m_input_tokens: plan.creation5m, ephemeral_1h_input_tokens: plan.creation1h },
          service_tier: 'batch',
        },
      },
    };
  }
  const batchRoutes = fakeBatches({ base: () => baseUrl, answer: answerBatched, settings: () => batchOptions });

  function nextFault(input: AnthropicResponderInput): AnthropicFault | undefined {
    if (!faultSource) return undefined;
    if (typeof faultSource === 'function') return faultSource(input) ?? undefined;
    return faultSource.length > 0 ? (faultSource.shift() ?? undefined) : undefined;
  }

  function live(entry: CacheEntry | undefined, t: number): entry is CacheEntry {
    return !!entry && entry.availableAt !== null && entry.availableAt <= t && t < entry.expiresAt;
  }

  function planCache(model: string, segments: Segment[], index: number): CachePlan {
    const t = now();
    const keys: string[] = [];
    const prefixTokens: number[] = [];
    let hash = createHash('sha256').update(model).digest('hex');
    let chars = 0;
    for (const s of segments) {
      hash = createHash('sha256').update(hash).update('\u0000').update(s.text).digest('hex');
      keys.push(hash);
      chars += s.text.length;
      prefixTokens.push(Math.ceil(chars / 4));
    }
    const total = prefixTokens.length ? prefixTokens[prefixTokens.length - 1] : 0;
    const breakpoints = segments.map((s, i) => (s.ttl ? i : -1)).filter((i) => i >= 0);

    let readIdx = -1;
    for (const b of breakpoints) {
      for (let j = b; j >= Math.max(0, b - LOOKBACK_BLOCKS + 1); j--) {
        if (live(cache.get(keys[j]), t)) {
          readIdx = Math.max(readIdx, j);
          break;
        }
      }
    }
    const readTokens = readIdx >= 0 ? prefixTokens[readIdx] : 0;
    if (readIdx >= 0) {
      const entry = cache.get(keys[readIdx])!;
      entry.expiresAt = t + TTL_MS[entry.ttl];
    }

    const minimum = minTokens(model);
    const writes: CachePlan['writes'] = [];
    let creation5m = 0;
    let creation1h = 0;
    let covered = readTokens;
    for (const b of breakpoints) {
      if (b <= readIdx || prefixTokens[b] < minimum) continue;
      const ttl = segments[b].ttl!;
      const delta = prefixTokens[b] - covered;
      if (ttl === '1h') creation1h += delta;
      else creation5m += delta;
      covered = prefixTokens[b];
      writes.push({ key: keys[b], ttl });
      let entry = cache.get(keys[b]);
      if (!entry || (entry.availableAt !== null && t >= entry.expiresAt)) {
        entry = { availableAt: null, expiresAt: Number.POSITIVE_INFINITY, ttl, writers: new Set() };
        cache.set(keys[b], entry);
      }
      entry.writers.add(index);
    }
    const writeTokens = creation5m + creation1h;
    return {
      outcome: { readTokens, writeTokens, uncachedTokens: total - readTokens - writeTokens },
      creation5m,
      creation1h,
      writes,
    };
  }

  /** The writing response has begun: its entries become visible to other requests. */
  function publishWrites(plan: CachePlan, index: number) {
    const t = now();
    for (const w of plan.writes) {
      const entry = cache.get(w.key);
      if (!entry) continue;
      entry.writers.delete(index);
      if (entry.availableAt === null) entry.availableAt = t;
      entry.expiresAt = Math.max(entry.expiresAt === Number.POSITIVE_INFINITY ? 0 : entry.expiresAt, t + TTL_MS[w.ttl]);
    }
  }

  /** The request failed before its response began: it wrote nothing. */
  function abandonWrites(plan: CachePlan | undefined, index: number) {
    if (!plan) return;
    for (const w of plan.writes) {
      const entry = cache.get(w.key);
      if (!entry) continue;
      entry.writers.delete(index);
      if (entry.availableAt === null && entry.writers.size === 0) cache.delete(w.key);
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const index = counter++;
    const requestId = `req_fake${String(index).padStart(6, '0')}`;
    const closed = new AbortController();
    res.on('close', () => closed.abort());

    const record: RecordedAnthropicRequest = {
      index,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: redactedHeaders(req),
      authStyle: authStyleOf(req),
      body: undefined,
      stream: false,
      status: 0,
      outcome: 'pending',
      requestId,
      receivedAt: Date.now(),
    };
    requests.push(record);

    const raw = await readBody(req);

    const sendError = (status: number, type: string, message: string, extra: Record<string, string> = {}) => {
      record.status = status;
      record.outcome = 'http-error';
      record.finishedAt = Date.now();
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...extra });
      res.end(errorBody(type, message, requestId));
    };

    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname.includes('/v1/messages/batches')) {
      if (!hasKey(req, apiKey)) return sendError(401, 'authentication_error', 'invalid x-api-key');
      if (!req.headers['anthropic-version']) return sendError(400, 'invalid_request_error', 'anthropic-version: header is required');
      try {
        record.body = JSON.parse(raw);
      } catch {
        record.body = raw;
      }
      const handled = await batchRoutes.handle(req, res, pathname, raw, sendError, requestId);
      if (handled) {
        if (record.outcome === 'pending') {
          record.status = res.statusCode;
          record.outcome = 'ok';
          record.finishedAt = Date.now();
        }
        return;
      }
    }
    if (req.method === 'POST' && pathname.endsWith('/v1/messages/count_tokens')) {
      if (options.countTokens === false) return sendError(404, 'not_found_error', 'Not found');
      if (!hasKey(req, apiKey)) return sendError(401, 'authentication_error', 'invalid x-api-key');
      if (!req.headers['anthropic-version']) return sendError(400, 'invalid_request_error', 'anthropic-version: header is required');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return sendError(400, 'invalid_request_error', 'There was an issue with the format of your request: invalid JSON.');
      }
      record.body = body;
      if (!isRecord(body) || typeof body.model !== 'string' || !body.model) return sendError(400, 'invalid_request_error', 'model: Field required');
      if (!Array.isArray(body.messages) || body.messages.length === 0) {
        return sendError(400, 'invalid_request_error', 'messages: at least one message is required');
      }
      if ('max_tokens' in body) return sendError(400, 'invalid_request_error', 'max_tokens: Extra inputs are not permitted');
      record.model = body.model;
      const fault = options.countFaults?.shift() ?? undefined;
      record.fault = fault;
      if (fault?.kind === 'rate-limit') {
        return sendError(429, 'rate_limit_error', fault.message ?? 'Token counting rate limit exceeded.', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      }
      if (fault?.kind === 'api-error') return sendError(500, 'api_error', fault.message ?? 'Internal server error');
      if (fault?.kind === 'http') return sendError(fault.status, fault.errorType, fault.message, fault.headers);
      const chars = promptSegments(body).reduce((n, seg) => n + seg.text.length, 0);
      record.status = 200;
      record.outcome = 'ok';
      record.finishedAt = Date.now();
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ input_tokens: Math.ceil(chars / 4) }));
      return;
    }
    if (req.method !== 'POST' || !pathname.endsWith('/v1/messages')) {
      sendError(404, 'not_found_error', 'Not found');
      return;
    }
    const keyOk = hasKey(req, apiKey);
    if (!keyOk) {
      sendError(401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    if (!req.headers['anthropic-version']) {
      sendError(400, 'invalid_request_error', 'anthropic-version: header is required');
      return;
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed)) throw new Error('not an object');
      body = parsed;
    } catch {
      record.body = raw;
      sendError(400, 'invalid_request_error', 'There was an issue with the format of your request: invalid JSON.');
      return;
    }
    record.body = body;
    record.stream = body.stream === true;
    const model = typeof body.model === 'string' ? body.model : '';
    record.model = model || undefined;
    const maxTokens = body.max_tokens;
    if (!model) return sendError(400, 'invalid_request_error', 'model: Field required');
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      return sendError(400, 'invalid_request_error', 'max_tokens: Field required to be a positive integer');
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendError(400, 'invalid_request_error', 'messages: at least one message is required');
    }
    if (options.models && !options.models.includes(model)) {
      return sendError(404, 'not_found_error', `model: ${model}`);
    }
    if (options.rejectSamplingParams) {
      for (const p of ['temperature', 'top_p', 'top_k']) {
        if (p in body) {
          return sendError(400, 'invalid_request_error', `${p}: is not supported with this model; use the default.`);
        }
      }
    }
    const segments = promptSegments(body);
    const breakpointCount = segments.filter((s) => s.ttl).length;
    if (breakpointCount > MAX_BREAKPOINTS) {
      return sendError(
        400,
        'invalid_request_error',
        `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpointCount}.`,
      );
    }

    const citables = requestCitables(body);
    const citationProblem = citationRequestProblem(body, citables);
    if (citationProblem) return sendError(400, 'invalid_request_error', citationProblem);

    const userText = lastUserText(body);
    const input: AnthropicResponderInput = {
      body,
      model,
      system: systemText(body),
      lastUserText: userText,
      task: parseTaskTag(userText),
      maxTokens,
      stream: record.stream,
      index,
      citables,
    };
    record.task = input.task;
    const fault = nextFault(input);
    record.fault = fault;

    // Faults answered before the model runs.
    if (fault) {
      switch (fault.kind) {
        case 'rate-limit':
          return sendError(429, 'rate_limit_error', fault.message ?? 'Number of request tokens has exceeded your per-minute rate limit.', {
            'retry-after': String(fault.retryAfterSeconds ?? 1),
          });
        case 'overloaded':
          return sendError(529, 'overloaded_error', fault.message ?? 'Overloaded');
        case 'api-error':
          return sendError(500, 'api_error', fault.message ?? 'Internal server error');
        case 'http':
          return sendError(fault.status, fault.errorType, fault.message, fault.headers);
        case 'stream-error':
          if (!record.stream) {
            const type = fault.errorType ?? 'overloaded_error';
            return sendError(STATUS_OF_ERROR_TYPE[type] ?? 500, type, fault.message ?? 'Overloaded');
          }
          break;
        case 'drop':
          if (!record.stream || fault.beforeHeaders) {
            record.outcome = 'dropped';
            record.finishedAt = Date.now();
            req.socket.destroy();
            return;
          }
          break;
        case 'delay':
          break;
      }
    }

    // The request is accepted: the cache is looked up and reserved at arrival.
    const plan = planCache(model, segments, index);
    record.cache = plan.outcome;
    const rng = seededRandom((latency?.seed ?? 1) * 1_000_003 + index);

    let answer: AnthropicResponderResult;
    try {
      answer = await responder(input);
    } catch (err) {
      abandonWrites(plan, index);
      return sendError(500, 'api_error', `Fake responder failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    let blocks: FakeAnswerBlock[] =
      typeof answer === 'string' ? [{ text: answer }] : answer.blocks ? answer.blocks.map((b) => ({ ...b })) : [{ text: answer.text }];
    let text = blocks.map((b) => b.text).join('');
    let stopReason = (typeof answer === 'string' ? undefined : answer.stopReason) ?? 'end_turn';
    let outputTokens = Math.max(1, estimateTokens(text));
    if (estimateTokens(text) > maxTokens) {
      text = truncateToTokens(text, maxTokens);
      blocks = cutBlocks(blocks, text.length);
      stopReason = 'max_tokens';
      outputTokens = maxTokens;
    }
    const usage: AnthropicUsage = {
      input_tokens: plan.outcome.uncachedTokens,
      output_tokens: outputTokens,
      cache_creation_input_tokens: plan.outcome.writeTokens,
      cache_read_input_tokens: plan.outcome.readTokens,
    };
    const fullUsage = {
      ...usage,
      cache_creation: { ephemeral_5m_input_tokens: plan.creation5m, ephemeral_1h_input_tokens: plan.creation1h },
      service_tier: 'standard',
    };
    const messageId = `msg_fake${String(index).padStart(6, '0')}`;

    if (fault?.kind === 'delay') await wait(fault.ms, closed.signal);
    await wait(withJitter(latency?.ttftMs ?? 0, latency?.jitter ?? 0, rng), closed.signal);
    if (closed.signal.aborted) {
      abandonWrites(plan, index);
      record.outcome = 'client-closed';
      record.finishedAt = Date.now();
      return;
    }
    publishWrites(plan, index);
    record.firstTokenAt = Date.now();
    const tps = latency?.tokensPerSecond ?? 0;
    const paceMs = (tokens: number) => (tps > 0 ? withJitter((tokens / tps) * 1000, latency?.jitter ?? 0, rng) : 0);

    if (!record.stream) {
      await wait(paceMs(outputTokens), closed.signal);
      if (closed.signal.aborted) {
        record.outcome = 'client-closed';
        record.finishedAt = Date.now();
        return;
      }
      record.status = 200;
      record.outcome = 'ok';
      record.usage = usage;
      record.text = text;
      record.stopReason = stopReason;
      record.finishedAt = Date.now();
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(
        JSON.stringify({
          id: messageId,
          type: 'message',
          role: 'assistant',
          model,
          content: blocks.map(wireTextBlock),
          stop_reason: stopReason,
          stop_sequence: null,
          usage: fullUsage,
        }),
      );
      return;
    }

    // Server-sent events.
    record.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    });
    const send = (event: string, data: unknown) => {
      if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('message_start', {
      type: 'message_start',
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...fullUsage, output_tokens: 1 },
      },
    });
    let sent = 0;
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b];
      send('content_block_start', { type: 'content_block_start', index: b, content_block: { type: 'text', text: '' } });
      if (b === 0) send('ping', { type: 'ping' });
      for (const citation of block.citations ?? []) {
        send('content_block_delta', { type: 'content_block_delta', index: b, delta: { type: 'citations_delta', citation } });
    }
    for (const delta of splitDeltas(block.text, deltaChars)) {
      if (fault?.kind === 'stream-error' && sent === (fault.afterDeltas ?? 1)) {
        send('error', {
          type: 'error',
          error: { type: fault.errorType ?? 'overloaded_error', message: fault.message ?? 'Overloaded' },
          request_id: requestId,
        });
        record.outcome = 'stream-error';
        record.finishedAt = Date.now();
        res.end();
        return;
      }
      if (fault?.kind === 'drop' && sent === (fault.afterDeltas ?? 1)) {
        record.outcome = 'dropped';
        record.finishedAt = Date.now();
        req.socket.destroy();
        return;
      }
      await wait(paceMs(estimateTokens(delta)), closed.signal);
      if (closed.signal.aborted) {
        record.outcome = 'client-closed';
        record.finishedAt = Date.now();
        return;
      }
      send('content_block_delta', { type: 'content_block_delta', index: b, delta: { type: 'text_delta', text: delta } });
      sent++;
    }
    if (b < blocks.length - 1) send('content_block_stop', { type: 'content_block_stop', index: b });
    }
    if (fault?.kind === 'stream-error') {
      // The answer was shorter than `afterDeltas`: the error still comes, at the end.
      send('error', {
        type: 'error',
        error: { type: fault.errorType ?? 'overloaded_error', message: fault.message ?? 'Overloaded' },
        request_id: requestId,
      });
      record.outcome = 'stream-error';
      record.finishedAt = Date.now();
      res.end();
      return;
    }
    if (fault?.kind === 'drop') {
      record.outcome = 'dropped';
      record.finishedAt = Date.now();
      req.socket.destroy();
      return;
    }
    send('content_block_stop', { type: 'content_block_stop', index: blocks.length - 1 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage,
    });
    send('message_stop', { type: 'message_stop' });
    record.outcome = 'ok';
    record.usage = usage;
    record.text = text;
    record.stopReason = stopReason;
    record.finishedAt = Date.now();
    res.end();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(errorBody('api_error', `Fake server failure: ${err instanceof Error ? err.message : String(err)}`, 'req_fake_error'));
      } else {
        res.destroy();
      }
    });
  });
  const port = await listenOnLoopback(server);
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    countsByTask() {
      const out: Record<string, number> = {};
      for (const r of requests) {
        const key = r.task ? `${r.task.step}/${r.task.label}` : '(untagged)';
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    },
    count(label: string, step?: string) {
      return requests.filter((r) => r.task?.label === label && (step === undefined || r.task.step === step)).length;
    },
    setResponder(next) {
      responder = next;
    },
    pushFaults(...faults) {
      if (!Array.isArray(faultSource)) faultSource = [];
      faultSource.push(...faults);
    },
    setFaults(source) {
      faultSource = source;
    },
    setLatency(next) {
      latency = next;
    },
    clearCache() {
      cache.clear();
    },
    clearRequests() {
      requests.length = 0;
    },
    batches: batchRoutes.batches,
    setBatchOptions(next) {
      batchOptions = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
