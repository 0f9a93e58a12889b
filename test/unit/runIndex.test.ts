import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../src/core/ports';
import { queueOrder, SUMMARY_FILE } from '../../src/core/runIndex';
import { createState } from '../../src/core/state';
import { STATE_FILE } from '../../src/core/stateFile';
import { FileStateStore } from '../../src/core/stateStore';
import { nodeFileSystem, type StoreFileSystem } from '../../src/core/storeFiles';
import { tempDir } from '../helpers/core';

function stateOf(id: string, at: string, status: 'running' | 'awaiting' | 'done' | 'failed' | 'cancelled') {
  const s = createState({ id, problem: `Problem of ${id}`, now: new Date(at) });
  s.status = status;
  if (status === 'failed') s.errors.push({ at, step: 'analysts', message: 'The Anthropic API answered 500 (api_error).' });
  return s;
}

/** The node file system, counting reads of state files. */
function countingFs(): StoreFileSystem & { stateReads: number } {
  const fs = { ...nodeFileSystem, stateReads: 0 };
  fs.readFile = async (file: string) => {
    if (path.basename(file) === STATE_FILE) fs.stateReads += 1;
    return nodeFileSystem.readFile(file);
  };
  return fs;
}

describe('the run index and the review queue', () => {
  it('orders the queue by what needs the person: awaiting, failed, running, overnight, stopped, done', () => {
    const run = (id: string, status: RunSummary['status'], updatedAt: string, overnight?: string) => ({ id, status, updatedAt, overnight });
    const order = queueOrder([
      run('done-new', 'done', '2026-11-30'),
      run('cancelled', 'cancelled', '2026-11-29'),
      run('overnight', 'running', '2026-11-28', 'in-progress'),
      run('running', 'running', '2026-11-27'),
      run('failed', 'failed', '2026-11-26'),
      run('awaiting-old', 'awaiting', '2026-11-20'),
      run('awaiting-new', 'awaiting', '2026-11-25'),
      run('ready', 'running', '2026-11-24', 'results-ready'),
    ]).map((r) => r.id);
    assert.deepEqual(order, ['awaiting-new', 'ready', 'awaiting-old', 'failed', 'running', 'overnight', 'cancelled', 'done-new']);
  });

  it('lists runs from their summaries without reading any state, with the failure reason', async () => {
    const dir = tempDir();
    const writer = new FileStateStore(dir);
    await writer.save(stateOf('run-a', '2026-11-20T10:00:00Z', 'done'));
    await writer.save(stateOf('run-b', '2026-11-21T10:00:00Z', 'failed'));
    const fs = countingFs();
    const list = await new FileStateStore(dir, { fs }).list();
    assert.deepEqual(list.map((r) => r.id).sort(), ['run-a', 'run-b']);
    assert.equal(fs.stateReads, 0, 'no state was parsed to list the runs');
    assert.match(list.find((r) => r.id === 'run-b')!.error ?? '', /answered 500/);
  });

  it('rebuilds a missing, damaged or stale summary from the state', async () => {
    const dir = tempDir();
    const writer = new FileStateStore(dir);
    const a = stateOf('run-a', '2026-11-20T10:00:00Z', 'running');
    await writer.save(a);
    await writer.save(stateOf('run-b', '2026-11-21T10:00:00Z', 'done'));
    // A state written without its summary (a crash between the two writes, an older version).
    const stateFile = path.join(dir, 'runs', 'run-a', STATE_FILE);
    const changed = JSON.parse(readFileSync(stateFile, 'utf8'));
    changed.status = 'awaiting';
    changed.awaiting = 'outline';
    writeFileSync(stateFile, `${JSON.stringify(changed)}\n`);
    writeFileSync(path.join(dir, 'runs', 'run-b', SUMMARY_FILE), '{"v":1,');
    const fs = countingFs();
    const store = new FileStateStore(dir, { fs });
    const list = await store.list();
    assert.equal(list.find((r) => r.id === 'run-a')!.status, 'awaiting', 'the stale summary was not trusted');
    assert.equal(list.find((r) => r.id === 'run-b')!.status, 'done');
    assert.equal(fs.stateReads, 2);
    // Rebuilt: the next listing reads no state.
    const again = countingFs();
    await new FileStateStore(dir, { fs: again }).list();
    assert.equal(again.stateReads, 0);
  });
});
