/**
 * Evidence precision of a final document, measured from the document as written: every quote
 * under Sources is looked up, independently of the checks that let it through, where its link
 * says it stands — in the workspace file from the line it names, or in the text of the web page
 * or result it names. Pure: no I/O (the files and texts are given).
 */
import path from 'node:path';
import { normalizeSpace } from '../src/core/evidence';
import type { WorkflowState } from '../src/core/state';

export interface EvidenceFigures {
  /** Quotes listed under Sources. */
  quotes: number;
  /** Of them, found verbatim (whitespace aside) where they say they stand. */
  verbatim: number;
  /** Inline citations `[n]` in the text. */
  marks: number;
  /** Citations the checks dropped (never shown). */
  dropped: number;
  /** Cited sources shown as unverified, and unverified sources shown as verified (must be 0). */
  unverifiedMarked: number;
  unverifiedShownVerified: number;
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\\(.)/g, '$1');
}

export function measureEvidence(doc: string, state: WorkflowState, files: Map<string, string>): EvidenceFigures {
  const folder = state.outputFolder;
  const section = doc.slice(Math.max(0, doc.lastIndexOf('\n## Sources\n')));
  const figures: EvidenceFigures = { quotes: 0, verbatim: 0, marks: [...doc.matchAll(/\[\[\d+\]\]\(#source-\d+(?:-\d+)?\)/g)].length, dropped: 0, unverifiedMarked: 0, unverifiedShownVerified: 0 };
  figures.dropped = state.fulltextEvidence?.dropped.length ?? 0;
  let url: string | undefined;
  for (const line of section.split('\n')) {
    const head = /^\d+\. <a id="source-\d+"><\/a>(.*)$/.exec(line);
    if (head) {
      url = /<(https?:\/\/[^>]+)>\s*$/.exec(head[1])?.[1];
      const source = state.sources.find((s) => (url && s.url === url) || head[1].includes(`**${s.title}**`));
      const unverified = source?.level === 'L1' && source.verification?.status !== 'verified';
      if (unverified && /\*\*unverified\*\*/.test(head[1])) figures.unverifiedMarked++;
      if (unverified && !/\*\*unverified\*\*/.test(head[1])) figures.unverifiedShownVerified++;
      continue;
    }
    const quote = /^ {3}- (?:<a id="source-\d+-\d+"><\/a>)?“(.*)” — (.*)$/.exec(line);
    if (!quote) continue;
    figures.quotes++;
    const text = normalizeSpace(unescape(quote[1]));
    const link = /\]\(([^)#]+)#L(\d+)\)$/.exec(quote[2]);
    if (link) {
      const file = path.posix.normalize(path.posix.join(folder, decodeURIComponent(link[1])));
      const lines = (files.get(file) ?? '').split('\n');
      if (normalizeSpace(lines.slice(Number(link[2]) - 1).join(' ')).startsWith(text)) figures.verbatim++;
      continue;
    }
    const pageUrl = /<(https?:\/\/[^>]+)>$/.exec(quote[2])?.[1] ?? url;
    const source = state.sources.find((s) => s.url === pageUrl);
    const page = state.pageLookups.find((p) => p.url === pageUrl)?.text ?? source?.excerpt ?? '';
    if (page && normalizeSpace(page).includes(text)) figures.verbatim++;
  }
  return figures;
}
