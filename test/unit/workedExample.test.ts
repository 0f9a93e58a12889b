/**
 * The worked example of demo mode, end to end: the bundled library, the demo model and search,
 * the sample workspace's own documents as context and web search allowed, in English and in
 * Italian. The final document is checked for its content, its sources (the workspace's
 * documents and the fictional web results, labelled as such) and its demo label; then it is
 * exported to Word and to slides, and the .docx is read back with mammoth, an independent
 * reader, whose text must hold every paragraph of the markdown.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mammoth from 'mammoth';
import { Orchestrator } from '../../src/core/orchestrator';
import { parseFrontmatter } from '../../src/core/modelAnswers';
import { parseSourceEntry } from '../../src/core/sourcesSection';
import { exportDocx } from '../../src/lazy/docx';
import { exportPptx } from '../../src/lazy/pptx';
import { bundledLibrary } from '../helpers/fakeRun';
import { harness, MemoryWorkspace, ScriptedReviewer } from '../helpers/core';
import { readSlides } from '../helpers/office';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SAMPLE = path.join(ROOT, 'sample-workspace');
const CONTEXT = ['documents/board-memo-2026.md', 'documents/german-market-notes.md', 'documents/customer-interviews.md'];

async function runWorkedExample(problem: string, settings?: { sectionWriting: boolean }) {
  const workspace = new MemoryWorkspace();
  for (const file of [...CONTEXT, 'research_briefing.yaml']) workspace.files.set(file, readFileSync(path.join(SAMPLE, file), 'utf8'));
  const reviewer = new ScriptedReviewer({
    sources: [{ kind: 'choose', contextFiles: CONTEXT, briefingFile: 'research_briefing.yaml', webSearch: true }],
  });
  const h = harness({ library: await bundledLibrary(), workspace, reviewer, ...(settings ? { settings } : {}) });
  const { state } = await new Orchestrator(h.deps).start(problem);
  assert.equal(state.status, 'done', JSON.stringify(state.errors));
  return { state, workspace, markdown: state.finalDocument!.markdown };
}

/** The plain text of each paragraph, list item, table cell and heading of the markdown body. */
function markdownTexts(markdown: string): string[] {
  const { body } = parseFrontmatter(markdown);
  return body
    .split(/^## Sources$/m)[0]
    .split('\n')
    .filter((l) => l.trim() && !/^\|?\s*-{3}/.test(l))
    .flatMap((l) => (l.trim().startsWith('|') ? l.split('|') : [l]))
    .map((l) =>
      l
        .replace(/^#+\s+|^\s*(?:[-*]|\d+\.)\s+|^>\s*/g, '')
        .replace(/\[\[(\d+)\]\]\([^)]*\)|\[(\d+)\]/g, '')
        .replace(/<([^>]+)>/g, '$1')
        .replace(/\*\*|__|\*|_/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((t) => t.length > 0);
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s+([.,;:)])/g, '$1').trim();
}

describe('the worked example of demo mode', () => {
  it('is a complete analysis of the sample problem, sourced from the sample workspace', async () => {
    const problem = readFileSync(path.join(SAMPLE, 'problem.md'), 'utf8');
    const { state, markdown, workspace } = await runWorkedExample(problem);
    assert.equal(state.title, 'Should Verdello enter the German market in 2027?');
    assert.equal(state.proposal!.synthesizer, 'market-entry');
    assert.equal(state.proposal!.template, 'executive-brief');
    assert.deepEqual(Object.keys(state.analysts).sort(), ['competition', 'customer', 'financial', 'market', 'regulatory']);
    // The analysts wrote real findings, and every analyst output is in the workspace.
    for (const run of Object.values(state.analysts)) {
      assert.equal(run.status, 'done');
      assert.ok(run.frontmatter!.key_findings.every((f) => f.length > 60 && !/illustrative|demo/i.test(f)), `${run.id}: ${run.frontmatter!.key_findings.join(' | ')}`);
    }
    assert.ok([...workspace.files.keys()].filter((f) => /analyst-/.test(f)).length === 5);
    const { data, body } = parseFrontmatter(markdown);
    assert.equal(data.demo, true);
    assert.match(body, /^> \*\*Demo mode\.\*\*/m, 'the demo banner is on the document');
    assert.match(body, /Verdello should \*\*not open a German sales office in 2027\*\*/);
    assert.match(body, /\| Three-year payback \| 1,250 \|/);
    // Sources: the workspace's documents as context documents, the web results labelled fictional.
    const sources = body.slice(body.indexOf('## Sources'));
    for (const file of ['board-memo-2026.md', 'german-market-notes.md', 'customer-interviews.md']) {
      const name = file.replace('.', '\\.');
      // A checked quote of the file, linked to its line.
      assert.match(sources, new RegExp(`^ {3}- <a id="source-\\d+-\\d+"></a>“.+” — \\[${name}, lines? \\d+(–\\d+)?\\]\\(\\.\\./\\.\\./documents/${name}#L\\d+\\)$`, 'm'), `a passage of ${file} is cited`);
    }
    const web = sources.split('\n').filter((l) => /— web search · verified — </.test(l));
    assert.ok(web.length >= 1, 'a web result is cited');
    assert.ok(web.every((l) => /\[Fictional demo result\]/.test(l) && /example\.com\/fictional\//.test(l)), web.join('\n'));
    assert.doesNotMatch(body, /\[@|\[S\d+\]/, 'every citation was resolved and numbered');
  });

  it('reads the same written section by section as written in one call: one numbering, one Sources list, the banner under the title', async () => {
    const problem = readFileSync(path.join(SAMPLE, 'problem.md'), 'utf8');
    const bySections = await runWorkedExample(problem);
    const oneCall = await runWorkedExample(problem, { sectionWriting: false });
    assert.ok(bySections.state.calls.filter((c) => c.step === 'fulltext').length > 1, 'written by several calls');
    assert.equal(oneCall.state.calls.filter((c) => c.step === 'fulltext').length, 1, 'written by one call');
    assert.equal(bySections.markdown, oneCall.markdown);
    const { body } = parseFrontmatter(bySections.markdown);
    assert.match(body.trimStart(), /^# Should Verdello enter the German market in 2027\?\n\n> \*\*Demo mode\.\*\*/);
  });

  it('has its Italian counterpart', async () => {
    const { state, markdown } = await runWorkedExample(
      'Verdello dovrebbe aprire un ufficio commerciale in Germania nel 2027, o investire in Italia e nei nuovi moduli?',
    );
    assert.equal(state.language, 'it');
    assert.equal(state.title, 'Verdello dovrebbe entrare nel mercato tedesco nel 2027?');
    const { body } = parseFrontmatter(markdown);
    assert.match(body, /^> \*\*Modalità demo\.\*\*/m);
    assert.match(body, /^## Fonti$/m);
    assert.match(body, /documento di contesto · verificata$/m);
    assert.match(body, /\[Risultato fittizio della demo\]/);
    assert.match(body, /non dovrebbe aprire un ufficio commerciale in Germania nel 2027/);
    for (const run of Object.values(state.analysts)) assert.ok(run.frontmatter!.key_findings.every((f) => !/\b(the|and)\b/.test(f)), `${run.id} is in Italian`);
  });

  it('exports to Word and slides; mammoth reads back every paragraph of the markdown', async (t) => {
    const { markdown } = await runWorkedExample(readFileSync(path.join(SAMPLE, 'problem.md'), 'utf8'));
    let started = performance.now();
    const docx = await exportDocx(markdown);
    const docxMs = performance.now() - started;
    assert.deepEqual(docx.warnings, []);
    const { value: text } = await mammoth.extractRawText({ buffer: Buffer.from(docx.bytes) });
    const read = squash(text);
    let from = 0;
    for (const expected of markdownTexts(markdown)) {
      const at = read.indexOf(squash(expected), from);
      assert.ok(at >= 0, `mammoth does not read "${expected}" (after position ${from})`);
      from = at;
    }
    // The Sources list: every entry's title, and the web sources' URLs.
    for (const line of markdown.slice(markdown.indexOf('## Sources')).split('\n').filter((l) => /^\d+\. /.test(l))) {
      const title = parseSourceEntry(line, 0)!.title;
      assert.ok(read.includes(title), `mammoth does not read the source "${title}"`);
      const url = /<(https:[^>]+)>/.exec(line)?.[1];
      if (url) assert.ok(read.includes(url), `mammoth does not read ${url}`);
    }
    const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(docx.bytes) });
    assert.match(html, /<table>/);
    assert.ok((html.match(/<sup><a href="#footnote-\d+" id="footnote-ref-\d+">/g) ?? []).length >= 15, 'footnote references');
    assert.match(html, /<a href="https:\/\/example\.com\/fictional\//);

    started = performance.now();
    const pptx = await exportPptx(markdown);
    const pptxMs = performance.now() - started;
    const slides = await readSlides(pptx.bytes);
    const titles = slides.map((s) => s.title);
    const sourcesSlides = titles.filter((t) => /^Sources( \(\d+\/\d+\))?$/.test(t));
    assert.ok(sourcesSlides.length >= 1 && titles.slice(-sourcesSlides.length).every((t) => t.startsWith('Sources')), titles.join(' | '));
    assert.deepEqual(
      titles.slice(0, -sourcesSlides.length),
      [
        'Should Verdello enter the German market in 2027?',
        'Executive summary',
        'The German market is large, regional and slowly shrinking',
        'An office pays back in three years only with about 1,250 customers',
        'The channel decides, not the price',
        'Verdello can build its German product with customers it already has',
        'German records and exports come first, whatever the entry mode',
        'Risks',
        'Next steps',
      ],
    );
    for (const finding of slides.slice(2, 7)) {
      const points = finding.paragraphs.filter((p) => !/^Demo mode/.test(p) && !/^\d+$/.test(p));
      assert.ok(points.length >= 2 && points.length <= 4, `${finding.title}: ${points.join(' | ')}`);
    }
    t.diagnostic(`demo .docx ${docx.bytes.length} bytes in ${docxMs.toFixed(0)} ms; .pptx ${pptx.bytes.length} bytes, ${pptx.slides} slides in ${pptxMs.toFixed(0)} ms`);
  });
});
