/**
 * One run's `state.json` and its backup `state.json.bak` on disk: the atomic write and the
 * validated read.
 *
 * A save writes the new state to `state.json.tmp` and flushes it, gives the current
 * `state.json` (when it is a valid state of this run) a second name that replaces
 * `state.json.bak`, then renames the temporary file over `state.json` and flushes the folder. A
 * crash at any point leaves a complete `state.json`, and the previous version in
 * `state.json.bak`. The second name is a hard link (no copy) where the file system has them,
 * else a durable copy. A `state.json` this store wrote itself, still of the size and time it
 * wrote, is known to be valid and is not read again. A failed write (full disk, no permission,
 * read-only file system) leaves `state.json` untouched and surfaces as a StateStoreError.
 *
 * Owns: the write protocol, the known-good check and reading a state file back. Must not:
 * validate what is saved (stateStore.ts does), serialize saves (the store's queue does), or
 * know about other files of a run.
 */
import * as path from 'node:path';
import { parseState, type WorkflowState } from './state';
import { describeFsError, describeZodIssues, fsCodeOf, messageOf, StateStoreError } from './storeErrors';
import type { StoreFileSystem } from './storeFiles';

export const STATE_FILE = 'state.json';
export const BACKUP_FILE = 'state.json.bak';
const TEMP_SUFFIX = '.tmp';

export type ReadOutcome = { ok: true; state: WorkflowState } | { ok: false; missing: boolean; problem: string };

export class StateFiles {
  /**
   * Per run: size and time of the state.json this store wrote itself. While the file still has
   * them, it is known to be valid and becomes the backup without being read.
   */
  private readonly knownGood = new Map<string, { size: number; mtimeMs: number }>();

  constructor(private readonly fs: StoreFileSystem) {}

  /** Writes `text` as the state of run `id` in `dir`, keeping the previous valid state as the backup. */
  async write(id: string, dir: string, text: string): Promise<void> {
    const target = path.join(dir, STATE_FILE);
    const backup = path.join(dir, BACKUP_FILE);
    const temp = target + TEMP_SUFFIX;
    const backupTemp = backup + TEMP_SUFFIX;
    const knownGood = await this.isKnownGood(id, target);
    let hadPrevious = knownGood;
    let stage = `create the folder ${dir}`;
    try {
      // The current state becomes the backup, unless it is damaged: then the older backup,
      // which may be the only good copy, stays.
      let previous: string | null = null;
      if (!knownGood) {
        await this.fs.mkdir(dir);
        stage = `read ${target}`;
        try {
          previous = await this.fs.readFile(target);
          hadPrevious = true;
        } catch (err) {
          if (fsCodeOf(err) !== 'ENOENT') throw err;
        }
      }
      stage = `write ${temp}`;
      await this.fs.writeFileDurably(temp, text);
      if (knownGood || (previous !== null && isValidState(previous, id))) {
        stage = `keep ${target} as ${backup}`;
        await this.secondName(target, backupTemp, previous);
        stage = `replace ${backup}`;
        await this.fs.rename(backupTemp, backup);
      }
      stage = `replace ${target}`;
      await this.fs.rename(temp, target);
      await this.fs.syncDirectory(dir);
      await this.remember(id, target);
    } catch (err) {
      this.knownGood.delete(id);
      for (const file of [temp, backupTemp]) await this.fs.unlink(file).catch(() => undefined);
      const outcome = hadPrevious
        ? `Nothing was lost: the previous state is intact in ${target}.`
        : 'Nothing was written: this analysis had no saved state yet.';
      throw new StateStoreError(
        'write-failed',
        `Could not save the analysis state: ${describeFsError(err)} (while trying to ${stage}). ${outcome}`,
        fsCodeOf(err),
      );
    }
  }

  /** `file` under a second name: a hard link, else (no links here) a durable copy of its `text`. */
  private async secondName(file: string, name: string, text: string | null): Promise<void> {
    await this.fs.unlink(name).catch(() => undefined);
    if (this.fs.link) {
      try {
        await this.fs.link(file, name);
        return;
      } catch {
        // A file system without hard links (FAT, some network shares): copied instead.
      }
    }
    await this.fs.writeFileDurably(name, text ?? (await this.fs.readFile(file)));
  }

  private async remember(id: string, target: string): Promise<void> {
    if (!this.fs.stat) return;
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

  /** Reads and validates a state file of run `id`: the state, or what is wrong with the file. */
  async read(file: string, id: string): Promise<ReadOutcome> {
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
      return { ok: false, missing: false, problem: text.trim() ? `is not valid JSON (${messageOf(err)})` : 'is empty' };
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
    if (state.id !== id) return { ok: false, missing: false, problem: `belongs to another analysis ("${state.id}")` };
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
