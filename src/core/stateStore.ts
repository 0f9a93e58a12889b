/**
 * The state store on disk: one folder per analysis under `<root>/runs/<id>/` holding
 * `state.json` (the current state), `state.json.bak` (the version before it) and `run-log.md`.
 *
 * Owns: atomic, serialized, validated writes of the workflow state, recovery from the backup,
 * the list of runs and the run log file. Must not: decide anything about the workflow, import
 * `vscode`, or ever write a secret: a state holding one of the person's own keys is refused, and
 * text merely shaped like an API key (quoted by a web page or a document) is redacted.
 *
 * A save writes the new state to `state.json.tmp` and flushes it, copies the current
 * `state.json` (when it is valid JSON) to `state.json.bak` the same way, then renames the
 * temporary file over `state.json`. A crash at any point leaves a complete `state.json`, and the
 * previous version in `state.json.bak`. A failed write (full disk, no permission, read-only file
 * system) leaves `state.json` untouched and surfaces as a {@link StateStoreError}.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { runCost, unpricedModels } from './cost';
import { readSummary, writeSummary } from './runIndex';
import type { Log, LoadResult, RunSummary, StateStore } from './ports';
import { ANTHROPIC_KEY_SHAPE, redactKeyShaped } from './secrets';
import { parseState, slugify, WorkflowStateSchema, type WorkflowState } from './state';

export const STATE_FILE = 'state.json';
export const BACKUP_FILE = 'state.json.bak';
export const RUN_LOG_FILE = 'run-log.md';
const TEMP_SUFFIX = '.tmp';
const RUN_ID_PATTERN = /^[a-z0-9-]+$/;

/** The few file operations the store needs; tests inject failing ones. */
export interface StoreFileSystem {
  mkdir(dir: string): Promise<void>;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  appendFile(file: string, text: string): Promise<void>;
  /** Writes `text` to `file` without flushing it (files that can be rebuilt). Optional. */
  writeFile?(file: string, text: string): Promise<void>;
  /** Writes `text` to `file` (replacing it) and flushes it to the disk before resolving. */
  writeFileDurably(file: string, text: string): Promise<void>;
  /** Flushes a directory's entries (a rename) to the disk; a no-op where the platform cannot. */
  syncDirectory(dir: string): Promise<void>;
  /** Hard link (a second name for the same file: no copy). Optional: without it saves copy. */
  link?(from: string, to: string): Promise<void>;
  /** Size and modification time. Optional: without it every save checks the previous state. */
  stat?(file: string): Promise<{ size: number; mtimeMs: number }>;
}

/** The store's file system on top of `node:fs/promises`. */
export const nodeFileSystem: StoreFileSystem = {
  async mkdir(dir) {
    await fsp.mkdir(dir, { recursive: true });
  },
  readFile: (file) => fsp.readFile(file, 'utf8'),
  readdir: (dir) => fsp.readdir(dir),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  link: (from, to) => fsp.link(from, to),
  async stat(file) {
    const st = await fsp.stat(file);
    return { size: st.size, mtimeMs: st.mtimeMs };
  },
  appendFile: (file, text) => fsp.appendFile(file, text, 'utf8'),
  writeFile: (file, text) => fsp.writeFile(file, text, 'utf8'),
  async writeFileDurably(file, text) {
    const handle = await fsp.open(file, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async syncDirectory(dir) {
    let handle: fsp.FileHandle | undefined;
    try {
      handle = await fsp.open(dir, 'r');
      await handle.sync();
    } catch {
      // Some platforms (Windows) cannot open or flush a directory; the rename is still atomic.
    } finally {
      await handle?.close().catch(() => undefined);
    }
  },
};

export type StateStoreErrorCode = 'write-failed' | 'read-failed' | 'not-found' | 'unreadable' | 'invalid-state' | 'secret' | 'bad-id';

/** An error of the state store, with a message meant for the person. Never carries a secret. */
export class StateStoreError extends Error {
  constructor(
    readonly code: StateStoreErrorCode,
    message: string,
    /** The file-system error code (`ENOSPC`, `EACCES`, ...) when there was one. */
    readonly fsCode?: string,
  ) {
    super(message);
    this.name = 'StateStoreError';
  }
}

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
}

/** Environment variables whose values are API keys and must never reach a state file. */
export const SECRET_ENV_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'EXA_API_KEY', 'EXA_KEY'] as const;

export function environmentSecrets(): string[] {
  return SECRET_ENV_VARS.map((name) => process.env[name]).filter((v): v is string => !!v);
}

const ANTHROPIC_KEY_PATTERN = ANTHROPIC_KEY_SHAPE;
const MIN_SECRET_LENGTH = 12;

/**
 * Where in `value` a secret appears, as a field path (`calls[2].text`), or `null`.
 * Checks every string (and object key) for an Anthropic-key-shaped token and for the given
 * secret values. The secret itself is never returned.
 */
export function findSecret(
  value: unknown,
  secrets: Iterable<string | undefined> = [],
  options: { keyShaped?: boolean } = {},
): { path: string; kind: 'anthropic-key' | 'configured-key' } | null {
  const known = [...secrets].filter((s): s is string => typeof s === 'string' && s.trim().length >= MIN_SECRET_LENGTH);
  const shapes = options.keyShaped ?? true;
  const check = (text: string): 'anthropic-key' | 'configured-key' | null => {
    if (shapes && ANTHROPIC_KEY_PATTERN.test(text)) return 'anthropic-key';
    if (known.some((s) => text.includes(s.trim()))) return 'configured-key';
    return null;
  };
  const walk = (v: unknown, at: string): { path: string; kind: 'anthropic-key' | 'configured-key' } | null => {
    if (typeof v === 'string') {
      const kind = check(v);
      return kind ? { path: at || '(root)', kind } : null;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = walk(v[i], `${at}[${i}]`);
        if (hit) return hit;
      }
      return null;
    }
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const childPath = at ? `${at}.${k}` : k;
        const keyKind = check(k);
        // The path would repeat the secret: name the object holding it instead.
        if (keyKind) return { path: `${at || '(root)'} (one of its field names)`, kind: keyKind };
        const hit = walk(child, childPath);
        if (hit) return hit;
      }
    }
    return null;
  };
  return walk(value, '');
}

/** `YYYYMMDD-HHMMSS-<slug>` (UTC), a valid run id for `problem` started at `now`. */
export function defaultRunId(problem: string, now: Date): string {
  const iso = now.toISOString(); // 2026-11-22T03:06:28.123Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `${date}-${time}-${slugify(problem)}`;
}

/** What a run is called in lists: its title, or the first 80 characters of its problem. */
export function runTitle(state: Pick<WorkflowState, 'title' | 'problem'>): string {
  const title = state.title.trim();
  if (title) return title;
  return state.problem.replace(/\s+/g, ' ').trim().slice(0, 80).trimEnd();
}

export function summarizeRun(state: WorkflowState): RunSummary {
  return {
    id: state.id,
    title: runTitle(state),
    problem: state.problem,
    status: state.status,
    step: state.step,
    awaiting: state.awaiting,
    updatedAt: state.updatedAt,
    costUsd: runCost(state),
    ...(state.budgetUsd ? { budgetUsd: state.budgetUsd } : {}),
    ...(state.status === 'failed' && state.errors.length ? { error: state.errors[state.errors.length - 1].message.slice(0, 500) } : {}),
    ...(unpricedModels(state).length ? { unpricedModels: unpricedModels(state) } : {}),
    ...(state.overnight && state.overnight.status !== 'done' && state.status !== 'done'
      ? { overnight: state.overnight.status === 'submitting' ? 'submitted' : state.overnight.status }
      : {}),
    ...(state.notices.length ? { notices: state.notices } : {}),
  };
}

function fsCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Plain words for a file-system error code. */
export function describeFsError(err: unknown): string {
  const code = fsCodeOf(err);
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EACCES':
    case 'EPERM':
      return `permission was denied (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many files are open (${code})`;
    case 'EIO':
      return 'the disk reported an input/output error (EIO)';
    case 'ENOENT':
      return 'the file or folder does not exist (ENOENT)';
    default:
      return code ? `${messageOf(err)} (${code})` : messageOf(err);
  }
}

function describeZodIssues(err: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return err.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(p: PropertyKey[]): string {
  return p
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

type ReadOutcome = { ok: true; state: WorkflowState } | { ok: false; missing: boolean; problem: string };

export class FileStateStore implements StateStore {
  private readonly fs: StoreFileSystem;
  private readonly log?: Log;
  private readonly secrets: () => Iterable<string | undefined>;
  /** Per-key chains of pending operations: writes of one run never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Per run: the number of the last save asked for, its snapshot, and the last one written. */
  private readonly versions = new Map<string, number>();
  private readonly latest = new Map<string, { text: string; version: number; summary: RunSummary }>();
  private readonly written = new Map<string, number>();
  /**
   * Per run: size and time of the state.json this store wrote itself. While the file still has
   * them, it is known to be valid and becomes the backup by a hard link, without being read.
   */
  private readonly knownGood = new Map<string, { size: number; mtimeMs: number }>();

  constructor(
    readonly rootDir: string,
    options: FileStateStoreOptions = {},
  ) {
    this.fs = options.fs ?? nodeFileSystem;
    this.log = options.log;
    this.secrets = options.secrets ?? environmentSecrets;
  }

  get runsDir(): string {
    return path.join(this.rootDir, 'runs');
  }

  runDir(id: string): string {
    this.checkId(id);
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
   * Validates `state`, refuses it when it holds one of the configured keys, redacts text shaped
   * like an API key, then writes it atomically. Saves of one run happen in call order; the last
   * one called wins.
   */
  save(state: WorkflowState): Promise<void> {
    let text: string;
    let id: string;
    let summary: RunSummary;
    try {
      const parsed = WorkflowStateSchema.safeParse(state);
      if (!parsed.success) {
        throw new StateStoreError(
          'invalid-state',
          `Refusing to save an invalid analysis state${typeof state?.id === 'string' ? ` for run "${state.id}"` : ''}: ${describeZodIssues(parsed.error)}.`,
        );
      }
      id = parsed.data.id;
      this.checkId(id);
      const secret = findSecret(parsed.data, this.secrets(), { keyShaped: false });
      if (secret) {
        throw new StateStoreError(
          'secret',
          `Refusing to save the state of analysis "${id}": the field ${secret.path} contains one of the configured API keys. ` +
            'API keys are never written to disk. Remove the key from the problem, the answers or the context documents and start again.',
        );
      }
      // Text that only looks like a key (quoted by a web page, a document, an answer) is redacted.
      const clean = redactKeyShaped(parsed.data);
      if (clean.redacted > 0) this.log?.warn(`Analysis "${id}": ${clean.redacted} text(s) shaped like an API key were redacted before saving.`);
      // Serialized now: later changes to the object do not leak into this save.
      text = `${JSON.stringify(clean.value)}\n`;
      // The summary is written next to the state: from the redacted state too.
      summary = summarizeRun(clean.value);
    } catch (err) {
      return Promise.reject(err);
    }
    // Saves asked for while another one is being written are coalesced: the next write takes
    // the latest snapshot, and every save whose snapshot it supersedes is done with it.
    const version = (this.versions.get(id) ?? 0) + 1;
    this.versions.set(id, version);
    this.latest.set(id, { text, version, summary });
    return this.enqueue(`state:${id}`, async () => {
      if ((this.written.get(id) ?? 0) >= version) return;
      const snapshot = this.latest.get(id)!;
      await this.writeState(id, snapshot.text);
      this.written.set(id, Math.max(this.written.get(id) ?? 0, snapshot.version));
      // The index entry of the queue; rebuilt from the state when it could not be written.
      await writeSummary(this.fs, this.runDir(id), snapshot.summary, Buffer.byteLength(snapshot.text, 'utf8')).catch((err: unknown) =>
        this.log?.debug(`The summary of analysis "${id}" could not be written: ${messageOf(err)}`),
      );
    });
  }

  async load(id: string): Promise<LoadResult> {
    this.checkId(id);
    // A load waits for the saves already asked for, so it sees the last of them.
    await this.queues.get(`state:${id}`)?.catch(() => undefined);
    const main = await this.readStateFile(this.statePath(id), id);
    if (main.ok) return { state: main.state };
    const backup = await this.readStateFile(this.backupPath(id), id);
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
      throw new StateStoreError(
        'read-failed',
        `Could not list the saved analyses in ${this.runsDir}: ${describeFsError(err)}.`,
        fsCodeOf(err),
      );
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
        throw new StateStoreError(
          'write-failed',
          `Could not write the run log ${file}: ${describeFsError(err)}.`,
          fsCodeOf(err),
        );
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
      throw new StateStoreError('read-failed', `Could not read the run log ${file}: ${describeFsError(err)}.`, fsCodeOf(err));
    }
  }

  private checkId(id: string): void {
    if (typeof id !== 'string' || !RUN_ID_PATTERN.test(id)) {
      throw new StateStoreError(
        'bad-id',
        `"${String(id).slice(0, 80)}" is not a valid analysis id (only lowercase letters, digits and dashes).`,
      );
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

  private async writeState(id: string, text: string): Promise<void> {
    const dir = this.runDir(id);
    const target = path.join(dir, STATE_FILE);
    const backup = path.join(dir, BACKUP_FILE);
    const temp = target + TEMP_SUFFIX;
    const backupTemp = backup + TEMP_SUFFIX;
    let stage = `create the folder ${dir}`;
    let hadPrevious = false;
    if (await this.isKnownGood(id, target)) return this.replaceKnownGood(id, text);
    try {
      await this.fs.mkdir(dir);
      // The current state becomes the backup, unless it is damaged: then the older backup,
      // which may be the only good copy, stays.
      stage = `read ${target}`;
      let previous: string | null = null;
      try {
        previous = await this.fs.readFile(target);
        hadPrevious = true;
      } catch (err) {
        if (fsCodeOf(err) !== 'ENOENT') throw err;
      }

      stage = `write ${temp}`;
      await this.fs.writeFileDurably(temp, text);

      if (previous !== null && isValidState(previous, id)) {
        stage = `write ${backupTemp}`;
        await this.fs.writeFileDurably(backupTemp, previous);
        stage = `replace ${backup}`;
        await this.fs.rename(backupTemp, backup);
      }

      stage = `replace ${target}`;
      await this.fs.rename(temp, target);
      await this.fs.syncDirectory(dir);
      await this.remember(id, target);
    } catch (err) {
      const outcome = hadPrevious
        ? `Nothing was lost: the previous state is intact in ${target}.`
        : 'Nothing was written: this analysis had no saved state yet.';
      throw await this.writeFailed(err, stage, outcome, [temp, backupTemp]);
    }
  }

  /** Removes the temp files of a failed save and describes the failure for the person. */
  private async writeFailed(err: unknown, stage: string, outcome: string, temps: string[]): Promise<StateStoreError> {
    for (const file of temps) await this.fs.unlink(file).catch(() => undefined);
    return new StateStoreError(
      'write-failed',
      `Could not save the analysis state: ${describeFsError(err)} (while trying to ${stage}). ${outcome}`,
      fsCodeOf(err),
    );
  }

  private async remember(id: string, target: string): Promise<void> {
    if (!this.fs.stat || !this.fs.link) return;
    try {
      this.knownGood.set(id, await this.fs.stat(target));
    } catch {
      this.knownGood.delete(id);
    }
  }

  private async isKnownGood(id: string, target: string): Promise<boolean> {
    const known = this.knownGood.get(id);
    if (!known || !this.fs.stat) return false;
    try {
      const now = await this.fs.stat(target);
      return now.size === known.size && now.mtimeMs === known.mtimeMs;
    } catch {
      return false;
    }
  }

  /**
   * The fast path while state.json is the one this store wrote: the new state is written
   * durably to a temp file, the current state.json gets a second name (hard link) that replaces
   * the backup, and the temp file is renamed over state.json. state.json exists at every moment.
   */
  private async replaceKnownGood(id: string, text: string): Promise<void> {
    const dir = this.runDir(id);
    const target = path.join(dir, STATE_FILE);
    const backup = path.join(dir, BACKUP_FILE);
    const temp = target + TEMP_SUFFIX;
    const backupTemp = backup + TEMP_SUFFIX;
    let stage = `write ${temp}`;
    try {
      await this.fs.writeFileDurably(temp, text);
      stage = `keep ${target} as ${backup}`;
      await this.fs.unlink(backupTemp).catch(() => undefined);
      await this.fs.link!(target, backupTemp);
      await this.fs.rename(backupTemp, backup);
      stage = `replace ${target}`;
      await this.fs.rename(temp, target);
      await this.fs.syncDirectory(dir);
      await this.remember(id, target);
    } catch (err) {
      this.knownGood.delete(id);
      throw await this.writeFailed(err, stage, `Nothing was lost: the previous state is intact in ${target}.`, [temp, backupTemp]);
    }
  }

  private async readStateFile(file: string, id: string): Promise<ReadOutcome> {
    let text: string;
    try {
      text = await this.fs.readFile(file);
    } catch (err) {
      const missing = fsCodeOf(err) === 'ENOENT';
      return { ok: false, missing, problem: missing ? 'does not exist' : `cannot be read: ${describeFsError(err)}` };
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return {
        ok: false,
        missing: false,
        problem: text.trim() ? `is not valid JSON (${messageOf(err)})` : 'is empty',
      };
    }
    let state: WorkflowState;
    try {
      state = parseState(data);
    } catch (err) {
      const detail =
        err && typeof err === 'object' && 'issues' in err && Array.isArray((err as { issues: unknown }).issues)
          ? describeZodIssues(err as { issues: Array<{ path: PropertyKey[]; message: string }> })
          : messageOf(err);
      return { ok: false, missing: false, problem: `does not hold a valid analysis state (${detail})` };
    }
    if (state.id !== id) {
      return { ok: false, missing: false, problem: `belongs to another analysis ("${state.id}")` };
    }
    return { ok: true, state };
  }
}

function isValidState(text: string, id: string): boolean {
  try {
    return parseState(JSON.parse(text)).id === id;
  } catch {
    return false;
  }
}
