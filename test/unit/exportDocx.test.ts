/**
 * Export to Word: the .docx is unzipped and its parts read back (document, footnotes, their
 * relationships) to check headings, tables, one footnote per citation naming its source, and
 * hyperlinks to the sources' URLs; damaged documents export with warnings and a valid file.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
