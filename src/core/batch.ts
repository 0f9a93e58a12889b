/**
 * Overnight mode: the analysts' first attempts go out as one message batch (Message Batches
 * API, about half the price), the shared blocks cached for an hour.
 *
 * The state records the batch before and after it is sent: `submittingSince` is on disk before
 * the request leaves, the batch id right after it is known. A run killed in between looks the
 * batch up (created since then, with as many requests) instead of sending a second one; a run
 * stopped while polling polls the same batch again on resume. Results come in any order and are
 * matched by `custom_id`; each answer is recorded as the call it stands for (at the batch
 * price), so the analyst step then validates it exactly as an interactive answer. An errored,
 * expired or canceled entry leaves its analyst pending: it runs as a normal call, and failures
 * reach the person as with any failed analyst.
 *
 * Owns: submission without duplicates, polling with backoff, matching results. Must not:
 * validate analyst outputs (analysts.ts does) or wait for anything but the batch.
 */
import type { CallSpec, RunContext } from './context';
import { CancelledError, errorMessage, isAbortError } from './errors';
import type { BatchRequest, MessageBatches, ModelRequest } from './ports';
import type { WorkflowState } from './state';

type Overnight = NonNullable<WorkflowState['overnight']>;

/** A custom_id for a call key of this run: 1-64 of `a-z A-Z 0-9 _ -`, unique in the batch. */
export function customIdFor(runId: string, key: string): string {
  let h = 0;
  for (const c of runId) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `sa${h.toString(36)}-${key.replace(/[^a-zA-Z0-9_-]+/g, '-')}`.slice(0, 64);
}

/** Waits `ms`, or throws CancelledError when the run is cancelled meanwhile. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function rethrowCancel(ctx: RunContext, err: unknown): void {
  if (err instanceof CancelledError || isAbortError(err) || ctx.signal?.aborted) throw new CancelledError();
}

/**
 * Runs `specs` (the analysts' next attempts) through one message batch and records every answer
 * that came back. Returns when the batch is done with (or could not be used: then nothing is
 * recorded and the analysts run as normal calls).
 */
export async function runThroughBatch(ctx: RunContext, specs: CallSpec[]): Promise<void> {
  const api = ctx.model.batches;
  const s = ctx.state;
  if (!api || specs.length === 0 || s.overnight?.status === 'done') return;
  const todo = specs.filter((spec) => !ctx.recorded(spec.key));
  const requests: Array<BatchRequest & { spec: CallSpec }> = todo.map((spec) => {
    const request = ctx.requestFor({ ...spec, system: spec.system.map((b) => (b.cache ? { ...b, ttl: '1h' as const } : b)) });
    return { customId: customIdFor(s.id, spec.key), request, spec };
  });
  if (requests.length === 0) return;

  const bound = requests.reduce((n, r) => n + ctx.budget.callBound(r.request, true), 0);
  const release = await ctx.budget.reserve(bound, { step: 'analysts', label: `batch of ${requests.length}`, partialAllowed: false });
  try {
    const batchId = await submit(ctx, api, requests);
    if (!batchId) return;
    await poll(ctx, api, batchId);
    const matched = await collect(ctx, api, batchId, requests);
    if (matched === 0 && s.overnight!.problem === 'adopted') {
      // The batch found after an interrupted submission was not this run's: send ours.
      s.overnight = { requests: {}, status: 'submitting', polls: 0 };
      ctx.checkpoint();
      return runThroughBatch(ctx, specs);
    }
  } finally {
    release();
  }
}

async function submit(ctx: RunContext, api: MessageBatches, requests: Array<BatchRequest & { spec: CallSpec }>): Promise<string | null> {
  const s = ctx.state;
  const o: Overnight = s.overnight ?? { requests: {}, status: 'submitting', polls: 0 };
  s.overnight = o;
  if (o.batchId) return o.batchId;
  if (o.submittingSince) {
    // Killed while sending: the batch may exist. Look it up rather than pay twice.
    try {
      const since = new Date(Date.parse(o.submittingSince) - 60_000).toISOString();
      const candidates = (await api.listSince(since, { signal: ctx.signal })).filter((b) => {
        const r = b.requests;
        return r.processing + r.succeeded + r.errored + r.canceled + r.expired === requests.length;
      });
      if (candidates.length === 1) {
        o.batchId = candidates[0].id;
        o.status = 'submitted';
        o.problem = 'adopted';
        ctx.log.info(`Found the batch ${o.batchId} sent before the run stopped; it is not sent again.`);
        ctx.runLog.note({ step: 'analysts', message: `Overnight: found the batch ${o.batchId} sent before the interruption (not sent again).` });
        ctx.checkpoint();
        await ctx.saved();
        return o.batchId;
      }
    } catch (err) {
      rethrowCancel(ctx, err);
      ctx.log.warn(`Could not look up the batch sent before the run stopped: ${errorMessage(err)}. It is sent again.`);
    }
  }
  o.requests = Object.fromEntries(requests.map((r) => [r.customId, r.spec.key]));
  o.submittingSince = ctx.now();
  o.status = 'submitting';
  // On disk before the request leaves: a kill from here on finds the batch instead of resending.
  ctx.checkpoint();
  await ctx.saved();
  try {
    const created = await api.create(
      requests.map(({ customId, request }) => ({ customId, request })),
      { signal: ctx.signal },
    );
    o.batchId = created.id;
    o.status = 'submitted';
    delete o.problem;
  } catch (err) {
    rethrowCancel(ctx, err);
    o.status = 'done';
    o.problem = `The batch could not be sent (${errorMessage(err)}); the analysts run as normal calls.`;
    ctx.log.warn(o.problem);
    ctx.runLog.note({ step: 'analysts', message: o.problem });
    ctx.checkpoint();
    return null;
  }
  ctx.runLog.note({ step: 'analysts', message: `Overnight: ${requests.length} analyst request(s) sent as the batch ${o.batchId}.` });
  ctx.emit({ type: 'overnight', status: 'submitted', batchId: o.batchId });
  ctx.checkpoint();
  await ctx.saved();
  return o.batchId;
}

async function poll(ctx: RunContext, api: MessageBatches, batchId: string): Promise<void> {
  const o = ctx.state.overnight!;
  let delay = ctx.settings.batchPollMs;
  for (;;) {
    ctx.throwIfCancelled();
    try {
      const st = await api.retrieve(batchId, { signal: ctx.signal });
      o.polls += 1;
      o.lastPolledAt = ctx.now();
      if (st.processing === 'ended') {
        o.status = 'results-ready';
        ctx.emit({ type: 'overnight', status: 'results-ready', batchId });
        ctx.checkpoint();
        return;
      }
      if (o.status !== 'in-progress') {
        o.status = 'in-progress';
        ctx.emit({ type: 'overnight', status: 'in-progress', batchId });
      }
      ctx.checkpoint();
    } catch (err) {
      rethrowCancel(ctx, err);
      // The SDK already retried; the batch lives on the server: keep polling, more slowly.
      ctx.log.warn(`Polling the batch ${batchId} failed (${errorMessage(err)}); trying again in ${Math.round(delay / 1000)} s.`);
    }
    await pause(delay, ctx.signal);
    delay = Math.min(Math.ceil(delay * 1.5), ctx.settings.batchMaxPollMs);
  }
}

/** Records every succeeded entry of ours; returns how many results were ours. */
async function collect(ctx: RunContext, api: MessageBatches, batchId: string, requests: Array<BatchRequest & { spec: CallSpec }>): Promise<number> {
  const o = ctx.state.overnight!;
  let results;
  try {
    results = await api.results(batchId, { signal: ctx.signal });
  } catch (err) {
    rethrowCancel(ctx, err);
    o.status = 'done';
    o.problem = `The results of the batch ${batchId} could not be read (${errorMessage(err)}); the analysts run as normal calls.`;
    ctx.log.warn(o.problem);
    ctx.checkpoint();
    return -1;
  }
  const byId = new Map(requests.map((r) => [r.customId, r]));
  let ours = 0;
  for (const result of results) {
    const mine = byId.get(result.customId);
    if (!mine) continue;
    ours += 1;
    if (result.kind === 'succeeded') {
      await ctx.recordResponse(mine.spec, mine.request as ModelRequest, result.response, { batch: true });
      continue;
    }
    const why = result.kind === 'errored' ? `errored (${result.error})` : result.kind;
    ctx.log.warn(`The batch entry of ${mine.spec.label} ${why}: it runs as a normal call.`);
    ctx.runLog.retry({ step: 'analysts', label: mine.spec.label, attempt: 0, reason: `batch entry ${why}` });
  }
  if (ours > 0 || o.problem !== 'adopted') {
    o.status = 'done';
    if (o.problem === 'adopted') delete o.problem;
  }
  ctx.checkpoint();
  return ours;
}
