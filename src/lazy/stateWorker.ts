/**
 * The state store's worker thread (started by statePreparer.ts, never imported): prepares each
 * save — its JSON text, the validation, the key checks, the run-list entry — off the extension
 * host's main thread, so that a run's steps never wait for it. Answers every snapshot with the
 * prepared text, or with the reason the state must not be written.
 */
import { parentPort } from 'node:worker_threads';
import { PartsHeld, type ShapedSnapshot } from '../core/snapshotParts';
import { prepareState } from '../core/statePrepare';
import { StateStoreError } from '../core/storeErrors';

const port = parentPort;
const held = new PartsHeld();
if (port) {
  port.on('message', (request: ShapedSnapshot & { id: number; secrets: string[] }) => {
    try {
      const state = held.restore(request);
      if (state === null) {
        port.postMessage({ id: request.id, ok: false, lost: true, run: request.run });
        return;
      }
      // The snapshot is a structured clone: serialized as the run's thread would have done it.
      const raw = JSON.stringify(state) ?? 'null';
      port.postMessage({ id: request.id, ok: true, prepared: prepareState(raw, request.secrets) });
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
