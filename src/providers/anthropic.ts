/**
 * The language model port on the Anthropic Messages API, through the official SDK.
 *
 * Owns: turning a ModelRequest into a streamed Messages call (system blocks with cache
 * breakpoints, no sampling parameters unless asked), streaming text to the caller, reading
 * usage (cache writes and reads included), retrying what the SDK does not retry (an error
 * event or a dropped connection in the middle of a stream), and mapping failures to clear
 * errors that never contain the key. HTTP-level retries (429 with retry-after, 5xx, 529,
 * timeouts) are the SDK's own, governed by `maxRetries`.
 * Must not: log or put the API key in any message; know anything about the workflow.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { BaseAnthropic, type ClientOptions } from '@anthropic-ai/sdk/client';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { Messages } from '@anthropic-ai/sdk/resources/messages/messages';
import { CancelledError, ConfigurationError } from '../core/errors';
import type { LanguageModel, Log, MessageBatches, ModelCallOptions, ModelRequest, ModelResponse } from '../core/ports';
import { AnthropicBatches } from './anthropicBatches';
import { modelResponse } from './anthropicAnswer';
import { citableBlocks } from './anthropicCitations';
import { checkedBaseUrl } from '../core/endpoint';
import { backoffDelay, sleep as defaultSleep, type Sleep } from './retry';

export interface AnthropicModelOptions {
  apiKey: string;
  /** Another endpoint speaking the Messages API (a gateway or proxy). */
  baseURL?: string;
  /** The SDK's own retries of failed HTTP requests (429, 5xx, 529, timeouts). Default 2. */
  maxRetries?: number;
  /** Time allowed until the response headers arrive, per attempt. Default: the SDK's. */
  timeoutMs?: number;
  /** Our retries of a whole call after a stream failed midway. Default 2. */
  midStreamRetries?: number;
  /** First backoff before a mid-stream retry, doubled each time (jittered). Default 500 ms. */
  backoffMs?: number;
  /** Upper bound of one backoff. Default 8 s. */
  maxBackoffMs?: number;
  log?: Log;
  /** For tests: the sleep and random source used between mid-stream retries. */
  sleep?: Sleep;
  random?: () => number;
}

/** A model call that failed for a reason other than configuration or cancellation. */
export class ModelCallError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status?: number,
    /** The API's error type (`overloaded_error`, `invalid_request_error`, ...). */
    readonly errorType?: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

/** Error types an `event: error` may carry that are worth a new attempt. */
const RETRYABLE_STREAM_ERRORS = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

type Failure =
  | { kind: 'cancelled' }
  | { kind: 'fatal'; error: Error }
  /** Failed after the response had begun; the SDK does not retry these. */
  | { kind: 'mid-stream'; error: Error; reason: string };

/**
 * The SDK's client with only the Messages resource. The full `Anthropic` client registers every
 * resource (beta, admin, files, models, tools), which would more than double the bundle; the
 * base client keeps the SDK's own retries, timeouts, headers and error classes.
 */
class MessagesClient extends BaseAnthropic {
  readonly messages: Messages;
  constructor(options: ClientOptions) {
    super(options);
    this.messages = new Messages(this);
  }
}

export class AnthropicModel implements LanguageModel {
  private readonly client: MessagesClient;
  private batchApi: AnthropicBatches | undefined;
  private readonly apiKey: string;
  private readonly midStreamRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log?: Log;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly baseURL?: string;

  constructor(options: AnthropicModelOptions) {
    const apiKey = options.apiKey?.trim() ?? '';
    if (!apiKey) {
      throw new ConfigurationError('anthropicKey', 'No Anthropic API key is set. Add one to use the Anthropic models.');
    }
    if (options.baseURL !== undefined) checkedBaseUrl(options.baseURL, 'Anthropic');
    this.apiKey = apiKey;
    this.baseURL = options.baseURL;
    this.midStreamRetries = Math.max(0, options.midStreamRetries ?? 2);
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.log = options.log;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    const log = options.log;
    this.client = new MessagesClient({
      apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs,
      // The SDK's own log goes to ours: its info lines (each request, each retry) at debug
      // level; its debug lines (request details) are not asked for.
      logLevel: 'info',
      logger: {
        error: (msg: string) => log?.error(this.redact(`Anthropic SDK: ${msg}`)),
        warn: (msg: string) => log?.warn(this.redact(`Anthropic SDK: ${msg}`)),
        info: (msg: string) => log?.debug(this.redact(`Anthropic SDK: ${msg}`)),
        debug: (msg: string) => log?.debug(this.redact(`Anthropic SDK: ${msg}`)),
      },
    });
  }

  async complete(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const { signal, onText, onStart } = options;
    const started = Date.now();
    const params = this.buildParams(request);
    // Text already handed to onText, across attempts: a retried attempt only streams what goes
    // beyond it (when it agrees with it), so the caller never sees the same text twice.
    let streamed = '';
    let diverged = false;

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      let attemptText = '';
      const deliver = (delta: string) => {
        attemptText += delta;
        if (!onText || diverged) return;
        if (attemptText.length <= streamed.length) return;
        if (!attemptText.startsWith(streamed)) {
          diverged = true;
          this.log?.warn(`${request.step}/${request.label}: the retried answer differs from the text already streamed.`);
          return;
        }
        const fresh = attemptText.slice(streamed.length);
        streamed = attemptText;
        try {
          onText(fresh);
        } catch (err) {
          // A failing listener must not look like a broken stream (and cause a retry).
          this.log?.warn(`${request.step}/${request.label}: the text listener failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      };

      const outcome = await this.attempt(params, signal, deliver, onStart);
      if ('message' in outcome) {
        return modelResponse(outcome.message, Date.now() - started, () => (request.documents?.length ?? 0) > 0);
      }
      const failure = outcome.failure;
      if (failure.kind === 'cancelled') throw new CancelledError();
      if (failure.kind === 'fatal') throw failure.error;
      if (attempt >= this.midStreamRetries) {
        throw new ModelCallError(
          this.redact(
            `The Anthropic API stream failed ${attempt + 1} time(s) in a row (${failure.reason}). Try again later.`,
          ),
          undefined,
          failure.error instanceof APIError ? (failure.error.type ?? undefined) : undefined,
        );
      }
      const delay = backoffDelay(attempt, this.backoffMs, this.maxBackoffMs, this.random);
      this.log?.warn(
        `${request.step}/${request.label}: the stream failed midway (${failure.reason}); retrying in ${delay} ms ` +
          `(retry ${attempt + 1} of ${this.midStreamRetries}).`,
      );
      await this.sleep(delay, signal);
    }
  }

  /** The Message Batches API of this endpoint (overnight runs). */
  get batches(): MessageBatches {
    this.batchApi ??= new AnthropicBatches(
      this.client.messages,
      (request) => this.buildParams(request),
      (err, signal) => {
        const failure = this.classify(err, false, signal, 'batch');
        if (failure.kind === 'cancelled') return new CancelledError();
        return failure.kind === 'fatal' ? failure.error : new ModelCallError(this.redact(failure.reason));
      },
    );
    return this.batchApi;
  }

  /** Input tokens of a request, from the token-counting endpoint (free; its own rate limit). */
  async countTokens(request: Pick<ModelRequest, 'model' | 'system' | 'messages' | 'documents'>, options: { signal?: AbortSignal } = {}): Promise<number> {
    const { model, system, messages } = this.buildParams({ ...request, maxTokens: 1, step: 'propose', label: 'count' });
    try {
      const counted = await this.client.messages.countTokens({ model, messages, ...(system ? { system } : {}) }, { signal: options.signal, maxRetries: 1 });
      if (typeof counted.input_tokens !== 'number' || !Number.isFinite(counted.input_tokens)) {
        throw new ModelCallError('The token-counting endpoint answered without a token count.');
      }
      return counted.input_tokens;
    } catch (err) {
      if (err instanceof ModelCallError) throw err;
      const failure = this.classify(err, false, options.signal, request.model);
      if (failure.kind === 'cancelled') throw new CancelledError();
      throw failure.kind === 'fatal' ? failure.error : new ModelCallError(this.redact(failure.reason));
    }
  }

  private buildParams(request: ModelRequest): Anthropic.MessageCreateParamsNonStreaming {
    const system: Anthropic.TextBlockParam[] = request.system
      // The API rejects empty text blocks.
      .filter((block) => block.text.length > 0)
      .map((block) => ({ type: 'text', text: block.text }));
    const documents = citableBlocks(request.documents ?? [], request.cacheDocuments === true, request.cachedDocuments);
    const documentBreakpoints = documents.some((d) => d.cache_control) ? 1 : 0;
    // At most four cache breakpoints are allowed: keep the last four (the longest prefixes).
    const cacheIdx = request.system
      .filter((block) => block.text.length > 0)
      .map((block, i) => (block.cache ? i : -1))
      .filter((i) => i >= 0)
      .slice(-(4 - documentBreakpoints));
    const blocks = request.system.filter((block) => block.text.length > 0);
    for (const i of cacheIdx) system[i].cache_control = blocks[i].ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };

    // `messages.stream()` sets `stream: true` itself.
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    // Citable documents open the first user message, before its text.
    const first = params.messages.findIndex((m) => m.role === 'user');
    if (documents.length > 0 && first >= 0) {
      const text = params.messages[first].content as string;
      params.messages[first] = { role: 'user', content: [...documents, ...(text ? [{ type: 'text' as const, text }] : [])] };
    }
    if (system.length > 0) params.system = system;
    // Current models reject non-default sampling parameters, and the SDK no longer types
    // them: `temperature` is sent only when a request asks for it (for models that take it).
    if (request.temperature !== undefined) {
      return { ...params, temperature: request.temperature } as Anthropic.MessageCreateParamsNonStreaming;
    }
    return params;
  }

  private async attempt(
    params: Anthropic.MessageCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
    onDelta: (delta: string) => void,
    onStart?: () => void,
  ): Promise<{ message: Anthropic.Message } | { failure: Failure }> {
    let connected = false;
    const stream = this.client.messages.stream(params, { signal });
    stream.on('connect', () => {
      connected = true;
    });
    stream.on('text', (delta) => onDelta(delta));
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') onStart?.();
    });
    try {
      const message = await stream.finalMessage();
      return { message };
    } catch (err) {
      return { failure: this.classify(err, connected, signal, params.model) };
    }
  }

  private classify(err: unknown, connected: boolean, signal: AbortSignal | undefined, model: string): Failure {
    if (signal?.aborted || err instanceof APIUserAbortError) return { kind: 'cancelled' };
    if (err instanceof APIConnectionTimeoutError) {
      return {
        kind: 'fatal',
        error: new ModelCallError('The Anthropic API did not answer in time (request timed out). Try again later.'),
      };
    }
    if (err instanceof APIConnectionError) {
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return {
        kind: 'fatal',
        error: new ModelCallError(this.redact(`Could not connect to the Anthropic API at ${this.endpoint()}${cause}.`)),
      };
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      return { kind: 'fatal', error: this.httpError(err, model) };
    }
    if (err instanceof APIError) {
      // An `event: error` inside the stream: the HTTP answer was 200, the SDK does not retry.
      const type = err.type ?? 'error';
      const message = err.apiMessage ?? err.message;
      const reason = `${type}: ${message}`;
      if (RETRYABLE_STREAM_ERRORS.has(type)) return { kind: 'mid-stream', error: err, reason: this.redact(reason) };
      return {
        kind: 'fatal',
        error: new ModelCallError(
          this.redact(`The Anthropic API reported an error in the stream (${reason}).`),
          undefined,
          type,
          err.requestID ?? undefined,
        ),
      };
    }
    if (connected) {
      // The connection broke, or the stream ended before `message_stop`.
      const detail = err instanceof Error ? err.message : String(err);
      return { kind: 'mid-stream', error: err instanceof Error ? err : new Error(detail), reason: this.redact(`connection lost: ${detail}`) };
    }
    const detail = err instanceof Error ? err.message : String(err);
    return { kind: 'fatal', error: new ModelCallError(this.redact(`The Anthropic API call failed: ${detail}`)) };
  }

  private httpError(err: APIError, model: string): Error {
    const status = err.status as number;
    const type = err.type ?? undefined;
    const apiMessage = err.apiMessage ?? undefined;
    const what = [type, apiMessage].filter(Boolean).join(': ') || 'no details';
    if (status === 401 || status === 403) {
      return new ConfigurationError(
        'anthropicKey',
        this.redact(
          status === 401
            ? `The Anthropic API rejected the API key (401 ${what}). Check the key in the settings.`
            : `The Anthropic API key is not allowed to make this call (403 ${what}). Check the key and its workspace.`,
        ),
      );
    }
    if (status === 404) {
      if (type === 'not_found_error' && /model/i.test(apiMessage ?? '')) {
        return new ConfigurationError(
          'model',
          this.redact(`The model "${model}" is not available (404 ${what}). Check the model setting.`),
        );
      }
      if (!type) {
        return new ConfigurationError(
          'baseUrl',
          this.redact(`The endpoint ${this.endpoint()} does not offer the Messages API (404). Check the base URL.`),
          'anthropic',
        );
      }
    }
    return new ModelCallError(
      this.redact(`The Anthropic API answered ${status} (${what}).`),
      status,
      type,
      err.requestID ?? undefined,
    );
  }

  private endpoint(): string {
    if (!this.baseURL) return 'the default endpoint';
    try {
      const url = new URL(this.baseURL);
      return url.origin + (url.pathname === '/' ? '' : url.pathname);
    } catch {
      return 'the configured endpoint';
    }
  }

  /** Removes the key from any text, in case an endpoint echoes it. */
  private redact(text: string): string {
    return this.apiKey.length >= 8 ? text.split(this.apiKey).join('[redacted]') : text;
  }
}
