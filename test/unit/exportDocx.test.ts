/**
 * Export to Word: the .docx is unzipped and its parts read back (document, footnotes, their
 * relationships) to check headings, tables, one footnote per citation naming its source, and
 * hyperlinks to the sources' URLs; damaged documents export with warnings and a valid file.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evidenceLabels, insertCitationMarks, numberEvidence, renderSources } from '../../src/core/evidenceRender';
import type { Source } from '../../src/core/state';
import { exportDocx } from '../../src/lazy/docx';
import { bodyCitations, decode, externalTargets, footnoteTexts, paragraphs, readDocx } from '../helpers/office';

const FIXTURE = readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'export', 'analysis.md'), 'utf8');

describe('export to Word', () => {
  it('writes the title page, headings, a table, lists and a block quote', async () => {
    const result = await exportDocx(FIXTURE);
    assert.deepEqual(result.warnings, []);
    const docx = await readDocx(result.bytes);
    const paras = paragraphs(docx.document);
    assert.equal(paras.find((p) => p.style === 'Title')?.text, 'Should Verdello enter Germany?');
    assert.ok(paras.some((p) => p.text === 'Framework: Market entry'), 'the title page names the framework');
    assert.ok(paras.some((p) => p.text === 'Date: 2026-12-01'));
    assert.ok(paras.some((p) => p.text === 'Language: English'));
    assert.ok(paras.some((p) => /Demo mode: illustrative content/.test(p.text)), 'the title page carries the demo label');
    const headings = paras.filter((p) => p.style === 'Heading1').map((p) => p.text);
    assert.deepEqual(headings, ['Executive summary', 'Key findings', 'Risks', 'Next steps', 'Sources']);
    const table = /<w:tbl>[\s\S]*?<\/w:tbl>/.exec(docx.document)?.[0] ?? '';
    assert.equal((table.match(/<w:tr>|<w:tr /g) ?? []).length, 3, 'the table has a header row and two rows');
    assert.match(decode(table), /Scenario.*Customers.*Payback/s);
    assert.match(table, /<w:tblHeader\/>/);
    assert.ok(paras.some((p) => p.xml.includes('<w:numPr>') && p.text === 'Hire a German-speaking lead'), 'the numbered list keeps its numbering');
    assert.ok(paras.some((p) => p.style === 'AnalysisQuote' && /Demo mode\./.test(p.text)), 'the block quote is a quote paragraph');
    assert.ok(/<w:b\/>[\s\S]*?defer/.test(docx.document), 'bold text stays bold');
    assert.match(docx.core, /<dc:title>Should Verdello enter Germany\?<\/dc:title>/);
  });

  it('turns every citation into a footnote that names its source, with web sources as hyperlinks', async () => {
    const result = await exportDocx(FIXTURE);
    const docx = await readDocx(result.bytes);
    const refs = [...docx.document.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => m[1]);
    const cited = bodyCitations(FIXTURE);
    assert.equal(refs.length, cited.length, 'one footnote reference per citation in the text');
    const notes = footnoteTexts(docx.footnotes);
    const titles: Record<number, string> = { 1: 'Verdello board memo', 2: 'German bakery census', 3: 'BackOffice Pro annual report' };
    refs.forEach((id, i) => {
      const text = notes.get(id);
      assert.ok(text, `footnote ${id} exists`);
      assert.ok(text.includes(`[${cited[i]}] ${titles[cited[i]]}`), `footnote ${id} names source ${cited[i]}: ${text}`);
    });
    const first = [...notes.values()].find((t) => t.startsWith('[1]'))!;
    assert.match(first, /“1,400 paying customers in Italy” \(lines 3–4\)/, 'the quoted evidence is in the footnote');
    assert.match(first, /sample-workspace\/board-memo\.md — context document/);
    const third = [...notes.values()].find((t) => t.startsWith('[3]'))!;
    assert.match(third, /“about 9% of German bakeries” \(p\. 12\)/);
    const noteLinks = externalTargets(docx.footnotesRels);
    assert.ok(noteLinks.includes('https://example.com/a') && noteLinks.includes('https://example.com/b'), `footnote links: ${noteLinks.join(', ')}`);
    // Every hyperlink in the footnotes resolves to a relationship of the footnotes part.
    for (const m of docx.footnotes.matchAll(/<w:hyperlink [^>]*r:id="([^"]+)"/g)) {
      assert.ok(docx.footnotesRels.includes(`Id="${m[1]}"`), `footnote hyperlink ${m[1]} has a relationship`);
    }
    const bodyLinks = externalTargets(docx.documentRels);
    assert.ok(bodyLinks.includes('https://example.com/a'), 'the Sources list links the web sources');
  });

  it('gives each citation of the evidence format a footnote with its source and the quote that backs it', async () => {
    const FILE = 'Revenue grew by 12% in 2025.\nMargin is 81% <b>gross</b>.\n';
    const registry: Source[] = [
      {
        id: 'S1',
        level: 'L0',
        title: 'board-memo.md',
        documentRef: 'docs/board-memo.md',
        passages: [{ n: 1, text: FILE, location: { kind: 'lines', path: 'docs/board-memo.md', startLine: 1, endLine: 2 }, tokens: 20 }],
      },
      { id: 'S2', level: 'L2', title: 'Census [2025]', url: 'https://example.com/census', excerpt: 'About 9,000 bakeries remain.' },
      { id: 'S3', level: 'L1', title: 'From memory', analyst: 'market', verification: { status: 'unverified', reason: 'the page does not exist' } },
    ];
    const text = 'Revenue is up. The margin is high. Bakeries are many. Some say so.';
    const records = [
      { sourceId: 'S1', passage: 1, passageEnd: 1, citedText: 'Revenue grew by 12% in 2025.', span: { start: 0, end: 13 } },
      { sourceId: 'S1', passage: 1, passageEnd: 1, citedText: 'Margin is 81% <b>gross</b>.', span: { start: 15, end: 33 } },
      { sourceId: 'S2', passage: 1, passageEnd: 1, citedText: 'About 9,000 bakeries remain.', span: { start: 35, end: 52 } },
    ];
    const { cited, marks } = numberEvidence(registry, records, [{ at: 65, sourceId: 'S3' }]);
    const body = insertCitationMarks(text, marks);
    const state = { contextDocuments: [], pageLookups: [] };
    const sources = renderSources(state, cited, 'analyses/run', evidenceLabels('en'), '## Sources', new Map([['docs/board-memo.md', FILE]]));
    const markdown = `---\ntitle: Evidence\nlanguage: en\n---\n\n# Evidence\n\n${body}\n\n${sources}`;
    assert.match(markdown, /up\[\[1\]\]\(#source-1-1\)\. The margin is high\[\[1\]\]\(#source-1-2\)/);

    const result = await exportDocx(markdown);
    assert.deepEqual(result.warnings, []);
    const docx = await readDocx(result.bytes);
    const refs = [...docx.document.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => m[1]);
    const notes = footnoteTexts(docx.footnotes);
    const [revenue, margin, census, memory] = refs.map((id) => notes.get(id)!);
    assert.equal(refs.length, 4);
    // Each footnote: the source, whether it is verified, and the quote its citation links to, with its line.
    assert.match(revenue, /^\[1\] board-memo\.md — context document · verified\n“Revenue grew by 12% in 2025\.” \(board-memo\.md, line 1\)$/);
    assert.match(margin, /^\[1\] board-memo\.md — context document · verified\n“Margin is 81% <b>gross<\/b>\.” \(board-memo\.md, line 2\)$/, 'quoted text is shown as written');
    assert.match(census, /^\[2\] Census \[2025\]\. https:\/\/example\.com\/census — web search · verified\n“About 9,000 bakeries remain\.” \(https:\/\/example\.com\/census\)$/);
    assert.match(memory, /^\[3\] From memory — named by the market analyst · unverified: the page does not exist$/);
    assert.match(docx.footnotes, /<w:b\/>(?:(?!<\/w:r>)[\s\S])*unverified: the page does not exist/, 'the unverified mark is bold');
    assert.ok(externalTargets(docx.footnotesRels).includes('https://example.com/census'));
  });

  it('exports a damaged document with warnings that list what was skipped', async () => {
    const damaged = FIXTURE.replace('date: 2026-12-01', 'date: [2026-12-01')
      .replace('## Risks', '## Risks\n\n<div class="x">raw</div>\n\nA claim with a missing source [7] and ![chart](chart.png).\n')
      .replace('2. German bakery census', '2. ');
    const result = await exportDocx(damaged);
    const text = result.warnings.join('\n');
    assert.match(text, /frontmatter could not be read/);
    assert.match(text, /\[2\], \[7\] have no entry under Sources/);
    assert.match(text, /HTML block skipped/);
    assert.match(text, /image skipped/);
    const docx = await readDocx(result.bytes);
    const paras = paragraphs(docx.document);
    assert.equal(paras.find((p) => p.style === 'Title')?.text, 'Should Verdello enter Germany?', 'the title comes from the heading');
    assert.ok(paras.some((p) => p.text.includes('a missing source [7]')), 'an unknown citation stays as text');
    assert.ok(!docx.document.includes('raw</'), 'raw HTML is not copied');
    assert.ok(docx.footnotes.length > 0);
  });

  it('exports an empty or plain document without failing', async () => {
    for (const md of ['', 'Just one line.', '# Title only\n', '---\n---\n']) {
      const result = await exportDocx(md, 'Fallback');
      const docx = await readDocx(result.bytes);
      assert.ok(docx.document.includes('<w:body>'), `a document for ${JSON.stringify(md)}`);
    }
  });
});
