/**
 * A fake Exa search API on 127.0.0.1, speaking the wire format exa-js uses, for integration
 * tests, the end-to-end tests and the benchmark.
 *
 * Owns: `POST /search` (search with contents: text and highlights as requested), the response
 * shape (`requestId`, `resolvedSearchType`, `results[]`, `costDollars`), `POST /contents` (the
 * text of pages by URL; a page that cannot be fetched is a `statuses` entry with its tag and
 * the page's HTTP status, in a 200 answer, as the real endpoint does), authentication
 * (`x-api-key` or `Authorization: Bearer`), the error body (`requestId`, `error`, `tag`),
 * scripted faults, a seeded latency and recorded requests. Default results are derived from
 * the query, deterministically, on reserved `.example` domains.
 * Must not: reach the network, or keep secrets in what it records.
 */
import http from 'node:http';
import { authStyleOf, hasKey, isRecord, listenOnLoopback, readBody, redactedHeaders, wait } from './http';
import { hashString, seededRandom, withJitter } from './tokens';

/** One result as the fake holds it; contents are cut to what each request asks for. */
export interface FakeExaResult {
  url: string;
  title: string;
  publishedDate?: string;
  author?: string;
  text: string;
  highlights: string[];
}

export type ExaFault =
  /** 429 with a `retry-after` header (seconds, default 1). */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /** A 5xx answer (default 500). */
  | { kind: 'server-error'; status?: number }
  /** Any HTTP error with the real error body. */
  | { kind: 'http'; status: number; tag: string; message: string; headers?: Record<string, string> }
  /** The answer waits `ms` before its headers (past a client timeout). */
  | { kind: 'delay'; ms: number }
  /** The connection is destroyed before any header. */
  | { kind: 'drop' };

export interface ExaFaultInput {
  /** `/search` or `/contents`. */
  path: string;
  /** `/contents`: the URLs asked for. */
  urls: string[];
  query: string;
  numResults: number;
  body: Record<string, unknown>;
  index: number;
}

export type ExaFaultSource =
  | Array<ExaFault | null | undefined>
  | ((input: ExaFaultInput) => ExaFault | null | undefined);

export interface ExaLatency {
  ms?: number;
  /** Fraction, 0..1. */
  jitter?: number;
  seed?: number;
}

export interface FakeExaOptions {
  /** The key the server accepts (default `exa-fake-key`). */
  apiKey?: string;
  /** Results for a query; default: `defaultExaResults`. */
  results?: (query: string, numResults: number) => FakeExaResult[];
  faults?: ExaFaultSource;
  latency?: ExaLatency;
  /** `costDollars.total` of one search (default 0.007: published price with contents). */
  costPerSearch?: number;
  /**
   * `/contents`: the page at a URL, or null when it cannot be fetched (a 404 status), or
   * `{ error }` for another per-URL failure. Default: the pages of the search results served
   * so far; any other URL is not found.
   */
  pages?: (url: string) => FakeExaPage | null | { error: { tag: string; httpStatusCode: number } };
  /** `costDollars.total` per page fetched by `/contents` (default 0.001). */
  costPerPage?: number;
}

/** A page `/contents` can serve. */
export interface FakeExaPage {
  title: string;
  text: string;
  publishedDate?: string;
  author?: string;
}

export interface RecordedExaRequest {
  index: number;
  method: string;
  path: string;
  /** Request headers, with `x-api-key` and `authorization` replaced by `[redacted]`. */
  headers: Record<string, string>;
  authStyle: 'x-api-key' | 'bearer' | 'none';
  body: unknown;
  query?: string;
  numResults?: number;
  /** `/contents`: the URLs asked for. */
  urls?: string[];
  fault?: ExaFault;
  status: number;
  outcome: 'pending' | 'ok' | 'http-error' | 'dropped' | 'client-closed';
  resultCount?: number;
  receivedAt: number;
  finishedAt?: number;
}

export interface FakeExaServer {
  /** Base URL to give exa-js (`http://127.0.0.1:PORT`). */
  readonly url: string;
  readonly apiKey: string;
  readonly requests: RecordedExaRequest[];
  /** Appends faults to the queue (one per authenticated search, in arrival order). */
  pushFaults(...faults: Array<ExaFault | null>): void;
  setFaults(source: ExaFaultSource | undefined): void;
  setResults(results: (query: string, numResults: number) => FakeExaResult[]): void;
  setLatency(latency: ExaLatency | undefined): void;
  setPages(pages: FakeExaOptions['pages']): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const DEFAULT_KEY = 'exa-fake-key';
const AUTHORS = ['A. Rossi', 'J. Smith', 'M. Chen', 'L. Moreau', 'K. Okafor', 'S. Novak', 'R. Silva'];

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'query'
  );
}

/** Deterministic results for a query: the same query always gives the same results. */
export function defaultExaResults(query: string, numResults: number): FakeExaResult[] {
  const h = hashString(query);
  const s = slug(query);
  const out: FakeExaResult[] = [];
  for (let i = 0; i < numResults; i++) {
    const k = (h + i * 7919) >>> 0;
    const day = new Date(Date.UTC(2024, 0, 1) + (k % 900) * 86_400_000);
    out.push({
      url: `https://site-${(k % 9) + 1}.example/articles/${s}-${i + 1}`,
      title: `${query} — source ${i + 1}`,
      publishedDate: day.toISOString(),
      author: AUTHORS[k % AUTHORS.length],
      text:
        `Report ${i + 1} on "${query}". It describes the current situation, the main actors and the ` +
        `figures reported in ${day.getUTCFullYear()}. Analysts quoted here disagree on the outlook; ` +
        `the article lists risks, opportunities and open questions about ${query}.`,
      highlights: [
        `Source ${i + 1} on ${query}: the figures reported in ${day.getUTCFullYear()} point to a changing situation.`,
        `Analysts disagree on the outlook for ${query}.`,
      ],
    });
  }
  return out;
}

function maxChars(option: unknown): number | undefined {
  return isRecord(option) && typeof option.maxCharacters === 'number' ? option.maxCharacters : undefined;
}

export async function startFakeExa(options: FakeExaOptions = {}): Promise<FakeExaServer> {
  const apiKey = options.apiKey ?? DEFAULT_KEY;
  let resultsFor = options.results ?? defaultExaResults;
  let faultSource: ExaFaultSource | undefined = options.faults;
  let latency: ExaLatency | undefined = options.latency;
  const cost = options.costPerSearch ?? 0.007;
  const costPerPage = options.costPerPage ?? 0.001;
  let pagesFor = options.pages;
  /** Pages of the search results served so far: the default `/contents` answers. */
  const served = new Map<string, FakeExaResult>();
  const requests: RecordedExaRequest[] = [];
  let counter = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const index = counter++;
    const requestId = `fake${String(index).padStart(8, '0')}`;
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    const record: RecordedExaRequest = {
      index,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: redactedHeaders(req),
      authStyle: authStyleOf(req),
      body: undefined,
      status: 0,
      outcome: 'pending',
      receivedAt: Date.now(),
    };
    requests.push(record);
    const raw = await readBody(req);

    const sendError = (status: number, tag: string, message: string, extra: Record<string, string> = {}) => {
      record.status = status;
      record.outcome = 'http-error';
      record.finishedAt = Date.now();
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...extra });
      res.end(JSON.stringify({ requestId, error: message, tag }));
    };

    const pathname = (req.url ?? '/').split('?')[0];
    const isContents = pathname.endsWith('/contents');
    if (req.method !== 'POST' || !(pathname.endsWith('/search') || isContents)) {
      return sendError(404, 'NOT_FOUND', `Cannot ${req.method} ${pathname}`);
    }
    if (!hasKey(req, apiKey)) {
      return sendError(401, 'INVALID_API_KEY', 'Invalid API key');
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed)) throw new Error('not an object');
      body = parsed;
    } catch {
      record.body = raw;
      return sendError(400, 'INVALID_REQUEST_BODY', 'Request body is not valid JSON');
    }
    record.body = body;
    if (isContents) return handleContents(body, record, req, res, closed.signal, sendError, requestId, index);
    const query = typeof body.query === 'string' ? body.query : '';
    if (!query.trim()) return sendError(400, 'INVALID_REQUEST_BODY', 'query: Required');
    const numResults = body.numResults === undefined ? 10 : body.numResults;
    if (typeof numResults !== 'number' || !Number.isInteger(numResults) || numResults < 1 || numResults > 100) {
      return sendError(400, 'INVALID_NUM_RESULTS', 'numResults must be an integer between 1 and 100');
    }
    record.query = query;
    record.numResults = numResults;

    const fault = nextFault({ path: '/search', urls: [], query, numResults, body, index });
    record.fault = fault;
    if (await applyFault(fault, record, req, closed.signal, sendError)) return;
    const rng = seededRandom((latency?.seed ?? 1) * 1_000_003 + index);
    await wait(withJitter(latency?.ms ?? 0, latency?.jitter ?? 0, rng), closed.signal);
    if (closed.signal.aborted) {
      record.outcome = 'client-closed';
      record.finishedAt = Date.now();
      return;
    }

    const contents = isRecord(body.contents) ? body.contents : {};
    const wantText = contents.text !== undefined && contents.text !== false;
    const wantHighlights = contents.highlights !== undefined && contents.highlights !== false;
    const textMax = maxChars(contents.text);
    const highlightMax = maxChars(contents.highlights);
    const results = resultsFor(query, numResults)
      .slice(0, numResults)
      .map((r, i) => {
        served.set(r.url, r);
        const out: Record<string, unknown> = {
          id: r.url,
          url: r.url,
          title: r.title,
          publishedDate: r.publishedDate ?? null,
          author: r.author ?? null,
          score: Math.round((0.9 - i * 0.03) * 1000) / 1000,
        };
        if (wantText) out.text = textMax !== undefined ? r.text.slice(0, textMax) : r.text;
        if (wantHighlights) {
          out.highlights = r.highlights.map((h) => (highlightMax !== undefined ? h.slice(0, highlightMax) : h));
          out.highlightScores = r.highlights.map((_, j) => Math.round((0.8 - j * 0.1) * 1000) / 1000);
        }
        return out;
      });
    record.status = 200;
    record.outcome = 'ok';
    record.resultCount = results.length;
    record.finishedAt = Date.now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        requestId,
        resolvedSearchType: 'neural',
        results,
        searchTime: 1,
        costDollars: { total: cost, search: { neural: cost } },
      }),
    );
  }

  function nextFault(input: ExaFaultInput): ExaFault | undefined {
    if (typeof faultSource === 'function') return faultSource(input) ?? undefined;
    if (faultSource && faultSource.length > 0) return faultSource.shift() ?? undefined;
    return undefined;
  }

  /** Answers a fault; true when the request is answered (or dropped) by it. */
  async function applyFault(
    fault: ExaFault | undefined,
    record: RecordedExaRequest,
    req: http.IncomingMessage,
    signal: AbortSignal,
    sendError: (status: number, tag: string, message: string, extra?: Record<string, string>) => void,
  ): Promise<boolean> {
    if (!fault) return false;
    switch (fault.kind) {
      case 'rate-limit':
        sendError(429, 'RATE_LIMIT_EXCEEDED', 'You have exceeded your rate limit', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
        return true;
      case 'server-error':
        sendError(fault.status ?? 500, 'INTERNAL_ERROR', 'Internal server error');
        return true;
      case 'http':
        sendError(fault.status, fault.tag, fault.message, fault.headers);
        return true;
      case 'drop':
        record.outcome = 'dropped';
        record.finishedAt = Date.now();
        req.socket.destroy();
        return true;
      case 'delay':
        await wait(fault.ms, signal);
        return false;
    }
  }

  /** `POST /contents`: the pages asked for, and a status per URL. */
  async function handleContents(
    body: Record<string, unknown>,
    record: RecordedExaRequest,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    signal: AbortSignal,
    sendError: (status: number, tag: string, message: string, extra?: Record<string, string>) => void,
    requestId: string,
    index: number,
  ) {
    const urls = Array.isArray(body.urls) ? body.urls.filter((u): u is string => typeof u === 'string') : [];
    if (urls.length === 0) return sendError(400, 'INVALID_REQUEST_BODY', 'urls: at least one URL is required');
    record.urls = urls;
    const fault = nextFault({ path: '/contents', urls, query: '', numResults: urls.length, body, index });
    record.fault = fault;
    if (await applyFault(fault, record, req, signal, sendError)) return;
    const rng = seededRandom((latency?.seed ?? 1) * 1_000_003 + index);
    await wait(withJitter(latency?.ms ?? 0, latency?.jitter ?? 0, rng), signal);
    if (signal.aborted) {
      record.outcome = 'client-closed';
      record.finishedAt = Date.now();
      return;
    }
    const textMax = maxChars(body.text);
    const results: Array<Record<string, unknown>> = [];
    const statuses: Array<Record<string, unknown>> = [];
    for (const url of urls) {
      const found = pagesFor ? pagesFor(url) : (served.get(url) ?? null);
      if (found === null || 'error' in found) {
        const error = found === null ? { tag: 'CRAWL_NOT_FOUND', httpStatusCode: 404 } : found.error;
        statuses.push({ id: url, status: 'error', error });
        continue;
      }
      statuses.push({ id: url, status: 'success' });
      const out: Record<string, unknown> = { id: url, url, title: found.title, publishedDate: found.publishedDate ?? null, author: found.author ?? null };
      if (body.text !== undefined && body.text !== false) out.text = textMax !== undefined ? found.text.slice(0, textMax) : found.text;
      results.push(out);
    }
    record.status = 200;
    record.outcome = 'ok';
    record.resultCount = results.length;
    record.finishedAt = Date.now();
    const total = Math.round(results.length * costPerPage * 1e6) / 1e6;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requestId, results, statuses, costDollars: { total, contents: { text: total } } }));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ requestId: 'fake-error', error: `Fake server failure: ${String(err)}`, tag: 'INTERNAL_ERROR' }));
      } else {
        res.destroy();
      }
    });
  });
  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    pushFaults(...faults) {
      if (!Array.isArray(faultSource)) faultSource = [];
      faultSource.push(...faults);
    },
    setFaults(source) {
      faultSource = source;
    },
    setResults(next) {
      resultsFor = next;
    },
    setLatency(next) {
      latency = next;
    },
    setPages(next) {
      pagesFor = next;
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
