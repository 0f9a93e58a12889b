import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentError } from '../../src/core/errors';
import { citationLabel, ParsedDocument, type Location } from '../../src/core/passages';
import { FileDocuments } from '../../src/documents/fileDocuments';
import {
  makeCorruptDocx,
  makeDocx,
  makeEncryptedPdf,
  makeImageOnlyPdf,
  makeLargeXlsx,
  makePdf,
  makePptx,
  makeXlsx,
} from '../helpers/documentFixtures';

async function problemOf(p: Promise<unknown>): Promise<DocumentError['problem']> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DocumentError, `a DocumentError, not ${String(err)}`);
    return err.problem;
  }
  assert.fail('expected the read to fail');
}

const labels = (doc: ParsedDocument) => doc.passages.map((p) => citationLabel(p.location));

describe('reading the person’s documents into located passages', () => {
  let root: string;
  let outside: string;
  let docs: FileDocuments;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sa-docs-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'sa-outside-'));
    docs = new FileDocuments({ roots: [root] });
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const put = (rel: string, data: Uint8Array | string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), data);
  };

  it('PDF: one passage per page with text, located by page; pages without text are noted', async () => {
    put('annual-report-2025.pdf', await makePdf([['Annual report 2025', 'Revenue grew 12% to EUR 4.1 billion.'], [], ['Outlook', 'Germany is our largest market for industrial sensors.']]));
    const doc = await docs.read('annual-report-2025.pdf');
    ParsedDocument.parse(doc);
    assert.equal(doc.format, 'pdf');
    assert.equal(doc.units, 3);
    assert.deepEqual(labels(doc), ['annual-report-2025.pdf, p. 1', 'annual-report-2025.pdf, p. 3']);
    assert.match(doc.passages[0].text, /Revenue grew 12% to EUR 4\.1 billion\./);
    assert.match(doc.passages[1].text, /Germany is our largest market/);
    assert.deepEqual(doc.passages.map((p) => p.n), [1, 2]);
    assert.match(doc.notes.join(' '), /1 of 3 pages have no text/);
    assert.match(doc.sha256, /^[0-9a-f]{64}$/);
  });

  it('PDF: 200 pages are read page by page', async () => {
    const pages = Array.from({ length: 200 }, (_, i) => [`Page ${i + 1} heading`, `The figure for page ${i + 1} is ${i * 7} units.`]);
    put('big.pdf', await makePdf(pages));
    const doc = await docs.read('big.pdf');
    assert.equal(doc.units, 200);
    assert.equal(doc.passages.length, 200);
    const p137 = doc.passages.find((p) => /page 137 is 952 units/.test(p.text))!;
    assert.deepEqual(p137.location, { kind: 'page', path: 'big.pdf', page: 137 });
  });

  it('PDF: encrypted, image-only and corrupt files get a message naming the file and what to do', async () => {
    put('secret.pdf', makeEncryptedPdf());
    put('scan.pdf', await makeImageOnlyPdf());
    put('broken.pdf', '%PDF-1.4\nthis is not really a pdf');
    const enc = await problemOf(docs.read('secret.pdf'));
    assert.equal(enc.code, 'encrypted');
    assert.match(enc.message, /^secret\.pdf is protected by a password: save an unprotected copy/);
    const scan = await problemOf(docs.read('scan.pdf'));
    assert.equal(scan.code, 'no-text');
    assert.match(scan.message, /^scan\.pdf has no text layer .*OCR/);
    const broken = await problemOf(docs.read('broken.pdf'));
    assert.equal(broken.code, 'corrupt');
    assert.match(broken.message, /^broken\.pdf is not a readable PDF/);
  });

  it('Word: paragraphs grouped under their heading path, numbered within the section', async () => {
    put(
      'memo.docx',
      await makeDocx(
        [
          { heading: 'Market', paragraphs: ['The German market for sensors is worth EUR 2 billion.'] },
          { heading: 'Germany', level: 2, paragraphs: ['Three distributors cover Bavaria.', 'Munich demand grows 8% a year.'] },
          { heading: 'Risks', paragraphs: ['Currency risk is low inside the euro area.'] },
        ],
        ['Prepared for the board.'],
      ),
    );
    const doc = await docs.read('memo.docx');
    ParsedDocument.parse(doc);
    assert.equal(doc.format, 'docx');
    const locs = doc.passages.map((p) => p.location as Extract<Location, { kind: 'section' }>);
    assert.deepEqual(
      locs.map((l) => [l.headings, l.paragraph, l.endParagraph]),
      [
        [[], 1, 1],
        [['Market'], 1, 1],
        [['Market', 'Germany'], 1, 2],
        [['Risks'], 1, 1],
      ],
    );
    assert.equal(citationLabel(doc.passages[2].location), 'memo.docx, § Market › Germany, ¶ 1–2');
    assert.match(doc.passages[2].text, /Three distributors cover Bavaria\.\n\nMunich demand grows 8% a year\./);
  });

  it('Word: a corrupt .docx and a zero-byte file are refused with what to do', async () => {
    put('corrupt.docx', makeCorruptDocx());
    put('empty.docx', new Uint8Array(0));
    const corrupt = await problemOf(docs.read('corrupt.docx'));
    assert.equal(corrupt.code, 'corrupt');
    assert.match(corrupt.message, /^corrupt\.docx is not a readable Word document .*save it again as \.docx/);
    const empty = await problemOf(docs.read('empty.docx'));
    assert.equal(empty.code, 'empty');
    assert.match(empty.message, /^empty\.docx is empty \(0 bytes\)/);
  });

  it('Excel: each sheet as Markdown tables with the header repeated, located by sheet and cell range', async () => {
    put(
      'model.xlsx',
      await makeXlsx([
        { name: 'Plan', rows: [['Year', 'Revenue', 'Margin'], [2025, 100, 0.2], [2026, 120, 0.22]], origin: [3, 2] },
        { name: 'Empty', rows: [] },
        { name: 'Notes', rows: [['Note'], ['Prices | incl. VAT']] },
      ]),
    );
    const doc = await docs.read('model.xlsx');
    ParsedDocument.parse(doc);
    assert.equal(doc.units, 3);
    assert.deepEqual(labels(doc), ['model.xlsx, Plan!B4:D5', 'model.xlsx, Notes!A2:A2']);
    assert.equal(doc.passages[0].text, '| Year | Revenue | Margin |\n| --- | --- | --- |\n| 2025 | 100 | 0.2 |\n| 2026 | 120 | 0.22 |');
    assert.match(doc.passages[1].text, /Prices \\\| incl\. VAT/);
    assert.match(doc.notes.join(' '), /Empty sheets not used: Empty/);
  });

  it('Excel: a workbook of 50,000 rows becomes bounded passages covering every row', async () => {
    put('sales.xlsx', await makeLargeXlsx(50_000));
    const doc = await docs.read('sales.xlsx');
    assert.equal(doc.passages.length, 1000);
    assert.ok(doc.passages.every((p) => p.text.startsWith('| Region | Product | Month | Units | Revenue EUR |')));
    assert.deepEqual(doc.passages[0].location, { kind: 'sheet', path: 'sales.xlsx', sheet: 'Sales', range: 'A2:E51' });
    assert.deepEqual(doc.passages.at(-1)!.location, { kind: 'sheet', path: 'sales.xlsx', sheet: 'Sales', range: 'A49952:E50001' });
    assert.ok(doc.passages.every((p) => p.tokens < 1200));
  });

  it('CSV: read as one sheet', async () => {
    put('prices.csv', 'Product,Price\n"Sensor, basic",120\nSensor pro,340\n');
    const doc = await docs.read('prices.csv');
    assert.deepEqual(labels(doc), ['prices.csv, prices!A2:B3']);
    assert.match(doc.passages[0].text, /\| Sensor, basic \| 120 \|/);
  });

  it('PowerPoint: one passage per slide with title, text and notes; image-only slides and decks', async () => {
    put(
      'deck.pptx',
      await makePptx([
        { title: 'Entry options', text: ['Option A: distributor', 'Option B: own sales office'], notes: 'Mention the 2024 pilot.' },
        { imageOnly: true },
        { title: 'Recommendation', text: ['Start with a distributor in Bavaria.'] },
      ]),
    );
    put('pictures.pptx', await makePptx([{ imageOnly: true }, { imageOnly: true }]));
    const doc = await docs.read('deck.pptx');
    ParsedDocument.parse(doc);
    assert.equal(doc.units, 3);
    assert.deepEqual(labels(doc), ['deck.pptx, slide 1', 'deck.pptx, slide 3']);
    assert.match(doc.passages[0].text, /^# Entry options\n\nOption A: distributor\nOption B: own sales office\n\nNotes: Mention the 2024 pilot\.$/);
    assert.match(doc.passages[1].text, /Start with a distributor in Bavaria/);
    assert.match(doc.notes.join(' '), /Slides without text, not used: 2/);
    const pictures = await problemOf(docs.read('pictures.pptx'));
    assert.equal(pictures.code, 'no-text');
    assert.match(pictures.message, /^pictures\.pptx has no text on any slide/);
  });

  it('Markdown, text and HTML: passages located by line range; HTML markup and scripts are not text', async () => {
    put('notes.md', '# Notes\n\nFirst paragraph.\n\n## Pricing\n\nSecond paragraph\ncontinues here.\n');
    put('page.html', '<html><head><script>alert("x")</script></head>\n<body>\n<h1>Title</h1>\n<p>Body &amp; more</p>\n</body></html>\n');
    const md = await docs.read('notes.md');
    assert.deepEqual(labels(md), ['notes.md, lines 1–3', 'notes.md, lines 5–8']);
    assert.equal(md.passages[1].text, '## Pricing\n\nSecond paragraph\ncontinues here.');
    const html = await docs.read('page.html');
    assert.doesNotMatch(html.passages.map((p) => p.text).join('\n'), /alert|<|script/);
    assert.match(html.passages[0].text, /Title\nBody & more/);
    assert.deepEqual(html.passages[0].location, { kind: 'lines', path: 'page.html', startLine: 3, endLine: 4 });
  });

  it('refuses a path outside the workspace, a missing file, a folder and an unsupported or older Office format', async () => {
    writeFileSync(path.join(outside, 'elsewhere.md'), 'text');
    symlinkSync(path.join(outside, 'elsewhere.md'), path.join(root, 'link-out.md'));
    assert.equal((await problemOf(docs.read(path.join(outside, 'elsewhere.md')))).code, 'outside');
    assert.equal((await problemOf(docs.read('../x.md'))).code, 'outside');
    const link = await problemOf(docs.read('link-out.md'));
    assert.equal(link.code, 'outside');
    assert.match(link.message, /^link-out\.md links to a file outside the workspace folder/);
    const gone = await problemOf(docs.read('vanished.pdf'));
    assert.equal(gone.code, 'missing');
    assert.match(gone.message, /^vanished\.pdf does not exist \(any more\)/);
    mkdirSync(path.join(root, 'folder.md'), { recursive: true });
    assert.equal((await problemOf(docs.read('folder.md'))).code, 'folder');
    put('old.doc', 'x');
    assert.match((await problemOf(docs.read('old.doc'))).message, /save it as \.docx/);
    put('photo.png', 'x');
    assert.equal((await problemOf(docs.read('photo.png'))).code, 'unsupported');
  });

  it('expands folders by type, skips hidden folders, and reports a symbolic-link loop', async () => {
    put('lib/a.pdf', await makePdf([['A']]));
    put('lib/sub/b.docx', await makeDocx([{ heading: 'B', paragraphs: ['b'] }]));
    put('lib/sub/c.md', '# C');
    put('lib/.hidden/d.md', '# D');
    put('lib/e.png', 'x');
    symlinkSync(path.join(root, 'lib'), path.join(root, 'lib', 'sub', 'loop'));
    const all = await docs.expand(['lib']);
    assert.deepEqual(all.files, ['lib/a.pdf', 'lib/sub/b.docx', 'lib/sub/c.md']);
    assert.equal(all.problems.length, 1);
    assert.equal(all.problems[0].code, 'loop');
    assert.match(all.problems[0].message, /^lib\/sub\/loop links back to a folder already taken/);
    const onlyPdfAndWord = await docs.expand(['lib'], ['pdf', 'word']);
    assert.deepEqual(onlyPdfAndWord.files, ['lib/a.pdf', 'lib/sub/b.docx']);
    const mixed = await docs.expand(['lib/sub/c.md', path.join(outside, 'elsewhere.md'), 'lib/e.png']);
    assert.deepEqual(mixed.files, ['lib/sub/c.md']);
    assert.deepEqual(mixed.problems.map((p) => p.code), ['outside', 'unsupported']);
  });

  it('a file that disappears between choosing and reading is reported; the fingerprint follows changes', async () => {
    put('moving.md', '# One\n\ntext');
    const files = (await docs.expand(['moving.md'])).files;
    const before = await docs.fingerprint('moving.md');
    rmSync(path.join(root, 'moving.md'));
    assert.equal((await problemOf(docs.read(files[0]))).code, 'missing');
    assert.equal(await docs.fingerprint('moving.md'), null);
    put('moving.md', '# Two\n\ntext');
    const now = await docs.fingerprint('moving.md');
    assert.ok(before && now && before !== now);
    assert.equal((await docs.read('moving.md')).sha256, now);
  });
});
