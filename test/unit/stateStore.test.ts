import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultRunId } from '../../src/core/runSummary';
import { findSecret, jsonMayHoldSecret, redactKeyShaped } from '../../src/core/secrets';
import { FileStateStore } from '../../src/core/stateStore';
import { StateStoreError } from '../../src/core/storeErrors';
import { nodeFileSystem, type StoreFileSystem } from '../../src/core/storeFiles';
import { createState, type WorkflowState } from '../../src/core/state';
import type { Log } from '../../src/core/ports';

async function tempRoot(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'sa-state-'));
}

function makeState(id: string, overrides: Partial<WorkflowState> = {}): WorkflowState {
  const base = createState({ id, problem: 'Should we enter the Italian market next year?', now: new Date('2026-11-22T10:00:00.000Z') });
  return { ...base, ...overrides };
}

function fsError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: simulated failure`);
  err.code = code;
  return err;
}

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
}

const noSecrets = () => [];

test('save writes state.json atomically and keeps the previous version as state.json.bak', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  const first = makeState('run-a', { title: 'First' });
  await store.save(first);
  const dir = path.join(root, 'runs', 'run-a');
  assert.deepEqual((await fs.readdir(dir)).sort(), ['state.json', 'summary.json']);
  assert.equal(JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')).title, 'First');

  await store.save({ ...first, title: 'Second', updatedAt: '2026-11-22T10:05:00.000Z' });
  assert.deepEqual((await fs.readdir(dir)).sort(), ['state.json', 'state.json.bak', 'summary.json'], 'no temporary file is left behind');
  assert.equal(JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')).title, 'Second');
  assert.equal(JSON.parse(await fs.readFile(path.join(dir, 'state.json.bak'), 'utf8')).title, 'First');

  const loaded = await store.load('run-a');
  assert.equal(loaded.state.title, 'Second');
  assert.equal(loaded.recoveredFromBackup, undefined);
  assert.equal(store.statePath('run-a'), path.join(dir, 'state.json'));
});

test('save snapshots the state when called: later changes to the object are not written', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  const state = makeState('run-snap', { title: 'Before' });
  const saving = store.save(state);
  state.title = 'After';
  await saving;
  assert.equal((await store.load('run-snap')).state.title, 'Before');
});

test('concurrent saves of one run are serialized: no interleaving, the last save wins, the file is always valid', async () => {
  const root = await tempRoot();
  const ops: string[] = [];
  const delay = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
  const slowFs: StoreFileSystem = {
    ...nodeFileSystem,
    async writeFileDurably(file, text) {
      ops.push(`write ${path.basename(file)} ${JSON.parse(text).title}`);
      await delay();
      await nodeFileSystem.writeFileDurably(file, text);
    },
    async rename(from, to) {
      await delay();
      // The run's index entry (summary.json) is written after its state, outside this protocol.
      if (!path.basename(from).startsWith('summary.')) ops.push(`rename ${path.basename(from)}`);
      await nodeFileSystem.rename(from, to);
    },
  };
  const store = new FileStateStore(root, { fs: slowFs, secrets: noSecrets });
  await store.save(makeState('run-c', { title: 'save-0' }));
  ops.length = 0;

  const file = path.join(root, 'runs', 'run-c', 'state.json');
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      const text = await fs.readFile(file, 'utf8');
      JSON.parse(text); // throws (failing the test) if a reader ever sees a partial file
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();

  const saves: Promise<void>[] = [];
  for (let i = 1; i <= 15; i++) {
    saves.push(store.save(makeState('run-c', { title: `save-${i}` })));
    // Some saves arrive while a write is under way, some together.
    if (i % 3 === 0) await new Promise((r) => setTimeout(r, 3));
  }
  try {
    await Promise.all(saves);
  } finally {
    reading = false;
    await reader;
  }
  assert.ok(reads > 0);

  assert.equal((await store.load('run-c')).state.title, 'save-15');
  // Saves asked for while one is being written are coalesced: the next write takes the latest
  // snapshot. The backup is the state written just before the last one.
  const writes = ops.filter((o) => o.startsWith('write ')).map((o) => Number(o.split('save-')[1]));
  assert.ok(writes.length >= 2 && writes.length < 15, `coalesced into ${writes.length} writes`);
  assert.deepEqual([...writes].sort((a, b) => a - b), writes, 'snapshots are written in order');
  assert.equal(writes.at(-1), 15);
  const backupTitle = JSON.parse(await fs.readFile(`${file}.bak`, 'utf8')).title;
  assert.equal(backupTitle, `save-${writes.length > 1 ? writes.at(-2) : 0}`);
  // Each write is: write temp → link the current state as the backup → rename state, never mixed.
  assert.equal(ops.length, writes.length * 3);
  for (let i = 0; i < writes.length; i++) {
    assert.deepEqual(ops.slice(i * 3, i * 3 + 3), [
      `write state.json.tmp save-${writes[i]}`,
      'rename state.json.bak.tmp',
      'rename state.json.tmp',
    ]);
  }
});

test('on a file system without hard links, every save still keeps the previous state as the backup', async () => {
  const root = await tempRoot();
  const noLinks: StoreFileSystem = { ...nodeFileSystem, link: async () => Promise.reject(fsError('EPERM')) };
  const store = new FileStateStore(root, { fs: noLinks, secrets: noSecrets });
  for (const title of ['one', 'two', 'three']) await store.save(makeState('run-l', { title }));
  assert.equal((await store.load('run-l')).state.title, 'three');
  assert.equal(JSON.parse(await fs.readFile(store.backupPath('run-l'), 'utf8')).title, 'two');
  assert.deepEqual((await fs.readdir(path.join(root, 'runs', 'run-l'))).sort(), ['state.json', 'state.json.bak', 'summary.json']);
});

test('a state saved by another store becomes the backup only after it is read and found valid', async () => {
  const root = await tempRoot();
  await new FileStateStore(root, { secrets: noSecrets }).save(makeState('run-o', { title: 'first window' }));
  const reads: string[] = [];
  const store = new FileStateStore(root, {
    secrets: noSecrets,
    fs: { ...nodeFileSystem, readFile: (file) => (reads.push(path.basename(file)), nodeFileSystem.readFile(file)) },
  });
  await store.save(makeState('run-o', { title: 'second window' }));
  await store.save(makeState('run-o', { title: 'second window again' }));
  assert.deepEqual(reads, ['state.json'], 'the state this store wrote itself is not read again');
  assert.equal(JSON.parse(await fs.readFile(store.backupPath('run-o'), 'utf8')).title, 'second window');
});

test('a failed save does not block the saves queued after it', async () => {
  const root = await tempRoot();
  let failNext = false;
  const flakyFs: StoreFileSystem = {
    ...nodeFileSystem,
    async writeFileDurably(file, text) {
      if (failNext) {
        failNext = false;
        throw fsError('EIO');
      }
      await nodeFileSystem.writeFileDurably(file, text);
    },
  };
  const store = new FileStateStore(root, { fs: flakyFs, secrets: noSecrets });
  await store.save(makeState('run-q', { title: 'one' }));
  failNext = true;
  const failed = store.save(makeState('run-q', { title: 'two' }));
  const next = store.save(makeState('run-q', { title: 'three' }));
  await assert.rejects(failed, /input\/output error \(EIO\)/);
  await next;
  assert.equal((await store.load('run-q')).state.title, 'three');
});

test('a corrupt state.json falls back to state.json.bak with a clear message and leaves the file in place', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-b', { title: 'Good' }));
  await store.save(makeState('run-b', { title: 'Newer' }));
  const file = store.statePath('run-b');
  await fs.writeFile(file, '{"version": 1, "id": "run-b", "stat');

  const loaded = await store.load('run-b');
  assert.equal(loaded.state.title, 'Good');
  assert.ok(loaded.recoveredFromBackup);
  assert.match(loaded.recoveredFromBackup, /is not valid JSON/);
  assert.match(loaded.recoveredFromBackup, /state\.json\.bak/);
  assert.match(loaded.recoveredFromBackup, /run-b/);
  assert.equal(await fs.readFile(file, 'utf8'), '{"version": 1, "id": "run-b", "stat', 'the damaged file is not deleted');
});

test('an empty or missing state.json falls back to the backup', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-e', { title: 'Kept' }));
  await store.save(makeState('run-e', { title: 'Lost' }));
  await fs.writeFile(store.statePath('run-e'), '');
  const empty = await store.load('run-e');
  assert.equal(empty.state.title, 'Kept');
  assert.match(empty.recoveredFromBackup ?? '', /is empty/);

  await fs.unlink(store.statePath('run-e'));
  const missing = await store.load('run-e');
  assert.equal(missing.state.title, 'Kept');
  assert.match(missing.recoveredFromBackup ?? '', /does not exist/);
});

test('a state.json that fails schema validation falls back to the backup, naming the field', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-v', { title: 'Valid' }));
  await store.save(makeState('run-v', { title: 'Also valid' }));
  const data = JSON.parse(await fs.readFile(store.statePath('run-v'), 'utf8'));
  data.status = 'exploded';
  await fs.writeFile(store.statePath('run-v'), JSON.stringify(data));

  const loaded = await store.load('run-v');
  assert.equal(loaded.state.title, 'Valid');
  assert.match(loaded.recoveredFromBackup ?? '', /does not hold a valid analysis state/);
  assert.match(loaded.recoveredFromBackup ?? '', /status/);
});

test('a damaged state.json is not rotated into the backup by the next save', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-r', { title: 'Good one' }));
  await store.save(makeState('run-r', { title: 'Good two' }));
  await fs.writeFile(store.statePath('run-r'), 'garbage');
  await store.save(makeState('run-r', { title: 'Good three' }));
  assert.equal(JSON.parse(await fs.readFile(store.backupPath('run-r'), 'utf8')).title, 'Good one');
  assert.equal((await store.load('run-r')).state.title, 'Good three');
});

test('when both state.json and the backup are unreadable, load throws a clear error and deletes nothing', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-x'));
  await store.save(makeState('run-x'));
  await fs.writeFile(store.statePath('run-x'), 'not json at all');
  await fs.writeFile(store.backupPath('run-x'), JSON.stringify({ version: 1, id: 'run-x' }));

  await assert.rejects(store.load('run-x'), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.equal(err.code, 'unreadable');
    assert.match(err.message, /Could not load analysis "run-x"/);
    assert.match(err.message, /state\.json is not valid JSON/);
    assert.match(err.message, /backup state\.json\.bak does not hold a valid analysis state/);
    assert.match(err.message, /Nothing was deleted/);
    return true;
  });
  assert.equal(await fs.readFile(store.statePath('run-x'), 'utf8'), 'not json at all');
  assert.ok(await fs.readFile(store.backupPath('run-x'), 'utf8'));
});

test('loading a run that does not exist, or with an invalid id, fails clearly', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await assert.rejects(store.load('nope'), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.equal(err.code, 'not-found');
    assert.match(err.message, /no saved analysis "nope"/);
    return true;
  });
  await assert.rejects(store.load('../../etc'), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.equal(err.code, 'bad-id');
    return true;
  });
});

test('a state copied from another run is not accepted under a different id', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  await store.save(makeState('run-one'));
  await fs.mkdir(path.join(root, 'runs', 'run-two'), { recursive: true });
  await fs.copyFile(store.statePath('run-one'), store.statePath('run-two'));
  await assert.rejects(store.load('run-two'), /belongs to another analysis \("run-one"\)/);
});

test('list returns summaries newest first, skips unreadable runs and reports them', async () => {
  const root = await tempRoot();
  const log = recordingLog();
  const store = new FileStateStore(root, { secrets: noSecrets, log });
  const longProblem = `${'Whether to expand the retail network '.repeat(4)}in the south`;
  await store.save(makeState('older', { title: 'Older run', updatedAt: '2026-11-20T09:00:00.000Z', status: 'done', step: 'done' }));
  await store.save(
    makeState('newest', {
      problem: longProblem,
      updatedAt: '2026-11-22T09:00:00.000Z',
      status: 'awaiting',
      step: 'outline',
      awaiting: 'outline',
      calls: [
        {
          key: 'k1',
          step: 'parse',
          model: 'claude-sonnet-5-5',
          usage: { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
          costUsd: 0.25,
          durationMs: 100,
          stopReason: 'end_turn',
          at: '2026-11-22T08:00:00.000Z',
          text: 'x',
        },
      ],
      searches: [{ key: 's1', query: 'q', at: '2026-11-22T08:00:00.000Z', durationMs: 5, resultSourceIds: [], costUsd: 0.005 }],
    }),
  );
  await store.save(makeState('middle', { title: 'Middle run', updatedAt: '2026-11-21T09:00:00.000Z' }));
  await fs.mkdir(path.join(root, 'runs', 'broken'), { recursive: true });
  await fs.writeFile(path.join(root, 'runs', 'broken', 'state.json'), '{');
  await fs.mkdir(path.join(root, 'runs', 'empty-folder'), { recursive: true });
  await fs.writeFile(path.join(root, 'runs', 'README.txt'), 'not a run');

  const list = await store.list();
  assert.deepEqual(
    list.map((r) => r.id),
    ['newest', 'middle', 'older'],
  );
  const newest = list[0];
  assert.equal(newest.title, longProblem.slice(0, 80).trimEnd());
  assert.ok(newest.title.length <= 80);
  assert.equal(newest.status, 'awaiting');
  assert.equal(newest.step, 'outline');
  assert.equal(newest.awaiting, 'outline');
  assert.equal(newest.problem, longProblem);
  assert.ok(Math.abs(newest.costUsd - 0.255) < 1e-9);
  assert.equal(list[2].title, 'Older run');
  assert.equal(list[2].costUsd, 0);
  assert.equal(log.warnings.length, 1);
  assert.match(log.warnings[0], /broken/);
});

test('list of a store that has no runs yet is empty', async () => {
  const store = new FileStateStore(path.join(await tempRoot(), 'not-created'), { secrets: noSecrets });
  assert.deepEqual(await store.list(), []);
});

for (const [stage, code, words] of [
  ['writeFileDurably', 'ENOSPC', /the disk is full \(ENOSPC\)/],
  ['rename', 'EROFS', /the file system is read-only \(EROFS\)/],
  ['rename', 'EACCES', /permission was denied \(EACCES\)/],
] as const) {
  test(`a ${code} failure in ${stage} surfaces clearly and leaves state.json and its backup intact`, async () => {
    const root = await tempRoot();
    let fail = false;
    const failing: StoreFileSystem = {
      ...nodeFileSystem,
      async writeFileDurably(file, text) {
        if (fail && stage === 'writeFileDurably') {
          // A full disk typically leaves a partial file behind.
          await fs.writeFile(file, text.slice(0, 10));
          throw fsError(code);
        }
        await nodeFileSystem.writeFileDurably(file, text);
      },
      async rename(from, to) {
        if (fail && stage === 'rename') throw fsError(code);
        await nodeFileSystem.rename(from, to);
      },
    };
    const store = new FileStateStore(root, { fs: failing, secrets: noSecrets });
    await store.save(makeState('run-d', { title: 'One' }));
    await store.save(makeState('run-d', { title: 'Two' }));
    const before = await fs.readFile(store.statePath('run-d'), 'utf8');
    const backupBefore = await fs.readFile(store.backupPath('run-d'), 'utf8');

    fail = true;
    await assert.rejects(store.save(makeState('run-d', { title: 'Three' })), (err: unknown) => {
      assert.ok(err instanceof StateStoreError);
      assert.equal(err.code, 'write-failed');
      assert.equal(err.fsCode, code);
      assert.match(err.message, /^Could not save the analysis state: /);
      assert.match(err.message, words);
      assert.match(err.message, /Nothing was lost: the previous state is intact/);
      return true;
    });
    assert.equal(await fs.readFile(store.statePath('run-d'), 'utf8'), before);
    assert.equal(JSON.parse(await fs.readFile(store.backupPath('run-d'), 'utf8')).title, JSON.parse(backupBefore).title);
    assert.deepEqual((await fs.readdir(path.join(root, 'runs', 'run-d'))).filter((f) => f !== 'summary.json').sort(), ['state.json', 'state.json.bak']);
    fail = false;
    assert.equal((await store.load('run-d')).state.title, 'Two');
  });
}

test('a failed first save says that nothing was written', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, {
    secrets: noSecrets,
    fs: { ...nodeFileSystem, writeFileDurably: async () => Promise.reject(fsError('ENOSPC')) },
  });
  await assert.rejects(store.save(makeState('run-f')), /disk is full \(ENOSPC\).*Nothing was written: this analysis had no saved state yet/);
});

test('text shaped like an Anthropic key (not a configured one) is redacted, and the state is saved', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  const key = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  await store.save(makeState('run-s', { problem: `A page quoted ${key}, please analyse` }));
  const text = await fs.readFile(path.join(root, 'runs', 'run-s', 'state.json'), 'utf8');
  assert.ok(!text.includes('AbCdEfGh'), 'the key-shaped text was written');
  assert.match((await store.load('run-s')).state.problem, /A page quoted \[redacted: text shaped like an API key\], please analyse/);
});

test('a state that contains a configured key is refused, naming the field path', async () => {
  const root = await tempRoot();
  const exaKey = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const store = new FileStateStore(root, { secrets: () => [exaKey, undefined, 'short'] });
  const state = makeState('run-k');
  state.calls.push({
    key: 'c1',
    step: 'parse',
    model: 'claude-sonnet-5-5',
    usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    costUsd: 0,
    durationMs: 1,
    stopReason: 'end_turn',
    at: '2026-11-22T10:00:00.000Z',
    text: `echo ${exaKey}`,
  });
  await assert.rejects(store.save(state), (err: unknown) => {
    assert.ok(err instanceof StateStoreError);
    assert.match(err.message, /field calls\[0\]\.text contains one of the configured API keys/);
    assert.ok(!err.message.includes(exaKey));
    return true;
  });
  // Short configured values are ignored: they would match ordinary words.
  await store.save(makeState('run-k', { title: 'short story' }));
});

test('findSecret finds keys in nested values and object keys, and ignores ordinary text', () => {
  assert.equal(findSecret({ a: ['fine', { b: 'x sk-ant-admin01-abcdefghijk y' }] })?.path, 'a[1].b');
  assert.equal(findSecret({ meta: { 'sk-ant-api03-abcdefghijkl': 1 } })?.path, 'meta (one of its field names)');
  assert.equal(findSecret({ text: 'ask-ant colonies; sk-ant- alone' }), null);
  assert.equal(findSecret('plain'), null);
});

test('the JSON text of a value says "may hold a secret" whenever the walks would find one', () => {
  const secrets = ['exa-key-1234567890abcd', 'quote"and\\slash-12345', 'clé-secrète-àèìòù-12'];
  const texts = [
    'plain text',
    'x sk-ant-api03-abcdefghijk y',
    'sk-ant- alone',
    'line\nsk-ant-abcdefgh',
    'tab\tsk-ant-\nabcdefgh',
    ...secrets.map((s) => `before ${s} after`),
    'quote"and\\slash-1234',
    'exa-key-1234567890abc',
    '\u0000 control \u001f and "quotes" \\ backslashes',
  ];
  const ascii = secrets.slice(0, 2);
  let hits = 0;
  for (const text of texts) {
    for (const value of [{ text }, { list: ['a', { [text]: 1 }] }, { nested: { deep: [text, 'other'] } }]) {
      const json = JSON.stringify(value);
      const found = (list: string[]) => findSecret(value, list) !== null || redactKeyShaped(value).redacted > 0;
      if (found(secrets)) assert.ok(jsonMayHoldSecret(json, secrets), `missed in ${json}`);
      // With printable ASCII secrets, the text answers exactly as the walks.
      assert.equal(jsonMayHoldSecret(json, ascii), found(ascii), json);
      if (found(ascii)) hits++;
    }
  }
  assert.equal(hits, 4 * 3);
  // Ordinary states need no walk; a secret of non-ASCII characters always gets one.
  assert.equal(jsonMayHoldSecret(JSON.stringify(makeState('run-f')), ['exa-key-1234567890abcd']), false);
  assert.equal(jsonMayHoldSecret(JSON.stringify(makeState('run-f')), ['clé-secrète-àèìòù-12']), true);
});

test('a state whose text only looks like a key is saved redacted, and the summary too', async () => {
  const root = await tempRoot();
  const log = recordingLog();
  const store = new FileStateStore(root, { secrets: noSecrets, log });
  await store.save(makeState('run-r', { title: 'about sk-ant-api03-abcdefghijkl' }));
  const text = await fs.readFile(store.statePath('run-r'), 'utf8');
  assert.ok(!text.includes('sk-ant-api03'));
  assert.match(text, /\[redacted: text shaped like an API key\]/);
  assert.ok(!(await store.list())[0].title.includes('sk-ant-api03'));
  assert.equal(log.warnings.length, 1);
});

test('an invalid state is refused before anything is written', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  const bad = { ...makeState('run-i'), step: 'nowhere' } as unknown as WorkflowState;
  await assert.rejects(store.save(bad), /Refusing to save an invalid analysis state for run "run-i": step/);
  await assert.rejects(fs.readdir(path.join(root, 'runs', 'run-i')), { code: 'ENOENT' });
});

test('a save serializes the state when asked: later changes do not leak into it, and a later invalid snapshot fails only its own save', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  const state = makeState('run-s', { title: 'As asked' });
  const first = store.save(state);
  state.title = 'Changed after the save was asked for';
  const bad = store.save({ ...makeState('run-s'), step: 'nowhere' } as unknown as WorkflowState);
  await first;
  await assert.rejects(bad, /Refusing to save an invalid analysis state for run "run-s": step/);
  assert.equal(JSON.parse(await fs.readFile(store.statePath('run-s'), 'utf8')).title, 'As asked');
  assert.equal((await store.load('run-s')).state.title, 'As asked');
});

test('the run log lives next to the state and appends in order', async () => {
  const root = await tempRoot();
  const store = new FileStateStore(root, { secrets: noSecrets });
  assert.equal(await store.readRunLog('run-l'), '');
  await Promise.all([store.appendRunLog('run-l', 'one\n'), store.appendRunLog('run-l', 'two\n'), store.appendRunLog('run-l', 'three\n')]);
  assert.equal(await store.readRunLog('run-l'), 'one\ntwo\nthree\n');
  assert.equal(store.runLogPath('run-l'), path.join(root, 'runs', 'run-l', 'run-log.md'));
  assert.equal(await fs.readFile(store.runLogPath('run-l'), 'utf8'), 'one\ntwo\nthree\n');
});

test('a run log write failure is a clear error', async () => {
  const store = new FileStateStore(await tempRoot(), {
    secrets: noSecrets,
    fs: { ...nodeFileSystem, appendFile: async () => Promise.reject(fsError('ENOSPC')) },
  });
  await assert.rejects(store.appendRunLog('run-l', 'x'), /Could not write the run log .*run-log\.md: the disk is full \(ENOSPC\)/);
});

test('defaultRunId is YYYYMMDD-HHMMSS-<slug> in UTC and a valid id', () => {
  const id = defaultRunId('Should we Enter the Italian Market? (2027)', new Date('2026-11-22T03:06:28.123Z'));
  assert.equal(id, '20261122-030628-should-we-enter-the-italian-market-2027');
  assert.match(defaultRunId('Perché è così?', new Date('2026-01-02T04:05:06Z')), /^20260102-040506-perche-e-cosi$/);
  assert.equal(defaultRunId('???', new Date('2026-01-02T04:05:06Z')), '20260102-040506-analysis');
  assert.match(defaultRunId('x'.repeat(300), new Date()), /^[a-z0-9-]+$/);
});
