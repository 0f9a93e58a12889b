/**
 * Provenance in the final document: inline citations become numbers, and the Sources section
 * lists each cited source — or each cited passage, with where it stands ("annual-report.pdf,
 * p. 14", "deck.pptx, slide 3", "model.xlsx, Plan!A2:F51", "memo.docx, § Market, ¶ 2") — as a
 * link that opens the file: a relative link from the document's folder, with `#L12` for text
 * files so that VS Code opens them at the line; a PDF or an Office file opens in the editor VS
 * Code has for it.
 *
 * Owns: the numbering (in order of first appearance, one number per cited source or passage)
 * and the wording of the Sources entries. Must not: validate citations (checks.ts does).
 */
import path from 'node:path';
import { documentLabels, sourceLevelLabel } from './documentLabels';
import { citedRefs, CITATION_PATTERN } from './checks';
import { citationLabel, type Location } from './passages';
import { escapeInline, httpUrl } from './safeText';
import type { Source } from './state';


/** Text shown inside a markdown link: brackets and backslashes escaped, no line breaks. */
function linkText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\[\]*_`<>])/g, '\\$1');
}

/** A link target relative to the document's folder, percent-encoded, with the line for text files. */
export function fileLink(fromFolder: string, filePath: string, location?: Location): string {
  const rel = path.isAbsolute(filePath) ? filePath : path.posix.relative(fromFolder || '.', filePath);
  const target = rel.split('/').map(encodeURIComponent).join('/');
  const line = location?.kind === 'lines' ? `#L${location.startLine}` : '';
  return `${target}${line}`;
}

export interface NumberedCitations {
  body: string;
  sourcesSection: string;
  /** Distinct sources cited, in order of first citation. */
  cited: Source[];
  /** Distinct passages cited (`S3.14`), in order. */
  citedPassages: string[];
}

/**
 * Replaces `[S#]` and `[S#.n]` citations with numbers in order of first appearance (linked when
 * the source has an http(s) URL: the one rule of safeText.httpUrl) and returns the body and the
 * Sources section. Titles, dates and document names come from the web, the model or the person's
 * files and are written as literal text. `documentFolder` is the workspace-relative folder the
 * final document is written to.
 */
export function numberCitations(body: string, registry: Source[], language: string, documentFolder = ''): NumberedCitations {
  const levelLabel = (s: Source) => sourceLevelLabel(s.level, language, s.analyst);
  const byId = new Map(registry.map((s) => [s.id, s]));
  const order: string[] = [];
  for (const r of citedRefs(body)) {
    const key = r.n !== undefined ? `${r.id}.${r.n}` : r.id;
    if (!order.includes(key)) order.push(key);
  }
  const numbered = body.replace(CITATION_PATTERN, (_m, id: string, n?: string) => {
    const key = n ? `${id}.${n}` : id;
    const num = order.indexOf(key) + 1;
    const url = httpUrl(byId.get(id)!.url);
    return url ? `[[${num}]](${url})` : `[${num}]`;
  });
  const lines = order.map((key, i) => {
    const [id, n] = key.split('.');
    const s = byId.get(id)!;
    const passage = n ? (s.passages ?? []).find((p) => p.n === Number(n)) : undefined;
    const when = s.publishedDate ? ` (${escapeInline(s.publishedDate.slice(0, 10))})` : '';
    const url = httpUrl(s.url);
    const title = escapeInline(s.title);
    if (passage && passage.location.kind !== 'web') {
      return `${i + 1}. [${linkText(citationLabel(passage.location))}](${fileLink(documentFolder, passage.location.path, passage.location)}) — ${levelLabel(s)}`;
    }
    if (url) return `${i + 1}. ${title}${when} <${url}> — ${levelLabel(s)}`;
    if (s.level === 'L0' && s.documentRef && s.passages?.length) {
      return `${i + 1}. [${linkText(s.documentRef)}](${fileLink(documentFolder, s.documentRef)}) — ${levelLabel(s)}`;
    }
    const where = s.documentRef && s.documentRef !== s.title ? ` — ${escapeInline(s.documentRef)}` : '';
    return `${i + 1}. ${title}${when}${where} — ${levelLabel(s)}`;
  });
  const cited: Source[] = [];
  for (const key of order) {
    const s = byId.get(key.split('.')[0])!;
    if (!cited.includes(s)) cited.push(s);
  }
  const sourcesSection = lines.length ? `## ${documentLabels(language).sources}\n\n${lines.join('\n')}\n` : '';
  return { body: numbered, sourcesSection, cited, citedPassages: order.filter((k) => k.includes('.')) };
}
