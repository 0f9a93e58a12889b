/**
 * The state store's worker thread (started by statePreparer.ts, never imported): prepares each
 * save — its JSON text, the validation, the key checks, the run-list entry — off the extension
 * host's main thread, so that a run's steps never wait for it. Answers every snapshot with the
 * prepared text, or with the reason the state must not be written.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PartsHeld, type PartsToFollow, type ShapedSnapshot } from '../core/snapshotParts';
import { prepareCopy } from '../core/statePrepare';
import { StateStoreError } from '../core/storeErrors';

const port = parentPort;
const held = new PartsHeld();

/**
 * Preparing saves is background work: on Linux this thread yields the processor to the
 * extension host's own thread (a thread's id is a process id to setpriority). Elsewhere, or
 * when not allowed, it runs at the host's priority.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the default priority.
  }
}
lowerPriority();

type Request = ShapedSnapshot & { id: number; secrets: string[]; after?: number };

/**
 * The parts new to this thread come after the snapshots that name them (statePreparer.ts): a
 * snapshot waits until the batches of parts it needs are there, and the snapshots are prepared
 * in the order they came, so that each run's held parts are those of its latest snapshot.
 */
const waiting: Request[] = [];
const following = new Map<number, ShapedSnapshot['fresh']>();
let batches = 0;

function receive(message: Request | { parts: PartsToFollow }): void {
  if ('parts' in message) {
    batches++;
    for (const [id, fresh] of message.parts) following.set(id, fresh);
  } else waiting.push(message);
  while (waiting.length > 0 && (waiting[0].after ?? 0) <= batches) {
    const request = waiting.shift()!;
    const fresh = following.get(request.id);
    following.delete(request.id);
    prepare(fresh ? { ...request, fresh } : request);
  }
}

function prepare(request: Request): void {
  if (!port) return;
  try {
    const state = held.restore(request);
    if (state === null) {
      port.postMessage({ id: request.id, ok: false, lost: true, run: request.run });
      return;
    }
    // The snapshot is a structured clone, plain data: validated as it is.
    port.postMessage({ id: request.id, ok: true, prepared: prepareCopy(state, request.secrets) });
  } catch (err) {
    port.postMessage({
      id: request.id,
      ok: false,
      code: err instanceof StateStoreError ? err.code : undefined,
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

if (port) {
  port.on('message', receive);
  port.postMessage({ ready: true });
}
