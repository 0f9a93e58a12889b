/**
 * The Message Batches API through the official SDK (`client.messages.batches`, part of the
 * Messages resource the trimmed client keeps): create, retrieve, list, cancel and results.
 *
 * Owns: mapping batch requests to `MessageCreateParamsNonStreaming` (the same parameters as an
 * interactive call) and the API's batch objects and JSONL results to the core's port, and clear
 * errors that never contain the key. HTTP retries (429 with retry-after, 5xx) are the SDK's.
 * Must not: know the workflow, or resubmit anything on its own.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Messages } from '@anthropic-ai/sdk/resources/messages/messages';
import { CancelledError } from '../core/errors';
import { modelResponse } from './anthropicAnswer';
import type { BatchRequest, BatchResult, BatchStatus, MessageBatches, ModelRequest } from '../core/ports';

type Batch = Anthropic.Messages.MessageBatch;

function status(b: Batch): BatchStatus {
  const c = b.request_counts;
  return {
    id: b.id,
    processing: b.processing_status,
    createdAt: b.created_at,
    requests: { processing: c.processing, succeeded: c.succeeded, errored: c.errored, canceled: c.canceled, expired: c.expired },
  };
}

export class AnthropicBatches implements MessageBatches {
  constructor(
    private readonly messages: Messages,
    private readonly params: (request: ModelRequest) => Anthropic.MessageCreateParamsNonStreaming,
    /** Turns an SDK failure into the provider's clear error (or a CancelledError). */
    private readonly fail: (err: unknown, signal?: AbortSignal) => Error,
  ) {}

  private async wrap<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new CancelledError();
    try {
      return await run();
    } catch (err) {
      throw this.fail(err, signal);
    }
  }

  create(requests: BatchRequest[], options: { signal?: AbortSignal } = {}): Promise<BatchStatus> {
    return this.wrap(options.signal, async () =>
      status(
        await this.messages.batches.create(
          { requests: requests.map((r) => ({ custom_id: r.customId, params: this.params(r.request) })) },
          { signal: options.signal },
        ),
      ),
    );
  }

  retrieve(id: string, options: { signal?: AbortSignal } = {}): Promise<BatchStatus> {
    return this.wrap(options.signal, async () => status(await this.messages.batches.retrieve(id, {}, { signal: options.signal })));
  }

  cancel(id: string, options: { signal?: AbortSignal } = {}): Promise<BatchStatus> {
    return this.wrap(options.signal, async () => status(await this.messages.batches.cancel(id, {}, { signal: options.signal })));
  }

  listSince(since: string, options: { signal?: AbortSignal } = {}): Promise<BatchStatus[]> {
    return this.wrap(options.signal, async () => {
      const page = await this.messages.batches.list({ limit: 100 }, { signal: options.signal });
      const from = Date.parse(since);
      return page.data.filter((b) => Date.parse(b.created_at) >= from).map(status);
    });
  }

  results(id: string, options: { signal?: AbortSignal } = {}): Promise<BatchResult[]> {
    return this.wrap(options.signal, async () => {
      const out: BatchResult[] = [];
      const decoder = await this.messages.batches.results(id, {}, { signal: options.signal });
      for await (const line of decoder) {
        const r = line.result;
        if (r.type === 'succeeded') {
          // The text blocks with their citations, as a direct answer reads them.
          const response = modelResponse(r.message, 0, (blocks) => blocks.some((b) => b.citations.length > 0));
          out.push({ customId: line.custom_id, kind: 'succeeded', response });
        } else if (r.type === 'errored') {
          const e = r.error?.error;
          out.push({ customId: line.custom_id, kind: 'errored', error: e ? `${e.type}: ${e.message}` : 'errored' });
        } else {
          out.push({ customId: line.custom_id, kind: r.type });
        }
      }
      return out;
    });
  }
}
