/**
 * The web search port on the Exa search API, through exa-js.
 *
 * Owns: one search with contents (highlights and a bounded text excerpt) per call, mapped to
 * SearchResult; the text of pages by URL (`/contents`, as exa-js's `getContents` sends it; a
 * page that cannot be fetched comes back in `statuses` with a 200, and is reported per URL);
 * the timeout, the retries (429 honouring `Retry-After`, 5xx, timeouts, network
 * errors) and the cancellation, which exa-js does not offer: every attempt races the request
 * against the timeout and the AbortSignal. exa-js builds the request (URL, `x-api-key`,
 * headers); `rawRequest` is used so that the status and the `Retry-After` header stay visible.
 * Must not: log or put the key in any message; enforce search budgets or caches (the core does).
 */
import Exa, { type CostDollars } from 'exa-js';
import { CancelledError, ConfigurationError } from '../core/errors';
import type { Log, PageContent, PageFailure, SearchOptions, SearchResult, WebSearch } from '../core/ports';
import { checkedBaseUrl } from '../core/endpoint';
import { backoffDelay, parseRetryAfter, sleep as defaultSleep, type Sleep } from './retry';

export interface ExaSearchOptions {
  apiKey: string;
  baseURL?: string;
  /** Time allowed for one attempt (request and answer). Default 20 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** First backoff, doubled each retry (jittered). Default 500 ms. */
  backoffMs?: number;
  /** Upper bound of one wait, `Retry-After` included. Default 30 s. */
  maxBackoffMs?: number;
  /** Characters of page text kept per result. Default 1500; 0 asks for highlights only. */
  textMaxCharacters?: number;
  /** Default number of results when the caller does not say. Default 5. */
  numResults?: number;
  /** Characters of page text asked for per URL by `contents`. Default 20,000. */
  contentsMaxCharacters?: number;
  log?: Log;
  /** For tests: the sleep between retries and the jitter source. */
  sleep?: Sleep;
  random?: () => number;
}

/** A search that failed for a reason other than configuration or cancellation. */
export class SearchCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly tag?: string,
  ) {
    super(message);
    this.name = 'SearchCallError';
  }
}

interface ExaResultWire {
  id?: string;
  url?: string;
  title?: string | null;
  publishedDate?: string | null;
  author?: string | null;
  text?: string;
  highlights?: string[];
}

interface ExaStatusWire {
  id?: string;
  status?: string;
  error?: { tag?: string; httpStatusCode?: number } | null;
}

interface ExaResponseWire {
  requestId?: string;
  results?: ExaResultWire[];
  /** `/contents` only: one per URL asked for. */
  statuses?: ExaStatusWire[];
  costDollars?: CostDollars;
}

type AttemptResult =
  | { ok: true; response: ExaResponseWire }
  | { ok: false; retryable: boolean; error: Error; retryAfterMs?: number };

const DEFAULT_BASE_URL = 'https://api.exa.ai';

export class ExaSearch implements WebSearch {
  private readonly exa: Exa;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly textMaxCharacters: number;
  private readonly numResults: number;
  private readonly contentsMaxCharacters: number;
  private readonly log?: Log;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(options: ExaSearchOptions) {
    const apiKey = options.apiKey?.trim() ?? '';
    if (!apiKey) throw new ConfigurationError('exaKey', 'No Exa API key is set. Add one to use web search.');
    const baseURL = options.baseURL !== undefined ? checkedBaseUrl(options.baseURL, 'Exa') : DEFAULT_BASE_URL;
    this.apiKey = apiKey;
    this.exa = new Exa(apiKey, baseURL);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.textMaxCharacters = options.textMaxCharacters ?? 1500;
    this.numResults = options.numResults ?? 5;
    this.contentsMaxCharacters = options.contentsMaxCharacters ?? 20_000;
    this.log = options.log;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  async search(query: string, options: SearchOptions = {}): Promise<{ results: SearchResult[]; costUsd?: number }> {
    const { signal } = options;
    if (!query.trim()) throw new SearchCallError('The search query is empty.');
    const numResults = Math.max(1, Math.min(100, Math.floor(options.numResults ?? this.numResults)));
    const body: Record<string, unknown> = {
      query,
      type: 'auto',
      numResults,
      contents: {
        highlights: true,
        ...(this.textMaxCharacters > 0 ? { text: { maxCharacters: this.textMaxCharacters } } : {}),
      },
    };

    return this.map(await this.post('/search', body, signal, 'Web search'));
  }

  async contents(urls: string[], options: { signal?: AbortSignal } = {}): Promise<{ pages: PageContent[]; failures: PageFailure[]; costUsd?: number }> {
    const wanted = [...new Set(urls.map((u) => u.trim()).filter(Boolean))];
    if (wanted.length === 0) return { pages: [], failures: [] };
    // The body exa-js's getContents(urls, { text }) sends.
    const body = { urls: wanted, text: { maxCharacters: this.contentsMaxCharacters } };
    const response = await this.post('/contents', body, options.signal, 'Page lookup');
    const pages: PageContent[] = [];
    const failures: PageFailure[] = [];
    const failed = new Set<string>();
    for (const st of response.statuses ?? []) {
      if (!st || typeof st.id !== 'string' || st.status === 'success') continue;
      failed.add(st.id);
      const code = st.error?.httpStatusCode;
      failures.push({ url: st.id, reason: st.error?.tag || st.status || 'error', ...(typeof code === 'number' ? { httpStatus: code } : {}) });
    }
    for (const r of response.results ?? []) {
      const url = r.url ?? r.id;
      if (!url || failed.has(url)) continue;
      const page: PageContent = { url, title: r.title?.trim() || url, text: typeof r.text === 'string' ? r.text : '' };
      if (r.publishedDate) page.publishedDate = r.publishedDate;
      pages.push(page);
    }
    // A URL neither in the results nor in the statuses was not fetched either.
    const answered = new Set([...pages.map((p) => p.url), ...failed]);
    for (const url of wanted) if (!answered.has(url)) failures.push({ url, reason: 'NO_RESULT' });
    const total = response.costDollars?.total;
    return typeof total === 'number' && Number.isFinite(total) ? { pages, failures, costUsd: total } : { pages, failures };
  }

  /** One call with its retries. */
  private async post(path: string, body: Record<string, unknown>, signal: AbortSignal | undefined, what: string): Promise<ExaResponseWire> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      const result = await this.attempt(path, body, signal);
      if (result.ok) return result.response;
      if (!result.retryable || attempt >= this.retries) throw result.error;
      const backoff = backoffDelay(attempt, this.backoffMs, this.maxBackoffMs, this.random);
      const delay = Math.min(this.maxBackoffMs, Math.max(backoff, result.retryAfterMs ?? 0));
      this.log?.warn(`${what} failed (${result.error.message}); retrying in ${delay} ms (retry ${attempt + 1} of ${this.retries}).`);
      await this.sleep(delay, signal);
    }
  }

  /** One request, raced against the timeout and the signal. */
  private attempt(path: string, body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => finish(() => reject(new CancelledError()));
      const timer = setTimeout(
        () =>
          finish(() =>
            resolve({
              ok: false,
              retryable: true,
              error: new SearchCallError(`The Exa API did not answer within ${Math.round(this.timeoutMs / 100) / 10} s.`),
            }),
          ),
        this.timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });

      this.request(path, body).then(
        (r) => finish(() => resolve(r)),
        (err: unknown) => {
          const detail = this.networkDetail(err);
          finish(() =>
            resolve({ ok: false, retryable: true, error: new SearchCallError(this.redact(`Could not reach the Exa API: ${detail}.`)) }),
          );
        },
      );
    });
  }

  private async request(path: string, body: Record<string, unknown>): Promise<AttemptResult> {
    const response = await this.exa.rawRequest(path, 'POST', body);
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (!json || typeof json !== 'object' || !Array.isArray((json as ExaResponseWire).results)) {
        return {
          ok: false,
          retryable: false,
          error: new SearchCallError('The Exa API answered with something that is not a search result.', response.status),
        };
      }
      return { ok: true, response: json as ExaResponseWire };
    }
    const status = response.status;
    const wire = (json && typeof json === 'object' ? json : {}) as { error?: unknown; tag?: unknown; message?: unknown };
    const tag = typeof wire.tag === 'string' ? wire.tag : undefined;
    const apiMessage =
      typeof wire.error === 'string'
        ? wire.error
        : typeof wire.message === 'string'
          ? wire.message
          : text.replace(/\s+/g, ' ').trim().slice(0, 200);
    const what = [tag, apiMessage].filter(Boolean).join(': ') || 'no details';
    if (status === 401) {
      return {
        ok: false,
        retryable: false,
        error: new ConfigurationError('exaKey', this.redact(`The Exa API rejected the API key (401 ${what}). Check the Exa key in the settings.`)),
      };
    }
    const retryable = status === 408 || status === 429 || status >= 500;
    return {
      ok: false,
      retryable,
      error: new SearchCallError(this.redact(`The Exa API answered ${status} (${what}).`), status, tag),
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
    };
  }

  private map(response: ExaResponseWire): { results: SearchResult[]; costUsd?: number } {
    const results: SearchResult[] = [];
    for (const r of response.results ?? []) {
      const url = r.url ?? r.id;
      if (!url) continue;
      const result: SearchResult = {
        url,
        title: r.title?.trim() || url,
        highlights: Array.isArray(r.highlights) ? r.highlights.filter((h) => typeof h === 'string' && h.trim()) : [],
      };
      if (r.publishedDate) result.publishedDate = r.publishedDate;
      if (r.author?.trim()) result.author = r.author.trim();
      if (typeof r.text === 'string' && r.text.length > 0) result.text = r.text;
      results.push(result);
    }
    const total = response.costDollars?.total;
    return typeof total === 'number' && Number.isFinite(total) ? { results, costUsd: total } : { results };
  }

  private networkDetail(err: unknown): string {
    if (!(err instanceof Error)) return String(err);
    const cause = (err as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    const causeMessage = cause instanceof Error ? cause.message : '';
    return [err.message, code || causeMessage].filter(Boolean).join(' — ');
  }

  /** Removes the key from any text, in case an endpoint echoes it. */
  private redact(text: string): string {
    return this.apiKey.length >= 8 ? text.split(this.apiKey).join('[redacted]') : text;
  }
}
