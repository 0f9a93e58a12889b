/**
 * The state store on disk: one folder per analysis under `<root>/runs/<id>/` holding
 * `state.json` (the current state), `state.json.bak` (the version before it), `summary.json`
 * (its entry in the run list, runIndex.ts) and `run-log.md`.
 *
 * Owns: validated, serialized saves of the workflow state (written atomically by stateFile.ts),
 * recovery from the backup, the list of runs and the run log file. Must not: decide anything
 * about the workflow, import `vscode`, or ever write a secret: a state holding one of the
 * person's own keys is refused, and text merely shaped like an API key (quoted by a web page or
 * a document) is redacted (the policy is secrets.ts).
 */
import * as path from 'node:path';
import { readSummary, writeSummary } from './runIndex';
import { summarizeRun } from './runSummary';
import type { Log, LoadResult, RunSummary, StateStore } from './ports';
import type { WorkflowState } from './state';
import { checkRunId, prepareState, RUN_ID_PATTERN, type PreparedState } from './statePrepare';
import { PreparerStopped, sharedStatePreparer, type Snapshot, type StatePreparer } from './statePreparer';
import { BACKUP_FILE, STATE_FILE, StateFiles } from './stateFile';
import { fsCodeOf, fsFailure, messageOf, StateStoreError } from './storeErrors';
import { nodeFileSystem, type StoreFileSystem } from './storeFiles';

/** Environment variables whose values are API keys and must never reach a state file. */
export const SECRET_ENV_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'EXA_API_KEY', 'EXA_KEY'] as const;

export function environmentSecrets(): string[] {
  return SECRET_ENV_VARS.map((name) => process.env[name]).filter((v): v is string => !!v);
}

export const RUN_LOG_FILE = 'run-log.md';

export interface FileStateStoreOptions {
  /** File operations; defaults to {@link nodeFileSystem}. */
  fs?: StoreFileSystem;
  /** Where unreadable runs skipped by `list()` are reported. */
  log?: Log;
  /**
   * Secret values (API keys) that must never be written. Values shorter than 12 characters
   * are ignored. Defaults to the keys found in the environment (see {@link environmentSecrets}).
   */
  secrets?: () => Iterable<string | undefined>;
  /** Where saves are prepared; defaults to the process's worker thread ({@link sharedStatePreparer}). */
  preparer?: StatePreparer;
}

export class FileStateStore implements StateStore {
  private readonly fs: StoreFileSystem;
  private readonly log?: Log;
  private readonly secrets: () => Iterable<string | undefined>;
  private readonly preparer: StatePreparer;
  /** Per-key chains of pending operations: writes of one run never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Per run: the number of the last save asked for, its snapshot, and the last one written. */
  private readonly versions = new Map<string, number>();
  private readonly latest = new Map<string, { snapshot: Snapshot; version: number }>();
  /** Per run: the state object of the last save asked for, until it is written. */
  private readonly live = new Map<string, WorkflowState>();
  private readonly written = new Map<string, number>();
  private readonly files: StateFiles;

  constructor(
    readonly rootDir: string,
    options: FileStateStoreOptions = {},
  ) {
    this.fs = options.fs ?? nodeFileSystem;
    this.files = new StateFiles(this.fs);
    this.log = options.log;
    this.secrets = options.secrets ?? environmentSecrets;
    this.preparer = options.preparer ?? sharedStatePreparer;
  }

  get runsDir(): string {
    return path.join(this.rootDir, 'runs');
  }

  runDir(id: string): string {
    checkRunId(id);
    return path.join(this.runsDir, id);
  }

  statePath(id: string): string {
    return path.join(this.runDir(id), STATE_FILE);
  }

  backupPath(id: string): string {
    return path.join(this.runDir(id), BACKUP_FILE);
  }

  runLogPath(id: string): string {
    return path.join(this.runDir(id), RUN_LOG_FILE);
  }

  /**
   * Saves `state`: validated, refused when it holds one of the configured keys, text shaped like
   * an API key redacted, then written atomically. Saves of one run happen in call order; the
   * last one called wins.
   *
   * Only the snapshot is taken now (later changes to the object do not leak into this save);
   * the serialization, the validation, the key checks and the summary happen on the store's
   * worker thread (statePreparer.ts), so that they never hold up the run. A state that cannot
   * be saved fails its save, which the run sees before its next paid call or gate, as it sees a
   * failed write.
   */
  save(state: WorkflowState): Promise<void> {
    const id = typeof state?.id === 'string' && RUN_ID_PATTERN.test(state.id) ? state.id : undefined;
    let snapshot: Snapshot;
    try {
      // Without a usable id there is no run to queue the save in: refused now, with the reason.
      if (id === undefined) prepareState(JSON.stringify(state) ?? 'null', this.keys());
      snapshot = this.preparer.snapshot(state, this.keys());
    } catch (err) {
      return Promise.reject(err);
    }
    const runId = id!;
    // Saves asked for while another one is being written are coalesced: the next write takes
    // the latest snapshot, and every save whose snapshot it supersedes is done with it.
    const version = (this.versions.get(runId) ?? 0) + 1;
    this.versions.set(runId, version);
    this.latest.set(runId, { snapshot, version });
    this.live.set(runId, state);
    return this.enqueue(`state:${runId}`, async () => {
      if ((this.written.get(runId) ?? 0) >= version) return;
      let chosen = this.latest.get(runId)!;
      let ready: PreparedState;
      try {
        ready = await this.prepared(runId, chosen.snapshot);
      } catch (err) {
        // A later snapshot that cannot be saved fails its own save; this one is written as it was.
        if (chosen.version === version) throw err;
        chosen = { snapshot, version };
        ready = await this.prepared(runId, snapshot);
      }
      await this.files.write(runId, this.runDir(runId), ready.text);
      this.written.set(runId, Math.max(this.written.get(runId) ?? 0, chosen.version));
      if (chosen.version === this.versions.get(runId)) this.live.delete(runId);
      // The index entry of the queue; rebuilt from the state when it could not be written.
      await writeSummary(this.fs, this.runDir(runId), ready.summary, Buffer.byteLength(ready.text, 'utf8')).catch((err: unknown) =>
        this.log?.debug(`The summary of analysis "${runId}" could not be written: ${messageOf(err)}`),
      );
    });
  }

  /**
   * What a snapshot's save writes (statePrepare.ts, on the worker thread). If the worker stopped
   * before it answered, the save is made from the run's state as it is now, in this thread: a
   * newer state than the lost snapshot, as a coalesced save would have written.
   */
  private async prepared(runId: string, snapshot: Snapshot): Promise<PreparedState> {
    let ready: PreparedState;
    try {
      ready = await snapshot.prepared();
    } catch (err) {
      const live = this.live.get(runId);
      if (!(err instanceof PreparerStopped) || live === undefined) throw err;
      ready = await this.preparer.snapshot(live, this.keys()).prepared();
    }
    if (ready.redacted > 0) {
      this.log?.warn(`Analysis "${ready.summary.id}": ${ready.redacted} text(s) shaped like an API key were redacted before saving.`);
    }
    return ready;
  }

  private keys(): string[] {
    return [...this.secrets()].filter((s): s is string => typeof s === 'string');
  }

  async load(id: string): Promise<LoadResult> {
    checkRunId(id);
    // A load waits for the saves already asked for, so it sees the last of them.
    await this.queues.get(`state:${id}`)?.catch(() => undefined);
    const main = await this.files.read(this.statePath(id), id);
    if (main.ok) return { state: main.state };
    const backup = await this.files.read(this.backupPath(id), id);
    if (backup.ok) {
      return {
        state: backup.state,
        recoveredFromBackup:
          `The saved state of analysis "${id}" (${this.statePath(id)}) ${main.problem}. ` +
          `The previous version from ${BACKUP_FILE} (saved at ${backup.state.updatedAt}) was used instead; ` +
          'the last step may run again. The damaged file was left in place.',
      };
    }
    if (main.missing && backup.missing) {
      throw new StateStoreError('not-found', `There is no saved analysis "${id}" (looked for ${this.statePath(id)}).`);
    }
    throw new StateStoreError(
      'unreadable',
      `Could not load analysis "${id}": ${this.statePath(id)} ${main.problem}, and its backup ${BACKUP_FILE} ${backup.problem}. ` +
        `Nothing was deleted: both files are still in ${this.runDir(id)}.`,
    );
  }

  /** Every readable run, newest first. Unreadable runs are skipped and reported to the log. */
  async list(): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.runsDir);
    } catch (err) {
      if (fsCodeOf(err) === 'ENOENT') return [];
      throw fsFailure('read-failed', `Could not list the saved analyses in ${this.runsDir}`, err);
    }
    const summaries: RunSummary[] = [];
    const one = async (name: string) => {
      // A save in progress finishes first, so that its summary is the one read.
      await this.queues.get(`state:${name}`)?.catch(() => undefined);
      const indexed = await readSummary(this.fs, this.runDir(name), this.statePath(name));
      if (indexed) return summaries.push(indexed);
      try {
        const { state } = await this.load(name);
        const summary = summarizeRun(state);
        summaries.push(summary);
        const size = (await this.fs.stat?.(this.statePath(name)).catch(() => undefined))?.size;
        if (size !== undefined) await writeSummary(this.fs, this.runDir(name), summary, size).catch(() => undefined);
      } catch (err) {
        if (err instanceof StateStoreError && err.code === 'not-found') return;
        this.log?.warn(`Skipped a saved analysis that cannot be read: ${messageOf(err)}`);
      }
    };
    const valid = names.filter((n) => RUN_ID_PATTERN.test(n)).sort();
    for (let i = 0; i < valid.length; i += 32) await Promise.all(valid.slice(i, i + 32).map(one));
    return summaries.sort((a, b) =>
      a.updatedAt === b.updatedAt ? b.id.localeCompare(a.id) : a.updatedAt < b.updatedAt ? 1 : -1,
    );
  }

  appendRunLog(id: string, markdown: string): Promise<void> {
    let file: string;
    try {
      file = this.runLogPath(id);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(`log:${id}`, async () => {
      try {
        await this.fs.mkdir(path.dirname(file));
        await this.fs.appendFile(file, markdown);
      } catch (err) {
        throw fsFailure('write-failed', `Could not write the run log ${file}`, err);
      }
    });
  }

  async readRunLog(id: string): Promise<string> {
    const file = this.runLogPath(id);
    await this.queues.get(`log:${id}`)?.catch(() => undefined);
    try {
      return await this.fs.readFile(file);
    } catch (err) {
      if (fsCodeOf(err) === 'ENOENT') return '';
      throw fsFailure('read-failed', `Could not read the run log ${file}`, err);
    }
  }

  private enqueue<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(key, next);
    const cleanup = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
