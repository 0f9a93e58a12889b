import { test } from 'node:test';
import assert from 'node:assert/strict';
import { briefingSources, briefingToContextText, parseBriefing } from '../../src/core/briefing';

const FULL = `title: Entering the Italian market
date: 2026-11-01
summary: What we know so far about demand and channels.
questions:
  - Which channel first?
  - How price-sensitive are buyers?
sources:
  - title: Market report 2026
    url: https://example.org/report
    publisher: Example Institute
    date: 2026-10-12
    summary: Growth slowed to 2%.
    key_points:
      - Growth 2%
      - Prices up 4%
    excerpt: |
      Retail grew by 2.1% in 2026.
      Online grew faster.
  - title: Interview with a distributor
    notes: Margins are thin in the north.
notes: Prepared by the strategy team.
`;

test('a complete briefing parses into its fields', () => {
  const b = parseBriefing(FULL, 'research_briefing.yaml');
  assert.equal(b.title, 'Entering the Italian market');
  assert.equal(b.date, '2026-11-01');
  assert.deepEqual(b.questions, ['Which channel first?', 'How price-sensitive are buyers?']);
  assert.equal(b.sources.length, 2);
  assert.deepEqual(b.sources[0], {
    title: 'Market report 2026',
    url: 'https://example.org/report',
    publisher: 'Example Institute',
    date: '2026-10-12',
    summary: 'Growth slowed to 2%.',
    key_points: ['Growth 2%', 'Prices up 4%'],
    excerpt: 'Retail grew by 2.1% in 2026.\nOnline grew faster.',
  });
  assert.equal(b.sources[1].notes, 'Margins are thin in the north.');
  assert.equal(b.notes, 'Prepared by the strategy team.');
});

test('the parser forgives common variations: aliases, single values, numbers, empty fields, a bare list', () => {
  const b = parseBriefing(
    `questions: Only one question?
sources:
  - title: 2026
    link: http://example.org/a
    published: 2026
    highlights: One point
    url:
  - title: Second
    publisher:
notes:
  - first note
  - second note
unknown_field: ignored
`,
    'b.yaml',
  );
  assert.deepEqual(b.questions, ['Only one question?']);
  assert.equal(b.sources[0].title, '2026');
  assert.equal(b.sources[0].url, 'http://example.org/a');
  assert.equal(b.sources[0].date, '2026');
  assert.deepEqual(b.sources[0].key_points, ['One point']);
  assert.equal(b.sources[1].publisher, undefined);
  assert.equal(b.notes, 'first note\nsecond note');
  assert.ok(!('unknown_field' in b));

  const list = parseBriefing('- title: A\n- title: B\n  url: https://example.org/b\n', 'list.yaml');
  assert.deepEqual(
    list.sources.map((s) => s.title),
    ['A', 'B'],
  );
});

test('a briefing with only a summary is accepted; one with nothing to give is not', () => {
  assert.equal(parseBriefing('summary: Just context.\n', 'b.yaml').sources.length, 0);
  assert.throws(
    () => parseBriefing('title: Nothing else\n', 'b.yaml'),
    /b\.yaml is not a valid research briefing: the briefing has no sources, no summary and no notes/,
  );
});

test('YAML syntax errors name the file, the line and the column', () => {
  assert.throws(
    () => parseBriefing('title: A\nsources:\n  - title: B\n  url: [unclosed\n', 'research_briefing.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^research_briefing\.yaml is not valid YAML: .+ at line \d+, column \d+/);
      assert.match(err.message, /at line 4, column/);
      return true;
    },
  );
  assert.throws(
    () => parseBriefing('title: A\ntitle: B\nsummary: s\n', 'dup.yaml'),
    /^Error: dup\.yaml is not valid YAML: Map keys must be unique at line 2, column 1\.$/,
  );
});

test('schema errors name the field path and where it is in the file', () => {
  assert.throws(
    () => parseBriefing('sources:\n  - title: A\n  - url: https://example.org\n    publisher: P\n', 'b.yaml'),
    /^Error: b\.yaml is not a valid research briefing: sources\[1\]\.title is required \(line 3, column 5\)\.$/,
  );
  assert.throws(
    () => parseBriefing('sources:\n  - title: A\n    url: example.org/page\n', 'b.yaml'),
    /sources\[0\]\.url must be a full web address starting with http:\/\/ or https:\/\/ \(line 3, column 10\)/,
  );
  assert.throws(
    () => parseBriefing('sources:\n  - title: [x, y]\n', 'b.yaml'),
    /sources\[0\]\.title must be text, found a list \(line 2, column 12\)/,
  );
  assert.throws(() => parseBriefing('sources: 3\n', 'b.yaml'), /sources must be a list, found a number \(line 1, column 10\)/);
  assert.throws(() => parseBriefing('sources:\n  - title: "  "\n', 'b.yaml'), /sources\[0\]\.title must not be empty/);
});

test('an empty file or a single value is refused clearly', () => {
  assert.throws(() => parseBriefing('', 'e.yaml'), /^Error: e\.yaml is empty/);
  assert.throws(() => parseBriefing('# only a comment\n', 'e.yaml'), /^Error: e\.yaml is empty/);
  assert.throws(() => parseBriefing('just some text', 'e.yaml'), /^Error: e\.yaml is not a research briefing: expected fields/);
});

test('the context text renders every part of the briefing as markdown, labelling sources when ids are given', () => {
  const b = parseBriefing(FULL, 'research_briefing.yaml');
  const text = briefingToContextText(b, { sourceIds: ['S4', 'S5'] });
  const expected = [
    '# Research briefing: Entering the Italian market',
    '',
    'Date: 2026-11-01',
    '',
    '## Summary',
    '',
    'What we know so far about demand and channels.',
    '',
    '## Open questions',
    '',
    '- Which channel first?',
    '- How price-sensitive are buyers?',
    '',
    '## Sources',
    '',
    '### [S4] Market report 2026',
    '',
    '- Publisher: Example Institute',
    '- Date: 2026-10-12',
    '- URL: https://example.org/report',
    '',
    'Growth slowed to 2%.',
    '',
    'Key points:',
    '- Growth 2%',
    '- Prices up 4%',
    '',
    '> Retail grew by 2.1% in 2026.',
    '> Online grew faster.',
    '',
    '### [S5] Interview with a distributor',
    '',
    'Notes: Margins are thin in the north.',
    '',
    '## Notes',
    '',
    'Prepared by the strategy team.',
    '',
  ].join('\n');
  assert.equal(text, expected);
  assert.ok(briefingToContextText(b).includes('### 2. Interview with a distributor'));
});

test('briefingSources lists the sources in order with the best available excerpt', () => {
  const withThird = FULL.replace(
    'notes: Prepared by the strategy team.\n',
    '  - title: Only key points\n    key_points: [one, two]\nnotes: Prepared by the strategy team.\n',
  );
  const b = parseBriefing(withThird, 'research_briefing.yaml');
  assert.equal(b.sources.length, 3);
  assert.deepEqual(briefingSources(b), [
    {
      title: 'Market report 2026',
      url: 'https://example.org/report',
      publishedDate: '2026-10-12',
      excerpt: 'Retail grew by 2.1% in 2026.\nOnline grew faster.',
    },
    { title: 'Interview with a distributor', excerpt: 'Margins are thin in the north.' },
    { title: 'Only key points', excerpt: 'one; two' },
  ]);
});
