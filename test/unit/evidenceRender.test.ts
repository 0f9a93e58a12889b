/**
 * The evidence in the documents is data: titles, quotes, reasons and file names from the web, the
 * model or the person's files go through the rules of safeText.ts in the Sources section (no tag,
 * no link or image of their own; only http(s) addresses become links), and the `#Lnn` link to a
 * file stays one link whatever the file is called. The exports read the entries back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceLabels, renderNamedSources, renderSources, type CitedSource } from '../../src/core/evidenceRender';
import { parseSourceEntry } from '../../src/core/sourcesSection';
import type { Source } from '../../src/core/state';

const FILE = 'docs/a](javascript:alert(1)) <b>.md';
const QUOTE = 'Sales grew <img src=x onerror=alert(1)> by [12%](javascript:alert(2)) & more';

const sources: Source[] = [
  {
    id: 'S1',
    level: 'L0',
    title: FILE,
    documentRef: FILE,
    passages: [{ n: 1, text: `Intro.\n${QUOTE}.`, location: { kind: 'lines', path: FILE, startLine: 3, endLine: 4 }, tokens: 20 }],
  },
  { id: 'S2', level: 'L2', title: '<script>x</script> Report](http://evil.example)', url: 'javascript:alert(3)', excerpt: 'The market grew.' },
  {
    id: 'S3',
    level: 'L1',
    title: 'Memory ![pixel](http://127.0.0.1:9/p.png)',
    url: 'https://ok.example/a b',
    analyst: 'market',
    verification: { status: 'unverified', reason: 'the page does not exist (<i>404</i>)' },
  },
];

const cited: CitedSource[] = [
  { n: 1, source: sources[0], verified: true, quotes: [{ text: QUOTE, passage: 1, passageEnd: 1 }] },
  { n: 2, source: sources[1], verified: true, quotes: [{ text: 'The market grew.', passage: 1, passageEnd: 1 }] },
  { n: 3, source: sources[2], verified: false, quotes: [] },
];

describe('the evidence in the documents, from hostile sources', () => {
  const state = { contextDocuments: [], pageLookups: [] };
  const section = renderSources(state, cited, 'analyses/run', evidenceLabels('en'), '## Sources', new Map([[FILE, `# T\n\nIntro.\n${QUOTE}.\n`]]));

  it('writes no tag, image or link of their own; only http(s) addresses become links', () => {
    assert.doesNotMatch(section, /<(img|script|b|i)\b/i, section);
    // No `](` that is not escaped, other than our own links to the files.
    assert.doesNotMatch(section, /(?<!\\)\]\((?!\.\.\/)/, `a link or image other than ours: ${section}`);
    assert.doesNotMatch(section, /<javascript:/);
    assert.match(section, /<https:\/\/ok\.example\/a%20b>/);
    // A source whose address is not a web address is shown without it.
    assert.match(section, /Report\\\]\(http:\/\/evil\.example\)\*\* — web search · verified$/m);
    assert.doesNotMatch(section, /javascript:alert\(3\)/);
  });

  it('keeps the link to the file at its line one link, its label escaped and its target encoded', () => {
    const quoteLine = section.split('\n').find((l) => l.includes('Sales grew'))!;
    const link = /— \[((?:\\.|[^\]\\])*)\]\(([^\s)]+)\)$/.exec(quoteLine);
    assert.ok(link, quoteLine);
    assert.match(link[2], /^\.\.\/\.\.\/docs\/a%5D%28javascript%3Aalert%281%29%29%20%3Cb%3E\.md#L4$/);
    assert.doesNotMatch(link[1], /(?<!\\)[[\]]/, 'an unescaped bracket in the label');
  });

  it('is read back by the exports as the same title, quote and location', () => {
    const entries = section.replace(/^## Sources\n\n/, '').split(/\n(?=\d+\. )/).map((raw, i) => parseSourceEntry(raw, i + 1)!);
    assert.equal(entries[0].passages[0].text, QUOTE);
    assert.equal(entries[0].passages[0].location, 'a](javascript:alert(1)) <b>.md, line 4');
    assert.equal(entries[1].title, '<script>x</script> Report](http://evil.example)');
    assert.equal(entries[1].url, undefined);
    assert.equal(entries[2].url, 'https://ok.example/a%20b');
  });

  it('writes the sources an analyst named the same way', () => {
    const named = renderNamedSources(
      [{ title: '<img src=x>', url: 'data:text/html,<b>x</b>' }],
      [{ verification: { status: 'unverified', reason: 'no quote', quote: 'a [link](javascript:x)' } }],
      evidenceLabels('en'),
    );
    assert.doesNotMatch(named, /<img|<b>|(?<!\\)\]\(/, named);
  });
});
