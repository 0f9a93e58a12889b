/**
 * The state store's worker thread (started by statePreparer.ts, never imported): prepares each
 * save — its JSON text, the validation, the key checks, the run-list entry — off the extension
 * host's main thread, so that a run's steps never wait for it. Answers every snapshot with the
 * prepared text, or with the reason the state must not be written.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { PartsHeld, type ShapedSnapshot } from '../core/snapshotParts';
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
if (port) {
  port.on('message', (request: ShapedSnapshot & { id: number; secrets: string[] }) => {
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
  });
  port.postMessage({ ready: true });
}
