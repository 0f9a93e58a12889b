import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDuration, formatSummary, formatUsd, RunLog } from '../../src/core/runLog';
import { FileStateStore } from '../../src/core/stateStore';
import { createState, type ModelCallRecord, type WorkflowState } from '../../src/core/state';
import type { Clock, Log, LoadResult, RunSummary, StateStore } from '../../src/core/ports';

/** A store keeping the run log in memory; each append takes a random time, to expose reordering. */
class MemoryLogStore implements StateStore {
  logs = new Map<string, string>();
  failNext = 0;
  async save(): Promise<void> {}
  async load(): Promise<LoadResult> {
    throw new Error('not used');
  }
  async list(): Promise<RunSummary[]> {
    return [];
  }
  async appendRunLog(id: string, markdown: string): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('Could not write the run log: the disk is full (ENOSPC).');
    }
    this.logs.set(id, (this.logs.get(id) ?? '') + markdown);
  }
  async readRunLog(id: string): Promise<string> {
    return this.logs.get(id) ?? '';
  }
}

/** Starts at 10:00:00.000 and moves 1.5 s forward at every reading. */
function steppingClock(): Clock {
  let t = Date.parse('2026-11-22T10:00:00.000Z');
  return {
    now: () => {
      const d = new Date(t);
      t += 1500;
      return d;
    },
  };
}

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
}

function call(step: ModelCallRecord['step'], costUsd: number, usage: Partial<ModelCallRecord['usage']> = {}): ModelCallRecord {
  return {
    key: `${step}-${costUsd}`,
    step,
    model: 'claude-sonnet-5-5',
    usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, ...usage },
    costUsd,
    durationMs: 2000,
    stopReason: 'end_turn',
    at: '2026-11-22T10:01:00.000Z',
    text: 'answer',
  };
}

function finishedState(): WorkflowState {
  const state = createState({
    id: 'run-1',
    problem: 'Should we enter the Italian market?\nWe sell | bicycles.',
    now: new Date('2026-11-22T10:00:00.000Z'),
  });
  state.title = 'Italian market entry';
  state.status = 'done';
  state.step = 'done';
  state.updatedAt = '2026-11-22T10:12:30.000Z';
  state.calls = [
    call('parse', 0.01, { inputTokens: 1000, outputTokens: 200 }),
    call('analysts', 0.1, { inputTokens: 500, outputTokens: 1800, cacheCreationInputTokens: 4000 }),
    call('analysts', 0.05, { inputTokens: 500, outputTokens: 1700, cacheReadInputTokens: 4000 }),
    call('fulltext', 0.2, { inputTokens: 6000, outputTokens: 3000 }),
  ];
  state.searches = [
    { key: 's1', query: 'italy bicycle market', at: '2026-11-22T10:05:00.000Z', durationMs: 800, resultSourceIds: ['S1'], costUsd: 0.005 },
    { key: 's2', query: 'italy cycling 2026', at: '2026-11-22T10:05:01.000Z', durationMs: 700, resultSourceIds: [], costUsd: 0.005 },
  ];
  state.finalDocument = { path: 'analyses/italy/analysis.md', markdown: '# Doc', frontmatter: {} };
  return state;
}

test('the run log writes every kind of entry, in call order, with millisecond timestamps', async () => {
  const store = new MemoryLogStore();
  const log = new RunLog(store, 'run-1', steppingClock());
  const state = finishedState();
  // Not awaited one by one: the order must hold anyway.
  void log.header(state);
  void log.stepStart('analysts');
  void log.modelCall({
    step: 'analysts',
    label: 'market-analyst',
    model: 'claude-sonnet-5-5',
    usage: { inputTokens: 1234, outputTokens: 567, cacheCreationInputTokens: 8000, cacheReadInputTokens: 0 },
    costUsd: 0.04567,
    durationMs: 2345,
    stopReason: 'end_turn',
  });
  void log.modelCall({
    step: 'analysts',
    label: 'risk-analyst',
    model: 'claude-sonnet-5-5',
    usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 8000 },
    costUsd: 0.01,
    durationMs: 900,
    stopReason: 'max_tokens',
    reused: true,
  });
  void log.search({ step: 'citations', query: 'italy  bicycle\nmarket', results: 5, durationMs: 812, costUsd: 0.005 });
  void log.search({ query: 'cached query', results: [{ title: 'Report', url: 'https://example.org/r' }], durationMs: 3, cached: true });
  void log.gate({ step: 'analysts', gate: 'frontmatter', passed: false, detail: 'key_findings is missing' });
  void log.retry({ step: 'analysts', label: 'risk-analyst', attempt: 2, reason: 'invalid frontmatter' });
  void log.gate({ step: 'analysts', gate: 'frontmatter', passed: true });
  void log.decision({ step: 'outline', gate: 'outline', decision: 'approve', detail: 'edited in the panel' });
  void log.error({ step: 'citations', message: 'The search service answered 503.\nRetrying later.' });
  void log.stepEnd('analysts', 65_000, 0.0567);
  void log.note({ step: 'citations', message: 'Web search turned off by the person.' });
  void log.summary(state);
  await log.flush();

  const text = await store.readRunLog('run-1');
  const lines = text.split('\n');
  assert.equal(lines[0], '# Run log: Italian market entry');
  assert.ok(text.includes('- **Analysis:** `run-1`'));
  assert.ok(text.includes('- **Started:** 2026-11-22T10:00:00.000Z'));
  assert.ok(text.includes('> Should we enter the Italian market?\n> We sell | bicycles.'));

  const order = [
    '## Step: analysts',
    '`2026-11-22T10:00:01.500Z` Step **analysts** started',
    '`2026-11-22T10:00:03.000Z` Model call **market-analyst** (analysts, `claude-sonnet-5-5`): 1,234 in · 567 out · cache write 8,000 · cache read 0 · $0.0457 · 2.3 s · stop: end_turn',
    'Model call **risk-analyst** (analysts, `claude-sonnet-5-5`): 10 in · 20 out · cache write 0 · cache read 8,000 · reused from the saved state, not paid again · 900 ms · stop: max_tokens ⚠',
    'Web search (citations) “italy bicycle market”: 5 results · 812 ms · $0.0050',
    'Web search “cached query”: 1 result · 3 ms · cached, not paid again',
    '  - Report — <https://example.org/r>',
    'Gate **frontmatter** (analysts) ❌ failed: key_findings is missing',
    '🔁 Retry **risk-analyst** (analysts), attempt 2: invalid frontmatter',
    'Gate **frontmatter** (analysts) ✅ passed',
    '👤 Decision at **outline** (outline): **approve** — edited in the panel',
    '⚠️ **Error** (citations): The search service answered 503. Retrying later.',
    'Step **analysts** finished in 1 min 05 s · cost $0.0567',
    'ℹ️ (citations) Web search turned off by the person.',
    '## Summary (',
    '| **Total** |',
  ];
  let from = 0;
  for (const fragment of order) {
    const at = text.indexOf(fragment, from);
    assert.ok(at >= 0, `missing or out of order: ${fragment}`);
    from = at + fragment.length;
  }
  // Every entry line carries an ISO timestamp with milliseconds.
  for (const line of lines.filter((l) => l.startsWith('- `'))) {
    assert.match(line, /^- `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z` /);
  }
});

test('formatSummary totals calls, tokens with cache, cost by step and in total, searches, duration and outcome', () => {
  const summary = formatSummary(finishedState());
  assert.ok(summary.includes('- **Outcome:** done'));
  assert.ok(summary.includes('- **Model calls:** 4'));
  assert.ok(summary.includes('- **Tokens:** 8,000 input · 6,700 output · 4,000 cache write · 4,000 cache read'));
  assert.ok(summary.includes('- **Web searches:** 2 ($0.0100)'));
  assert.ok(summary.includes('- **Total cost:** $0.3700'));
  assert.ok(summary.includes('- **Duration:** 12 min 30 s from start to last update · 8.0 s in model calls (summed)'));
  assert.ok(summary.includes('- **Document:** analyses/italy/analysis.md'));
  assert.ok(summary.includes('| parse | 1 | 1,000 | 200 | 0 | 0 | $0.0100 |'));
  assert.ok(summary.includes('| analysts | 2 | 1,000 | 3,500 | 4,000 | 4,000 | $0.1500 |'));
  assert.ok(summary.includes('| fulltext | 1 | 6,000 | 3,000 | 0 | 0 | $0.2000 |'));
  assert.ok(summary.includes('| web search | 2 | | | | | $0.0100 |'));
  assert.ok(summary.includes('| **Total** | **6** | **8,000** | **6,700** | **4,000** | **4,000** | **$0.3700** |'));
  assert.ok(!summary.includes('| integrate |'), 'steps without calls get no row');
  // Table rows appear in workflow order.
  assert.ok(summary.indexOf('| parse |') < summary.indexOf('| analysts |'));
  assert.ok(summary.indexOf('| analysts |') < summary.indexOf('| fulltext |'));
});

test('formatSummary describes failed, waiting and cancelled runs', () => {
  const failed = finishedState();
  failed.status = 'failed';
  failed.step = 'citations';
  failed.errors = [{ at: '2026-11-22T10:10:00.000Z', step: 'citations', message: 'The citation map is empty | twice.' }];
  const text = formatSummary(failed);
  assert.ok(text.includes('- **Outcome:** failed at step citations: The citation map is empty \\| twice.'));
  assert.ok(text.includes('- **Errors:** 1'));

  const waiting = finishedState();
  waiting.status = 'awaiting';
  waiting.step = 'outline';
  waiting.awaiting = 'outline';
  waiting.partialResults = true;
  assert.ok(formatSummary(waiting).includes('- **Outcome:** waiting for the person at step outline (outline)'));

  const cancelled = createState({ id: 'run-2', problem: 'p', now: new Date('2026-11-22T10:00:00.000Z') });
  cancelled.status = 'cancelled';
  cancelled.step = 'propose';
  const empty = formatSummary(cancelled);
  assert.ok(empty.includes('- **Outcome:** cancelled at step propose'));
  assert.ok(empty.includes('| **Total** | **0** | **0** | **0** | **0** | **0** | **$0.0000** |'));
});

test('a failing log write never breaks the run: it is reported and later entries are still written', async () => {
  const store = new MemoryLogStore();
  const warnings = recordingLog();
  const log = new RunLog(store, 'run-3', steppingClock(), warnings);
  store.failNext = 1;
  await log.stepStart('parse'); // resolves although the write fails
  await log.stepEnd('parse', 420, 0.001);
  const text = await store.readRunLog('run-3');
  assert.ok(!text.includes('Step **parse** started'));
  assert.ok(text.includes('Step **parse** finished in 420 ms · cost $0.0010'));
  assert.equal(warnings.warnings.length, 1);
  assert.match(warnings.warnings[0], /Could not write the run log: .*disk is full/);
});

test('the run log goes to run-log.md next to the state with the file store', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sa-runlog-'));
  const store = new FileStateStore(root, { secrets: () => [] });
  const log = new RunLog(store, 'run-4', steppingClock());
  const state = finishedState();
  await log.header({ ...state, id: 'run-4', title: '', demo: true });
  await log.summary(state);
  const text = await fs.readFile(path.join(root, 'runs', 'run-4', 'run-log.md'), 'utf8');
  assert.ok(text.startsWith('# Run log: Should we enter the Italian market? We sell \\| bicycles.\n'));
  assert.ok(text.includes('- **Demo run:** offline demo model'));
  assert.ok(text.includes('| **Total** |'));
  assert.equal(await store.readRunLog('run-4'), text);
});

test('formatUsd and formatDuration', () => {
  assert.equal(formatUsd(0), '$0.0000');
  assert.equal(formatUsd(1.23456), '$1.2346');
  assert.equal(formatUsd(Number.NaN), '$0.0000');
  assert.equal(formatDuration(999), '999 ms');
  assert.equal(formatDuration(1500), '1.5 s');
  assert.equal(formatDuration(61_000), '1 min 01 s');
  assert.equal(formatDuration(3_725_000), '1 h 02 min');
  assert.equal(formatDuration(-1), 'unknown');
});
