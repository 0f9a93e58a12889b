/**
 * Ingestion of the person's documents: a mixed set of at least 20 MB (PDF, Word, Excel, CSV,
 * PowerPoint, Markdown, text, HTML), generated here, read and split into passages by the shipped
 * reader (dist/lazy/documents.js and the format chunks it loads), then the context budget
 * planned over the whole corpus, which is far larger than the budget.
 *
 * Figures: `ingestMsPerMB` (reading and splitting time per MB of input, the first read of each
 * format included, which loads its reader), `contextTokensAvailable` and `contextTokensSelected`
 * (the shared context chosen by BM25 relevance for the benchmark's problem, within the default
 * budget), and the size of every lazy chunk.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextBudgetFor, planContext } from '../src/core/contextBudget';
import type { ParsedDocument } from '../src/core/passages';
import type { Documents } from '../src/core/ports';
import { DEFAULT_MODEL, DEFAULT_SETTINGS } from '../src/core/settings';
import { makeDocx, makeLargeXlsx, makePdf, makePptx } from '../test/helpers/documentFixtures';
import { REPO_ROOT } from '../test/helpers/fakeRun';
import { now, PROBLEM } from './setup';

const MB = 1024 * 1024;
export const INGEST_MIN_BYTES = 20 * MB;

const WORDS = 'market sensors growth distributor margin pricing demand Germany Bavaria regulation tariff customer competitor supply plant capacity forecast revenue cost risk'.split(' ');

/** Deterministic prose: `n` sentences of varied words. */
function prose(n: number, salt: number): string[] {
  const out: string[] = [];
  let x = salt * 7919 + 17;
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    for (let w = 0; w < 14; w++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      words.push(WORDS[x % WORDS.length]);
    }
    out.push(`${words.join(' ')} ${i + salt}.`);
  }
  return out;
}

async function writeCorpus(dir: string): Promise<void> {
  const put = (name: string, data: Uint8Array | string) => writeFileSync(path.join(dir, name), data);
  for (let f = 0; f < 3; f++) {
    const pages = Array.from({ length: 250 }, (_, p) => prose(40, f * 1000 + p).map((s) => s.slice(0, 95)));
    put(`report-${f + 1}.pdf`, await makePdf(pages));
  }
  for (let f = 0; f < 2; f++) {
    const sections = Array.from({ length: 120 }, (_, s) => ({ heading: `Section ${s + 1}`, level: (s % 3 === 0 ? 1 : 2) as 1 | 2, paragraphs: prose(25, f * 500 + s) }));
    put(`memo-${f + 1}.docx`, await makeDocx(sections));
  }
  put('sales.xlsx', await makeLargeXlsx(50_000));
  put('deck.pptx', await makePptx(Array.from({ length: 150 }, (_, i) => ({ title: `Slide ${i + 1}`, text: prose(6, i), notes: prose(2, i + 9).join(' ') }))));
  const csvRows = ['region,product,month,units,revenue'];
  for (let i = 0; i < 120_000; i++) csvRows.push(`Region ${i % 17},Sensor ${i % 23},2025-${String((i % 12) + 1).padStart(2, '0')},${i % 1000},${(i * 37) % 100000}`);
  put('orders.csv', csvRows.join('\n'));
  put('interviews.md', Array.from({ length: 1500 }, (_, i) => `## Interview ${i + 1}\n\n${prose(12, i).join(' ')}\n`).join('\n'));
  put('notes.txt', Array.from({ length: 2500 }, (_, i) => prose(8, i + 77).join(' ')).join('\n\n'));
  put('press.html', `<html><body>${Array.from({ length: 2500 }, (_, i) => `<h2>Item ${i}</h2>\n<p>${prose(6, i + 5).join(' ')}</p>`).join('\n')}</body></html>`);
  // Top up with text until the set is large enough.
  let total = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  for (let k = 0; total < INGEST_MIN_BYTES; k++) {
    const text = Array.from({ length: 4000 }, (_, i) => prose(6, k * 4000 + i).join(' ')).join('\n\n');
    put(`more-${k + 1}.md`, text);
    total += Buffer.byteLength(text);
  }
}

export interface IngestResult {
  files: number;
  bytes: number;
  readMs: number;
  ingestMsPerMB: number;
  passages: number;
  byFormat: Record<string, { files: number; bytes: number; ms: number; passages: number }>;
  contextBudgetTokens: number;
  contextTokensAvailable: number;
  contextTokensSelected: number;
  contextPlanMs: number;
  lazyChunkBytes: Record<string, number>;
}

export async function measureIngest(): Promise<IngestResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sa-bench-ingest-'));
  try {
    mkdirSync(dir, { recursive: true });
    await writeCorpus(dir);
    // The shipped reader: the production chunk, which loads each format's chunk on first use.
    const { FileDocuments } = (await import(path.join(REPO_ROOT, 'dist', 'lazy', 'documents.js'))) as { FileDocuments: new (o: { roots: string[] }) => Documents };
    const documents = new FileDocuments({ roots: [dir] });
    const { files } = await documents.expand(['.']);
    const docs: ParsedDocument[] = [];
    const byFormat: IngestResult['byFormat'] = {};
    let bytes = 0;
    const started = now();
    for (const file of files) {
      const t0 = now();
      const doc = await documents.read(file);
      const ms = now() - t0;
      docs.push(doc);
      bytes += doc.bytes;
      const f = (byFormat[doc.format] ??= { files: 0, bytes: 0, ms: 0, passages: 0 });
      f.files++;
      f.bytes += doc.bytes;
      f.ms += ms;
      f.passages += doc.passages.length;
    }
    const readMs = now() - started;
    const budget = contextBudgetFor(DEFAULT_MODEL, DEFAULT_SETTINGS.contextMaxTokens);
    const t1 = now();
    const { plan } = await planContext(
      docs.map((d, i) => ({ sourceId: `S${i + 1}`, passages: d.passages })),
      budget,
      PROBLEM,
    );
    const contextPlanMs = now() - t1;
    const lazyDir = path.join(REPO_ROOT, 'dist', 'lazy');
    const lazyChunkBytes = Object.fromEntries(
      readdirSync(lazyDir)
        .filter((f) => f.endsWith('.js'))
        .map((f) => [f.replace(/\.js$/, ''), statSync(path.join(lazyDir, f)).size]),
    );
    for (const f of Object.values(byFormat)) f.ms = Math.round(f.ms);
    return {
      files: files.length,
      bytes,
      readMs: Math.round(readMs),
      ingestMsPerMB: Math.round((readMs / (bytes / MB)) * 10) / 10,
      passages: docs.reduce((n, d) => n + d.passages.length, 0),
      byFormat,
      contextBudgetTokens: budget,
      contextTokensAvailable: plan.availableTokens,
      contextTokensSelected: plan.selectedTokens,
      contextPlanMs: Math.round(contextPlanMs),
      lazyChunkBytes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
