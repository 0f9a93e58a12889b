/**
 * Export to slides: the .pptx is unzipped and its slides read back (titles from the title
 * placeholders, body text, hyperlinks) to check the deck's shape: a title slide, the executive
 * summary, one slide per key finding with its points and source numbers, risks, next steps and
 * a sources slide linking the web sources.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exportPptx } from '../../src/lazy/pptx';
import { readSlides } from '../helpers/office';

const FIXTURE = readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'export', 'analysis.md'), 'utf8');

describe('export to slides', () => {
  it('writes a title slide, the summary, one slide per finding, risks, next steps and sources', async () => {
    const result = await exportPptx(FIXTURE);
    assert.deepEqual(result.warnings, []);
    const slides = await readSlides(result.bytes);
    assert.equal(slides.length, result.slides);
    assert.deepEqual(
      slides.map((s) => s.title),
      [
        'Should Verdello enter Germany?',
        'Executive summary',
        'German bakeries are many but consolidating',
        'A competitor holds 9% of the market',
        'Risks',
        'Next steps',
        'Sources',
      ],
    );
    assert.ok(slides.every((s) => s.paragraphs.some((p) => /Demo mode: illustrative content/.test(p))), 'every slide carries the demo label');
    assert.ok(slides[0].paragraphs.some((p) => p.includes('2026-12-01 · Market entry')));
    const finding = slides[2];
    assert.ok(finding.paragraphs.includes('About 10,000 independent bakeries remain [2]'), finding.paragraphs.join(' | '));
    assert.ok(finding.paragraphs.includes('Their number falls 3% a year [1]'));
    assert.ok(slides[1].paragraphs.some((p) => p === 'Verdello should defer the German office and test demand first [1]'), slides[1].paragraphs.join(' | '));
    assert.ok(slides[4].paragraphs.includes('Churn could be higher than in Italy [3]'));
    const sources = slides[slides.length - 1];
    const entries = sources.paragraphs.filter((p) => /^\d+\. /.test(p));
    assert.equal(entries.length, 3, sources.paragraphs.join(' | '));
    assert.match(entries[0], /^1\. Verdello board memo — sample-workspace\/board-memo\.md — context document$/);
    assert.deepEqual(sources.links.sort(), ['https://example.com/a', 'https://example.com/b']);
  });

  it('splits long source lists and exports documents without sections', async () => {
    const entries = Array.from({ length: 19 }, (_, i) => `${i + 1}. Source ${i + 1} <https://example.com/${i + 1}> — web search`).join('\n');
    const cited = Array.from({ length: 19 }, (_, i) => `Claim ${i + 1} holds [${i + 1}].`).join(' ');
    const result = await exportPptx(`# Plain\n\n${cited}\n\n## Sources\n\n${entries}\n`);
    const slides = await readSlides(result.bytes);
    assert.deepEqual(slides.slice(-2).map((s) => s.title), ['Sources (1/2)', 'Sources (2/2)']);
    assert.equal(slides.slice(-2).flatMap((s) => s.links).length, 19);
    const empty = await readSlides((await exportPptx('', 'Untitled')).bytes);
    assert.deepEqual(empty.map((s) => s.title), ['Untitled']);
  });

  it('uses the labels of the document language', async () => {
    const md = FIXTURE.replace('language: en', 'language: de').replace('## Risks', '## Risiken').replace('## Next steps', '## Nächste Schritte').replace('## Sources', '## Quellen');
    const slides = await readSlides((await exportPptx(md)).bytes);
    assert.ok(slides.some((s) => s.title === 'Quellen'));
    assert.ok(slides.some((s) => s.title === 'Risiken'));
    assert.ok(slides[0].paragraphs.some((p) => /Demo-Modus/.test(p)));
  });
});
