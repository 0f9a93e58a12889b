/**
 * The Workspace port of the VS Code layer: documents are written under the root, opened as
 * tabs, and the person's edits are never replaced without asking.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Log } from '../../src/core/ports';
import { safeRelativePath, WorkspaceDocuments, type OverwriteChoice } from '../../src/vscode/workspaceDocuments';

class MemoryMemento implements vscode.Memento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, defaultValue?: T): T {
    return (this.data.has(key) ? this.data.get(key) : defaultValue) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
}

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

describe('Workspace documents', () => {
  let dir: string;
  let asked: string[];
  let answer: OverwriteChoice;
  let docs: WorkspaceDocuments;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sa-docs-'));
    asked = [];
    answer = 'keep';
    docs = new WorkspaceDocuments({
      root: vscode.Uri.file(dir),
      memento: new MemoryMemento(),
      log: silent,
      openDocuments: false,
      ask: async (rel) => {
        asked.push(rel);
        return answer;
      },
    });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a document under the root, creating folders', async () => {
    const rel = await docs.writeDocument('analyses/run/analyst-market.md', '# Market\n', 'analyst');
    assert.equal(rel, 'analyses/run/analyst-market.md');
    assert.equal(readFileSync(path.join(dir, 'analyses', 'run', 'analyst-market.md'), 'utf8'), '# Market\n');
    assert.deepEqual(asked, []);
  });

  it('replaces its own earlier version without asking', async () => {
    await docs.writeDocument('a/final.md', 'v1', 'final');
    await docs.writeDocument('a/final.md', 'v2', 'final');
    assert.equal(readFileSync(path.join(dir, 'a', 'final.md'), 'utf8'), 'v2');
    assert.deepEqual(asked, []);
  });

  it('asks before replacing a file the person edited, and keeps it when told so', async () => {
    await docs.writeDocument('a/final.md', 'v1', 'final');
    writeFileSync(path.join(dir, 'a', 'final.md'), 'my edits');
    answer = 'keep';
    const rel = await docs.writeDocument('a/final.md', 'v2', 'final');
    assert.deepEqual(asked, ['a/final.md']);
    assert.equal(rel, 'a/final.md');
    assert.equal(readFileSync(path.join(dir, 'a', 'final.md'), 'utf8'), 'my edits');
  });

  it('saves the new version next to the edited file when asked to', async () => {
    await docs.writeDocument('a/final.md', 'v1', 'final');
    writeFileSync(path.join(dir, 'a', 'final.md'), 'my edits');
    answer = 'new';
    const rel = await docs.writeDocument('a/final.md', 'v2', 'final');
    assert.equal(rel, 'a/final-2.md');
    assert.equal(readFileSync(path.join(dir, 'a', 'final.md'), 'utf8'), 'my edits');
    assert.equal(readFileSync(path.join(dir, 'a', 'final-2.md'), 'utf8'), 'v2');
  });

  it('overwrites the edited file only when the person chooses Overwrite', async () => {
    await docs.writeDocument('a/final.md', 'v1', 'final');
    writeFileSync(path.join(dir, 'a', 'final.md'), 'my edits');
    answer = 'overwrite';
    await docs.writeDocument('a/final.md', 'v2', 'final');
    assert.equal(readFileSync(path.join(dir, 'a', 'final.md'), 'utf8'), 'v2');
    assert.equal(asked.length, 1);
  });

  it('asks about a file that existed before the run wrote it', async () => {
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    writeFileSync(path.join(dir, 'a', 'notes.md'), 'person wrote this');
    answer = 'keep';
    await docs.writeDocument('a/notes.md', 'generated', 'analyst');
    assert.deepEqual(asked, ['a/notes.md']);
    assert.equal(readFileSync(path.join(dir, 'a', 'notes.md'), 'utf8'), 'person wrote this');
  });

  it('refuses paths that leave the workspace folder', async () => {
    await assert.rejects(docs.writeDocument('../outside.md', 'x', 'final'), /leaves the workspace folder/);
    await assert.rejects(docs.writeDocument('/etc/x.md', 'x', 'final'), /relative/);
    assert.equal(existsSync(path.join(dir, '..', 'outside.md')), false);
    assert.equal(safeRelativePath('a\\b/./c.md'), 'a/b/c.md');
  });

  it('reads context documents and explains what cannot be read', async () => {
    writeFileSync(path.join(dir, 'ctx.md'), '\uFEFFhello');
    assert.equal(await docs.readText('ctx.md'), 'hello');
    assert.equal(await docs.readText(path.join(dir, 'ctx.md')), 'hello');
    await assert.rejects(docs.readText('missing.md'), /does not exist/);
    writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3]));
    await assert.rejects(docs.readText('bin.dat'), /not a UTF-8 text document/);
  });
});
