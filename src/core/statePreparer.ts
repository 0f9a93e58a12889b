/**
 * Where a save's preparation (statePrepare.ts) runs: on one worker thread shared by the
 * process's stores, so that serializing, validating and checking a large state never holds up a
 * run; in the caller's thread while the worker starts, or when it cannot start or stops.
 *
 * A snapshot is taken when it is asked for: handed to the worker at once (a structured clone,
 * several times cheaper for the run's thread than serializing the state to JSON; the frozen parts
 * new to the worker follow at the next turn), or, without a worker, serialized at once and
 * prepared when its result is first wanted.
 *
 * Owns: the worker's life (started on first use, kept alive only while it has work, not started
 * again once it failed) and matching answers to requests. Must not: decide what a save writes
 * (statePrepare.ts does) or write anything.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PartsSent, type PartsToFollow } from './snapshotParts';
import { prepareState, type PreparedState } from './statePrepare';
import { StateStoreError, type StateStoreErrorCode } from './storeErrors';

type Reply =
  | { ready: true }
  | { id: number; ok: true; prepared: PreparedState }
  | { id: number; ok: false; code?: StateStoreErrorCode; message: string }
  | { id: number; ok: false; lost: true; run: string };

/** A state as it was when the save was asked for, and what its save writes. */
export interface Snapshot {
  /** The prepared save; rejects with the StateStoreError that refuses it, or with {@link PreparerStopped}. */
  prepared(): Promise<PreparedState>;
}

/** The worker stopped before it answered: the snapshot is lost, the save must be made again. */
export class PreparerStopped extends Error {
  constructor() {
    super('The thread that prepares saves stopped before it answered.');
    this.name = 'PreparerStopped';
  }
}

/**
 * The worker's script: `dist/lazy/stateWorker.js` next to the extension's bundle, or
 * `out/src/lazy/stateWorker.js` next to this module compiled by tsc (tests, benchmark).
 */
export function defaultWorkerFile(): string | null {
  const candidates = [path.join(__dirname, 'lazy', 'stateWorker.js'), path.join(__dirname, '..', 'lazy', 'stateWorker.js')];
  return candidates.find((file) => existsSync(file)) ?? null;
}

export class StatePreparer {
  private worker: Worker | null = null;
  private ready = false;
  private failed = false;
  private nextId = 1;
  private readiness: { promise: Promise<boolean>; settle: (ready: boolean) => void } | null = null;
  private readonly waiting = new Map<number, { resolve: (p: PreparedState) => void; reject: (err: unknown) => void }>();
  /** The frozen parts of each run the worker holds: sent once, named afterwards (snapshotParts.ts). */
  private readonly parts = new PartsSent();
  /** Parts new to the worker, by the snapshot that named them first, to be sent at the next turn. */
  private following: PartsToFollow = [];
  /** How many batches of such parts went to the worker (it counts them too). */
  private batches = 0;
  private sending = false;
  /** How many snapshots went to the worker and were taken in the caller's thread (tests, diagnostics). */
  readonly counts = { worker: 0, thread: 0 };

  constructor(private readonly workerFile: () => string | null = defaultWorkerFile) {}

  /** Takes a snapshot of `state` now: later changes to the object do not reach it. */
  snapshot(state: unknown, secrets: readonly string[]): Snapshot {
    this.start();
    const worker = this.ready ? this.worker : null;
    if (worker) {
      const id = this.nextId++;
      const answer = new Promise<PreparedState>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      try {
        const { message, sent } = this.parts.shape(state);
        const { fresh, ...rest } = message;
        if (fresh.length) this.following.push([id, fresh]);
        // The parts new to the worker follow at the next turn of the event loop (they never
        // change, so they may): a paid call whose request goes out right after this snapshot does
        // not wait for their copy. The worker keeps the snapshot until they are there.
        const after = this.following.length ? this.batches + 1 : this.batches;
        worker.postMessage({ id, ...rest, fresh: [], after, secrets });
        sent();
        if (fresh.length) this.sendPartsSoon(worker);
        // Alive while it has work: a save under way keeps the process up, an idle worker does not.
        if (this.waiting.size === 1) worker.ref();
        this.counts.worker++;
        // A snapshot superseded by a later one is never asked for: its refusal is no rejection left unhandled.
        answer.catch(() => undefined);
        return { prepared: () => answer };
      } catch {
        // A value the worker cannot receive: serialized here instead, as JSON would have it.
        this.waiting.delete(id);
      }
    }
    this.counts.thread++;
    const raw = JSON.stringify(state) ?? 'null';
    let prepared: Promise<PreparedState> | undefined;
    return { prepared: () => (prepared ??= Promise.resolve().then(() => prepareState(raw, secrets))) };
  }

  /** Starts the worker if it is not running: true once it is ready, false if it cannot start or stopped. */
  started(): Promise<boolean> {
    this.start();
    if (this.ready) return Promise.resolve(true);
    if (!this.readiness) return Promise.resolve(false);
    // Someone waits for the worker: it keeps the process up until it is ready.
    this.worker?.ref();
    return this.readiness.promise;
  }

  /** Stops the worker; a later snapshot starts a new one. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.failed = false;
    this.detach();
    await worker?.terminate();
  }

  private start(): void {
    if (this.worker || this.failed) return;
    const file = this.workerFile();
    let worker: Worker;
    try {
      if (!file) throw new Error('no worker script');
      worker = new Worker(file);
    } catch {
      this.failed = true;
      return;
    }
    let settle: (ready: boolean) => void = () => undefined;
    const promise = new Promise<boolean>((resolve) => (settle = resolve));
    this.readiness = { promise, settle };
    this.worker = worker;
    worker.on('message', (reply: Reply) => {
      if (this.worker === worker) this.answer(reply);
    });
    // A worker that fails is not started again: the snapshots after it are taken here.
    const stop = () => {
      if (this.worker !== worker) return;
      this.failed = true;
      this.detach();
    };
    worker.on('error', stop);
    worker.on('exit', stop);
    // Not before the listeners: adding a message listener keeps the process up again.
    worker.unref();
  }

  private sendPartsSoon(worker: Worker): void {
    if (this.sending) return;
    this.sending = true;
    setImmediate(() => {
      this.sending = false;
      if (this.worker !== worker || this.following.length === 0) return;
      const parts = this.following;
      this.following = [];
      try {
        worker.postMessage({ parts });
        this.batches++;
      } catch {
        // A part the worker cannot receive: the snapshots that name it are lost, and the saves
        // are taken in this thread from now on.
        this.failed = true;
        this.detach();
        void worker.terminate();
      }
    });
  }

  private answer(reply: Reply): void {
    if ('ready' in reply) {
      this.ready = true;
      this.settleReadiness(true);
      if (this.waiting.size === 0) this.worker?.unref();
      return;
    }
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.ok) waiting.resolve(reply.prepared);
    else if ('lost' in reply) {
      // The worker did not hold a part it was sent before: it is sent again with the next snapshot.
      this.parts.forget(reply.run);
      waiting.reject(new PreparerStopped());
    } else
      waiting.reject(reply.code ? new StateStoreError(reply.code, reply.message) : new Error(reply.message));
  }

  /** Forgets the worker: its pending snapshots are lost, and it holds no parts any more. */
  private detach(): void {
    this.worker = null;
    this.ready = false;
    this.settleReadiness(false);
    this.dropWaiting();
    this.parts.clear();
    this.following = [];
    this.batches = 0;
  }

  private settleReadiness(ready: boolean): void {
    this.readiness?.settle(ready);
    this.readiness = null;
  }

  private dropWaiting(): void {
    const left = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of left) w.reject(new PreparerStopped());
  }
}

/** The one preparer of the process's stores. */
export const sharedStatePreparer = new StatePreparer();
