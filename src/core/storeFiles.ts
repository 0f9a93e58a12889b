/**
 * The file operations of the state store, and their implementation on `node:fs/promises`.
 *
 * Owns: the few operations the store needs, so that tests can inject failing ones (full disk,
 * read-only file system, ...). Must not: know what a state is.
 */
import * as fsp from 'node:fs/promises';

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
