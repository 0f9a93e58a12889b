/**
 * Writes the key findings as a short deck (.pptx) with `pptxgenjs`.
 *
 * Owns: the slides — a title slide (title, date, framework, the demo label), the executive
 * summary, one slide per key finding (its message as the slide title, its supporting points
 * with their source numbers), risks, next steps and the sources (split over several slides
 * when long; web sources as hyperlinks) — on one plain master whose titles are real title
 * placeholders, in the theme's fonts. Must not: read markdown or decide what a finding is
 * (keyFindings.ts), or touch the file system.
 */
import PptxGenJS from 'pptxgenjs';
import type { SourceEntry } from '../core/sourcesSection';
import { deckContent, type Point } from './keyFindings';
import type { AnalysisDocument } from './model';

const MASTER = 'ANALYSIS';
const SOURCES_PER_SLIDE = 12;
/** 16:9, in inches. */
const W = 10;

function cites(numbers: number[]): string {
  return numbers.length ? ` [${numbers.join(', ')}]` : '';
}

function bullets(points: Point[]): PptxGenJS.TextProps[] {
  return points.map((p) => ({ text: `${p.text}${cites(p.cites)}`, options: { bullet: true, breakLine: true, paraSpaceAfter: 8 } }));
}

function sourceLine(s: SourceEntry): PptxGenJS.TextProps[] {
  const parts: PptxGenJS.TextProps[] = [
    { text: `${s.number}. `, options: {} },
    { text: s.title, options: s.link ? { bold: true, hyperlink: { url: s.link } } : { bold: true } },
  ];
  if (s.date) parts.push({ text: ` (${s.date})` });
  if (s.url) {
    parts.push({ text: ' — ' });
    parts.push({ text: s.url, options: { hyperlink: { url: s.url } } });
  } else if (s.reference && s.reference !== s.title && !s.link) parts.push({ text: ` — ${s.reference}` });
  if (s.levelText) parts.push({ text: ` — ${s.levelText}` });
  const last = parts[parts.length - 1];
  last.options = { ...last.options, breakLine: true };
  return parts;
}

/** The .pptx bytes of the deck and the number of slides. */
export async function writePptx(doc: AnalysisDocument): Promise<{ bytes: Uint8Array; slides: number }> {
  const deck = deckContent(doc);
  const { labels, meta } = doc;
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_16x9';
  pptx.title = meta.title;
  pptx.author = 'Strategic Analysis';
  if (meta.demo) pptx.subject = labels.demoLabel;
  pptx.defineSlideMaster({
    title: MASTER,
    background: { color: 'FFFFFF' },
    objects: [
      { placeholder: { options: { name: 'title', type: 'title', x: 0.5, y: 0.3, w: W - 1, h: 1.0, fontSize: 26, bold: true, valign: 'top' }, text: '' } },
      { placeholder: { options: { name: 'body', type: 'body', x: 0.5, y: 1.45, w: W - 1, h: 3.7, fontSize: 16, valign: 'top' }, text: '' } },
    ],
    slideNumber: { x: W - 0.9, y: 5.2, fontSize: 10, color: '808080' },
  });

  let count = 0;
  const slide = (title: string) => {
    const s = pptx.addSlide({ masterName: MASTER });
    s.addText(title, { placeholder: 'title' });
    // The title slide says it in its body; every other slide carries it at the foot.
    if (meta.demo && count > 0) s.addText(labels.demoLabel, { x: 0.5, y: 5.2, w: W - 2, h: 0.3, fontSize: 10, color: 'C00000' });
    count++;
    return s;
  };
  const withBody = (title: string, body: PptxGenJS.TextProps[]) => {
    const s = slide(title);
    if (body.length) s.addText(body, { placeholder: 'body', fit: 'shrink' });
    return s;
  };

  // Title slide: the title in the title placeholder, the facts under it.
  const facts = [meta.date, meta.framework].filter(Boolean).join(' · ');
  const first = slide(meta.title);
  first.addText(
    [
      ...(facts ? [{ text: facts, options: { breakLine: true, fontSize: 18 } }] : []),
      ...(meta.demo ? [{ text: labels.demoLabel, options: { bold: true, color: 'C00000', fontSize: 16 } }] : []),
    ],
    { placeholder: 'body' },
  );

  if (deck.summary.length) withBody(labels.executiveSummary, bullets(deck.summary));
  for (const f of deck.findings) withBody(`${f.message}${cites(f.cites)}`, bullets(f.points));
  if (deck.risks.length) withBody(labels.risks, bullets(deck.risks));
  if (deck.nextSteps.length) withBody(labels.nextSteps, bullets(deck.nextSteps));
  const pages = Math.ceil(deck.sources.length / SOURCES_PER_SLIDE);
  for (let p = 0; p < pages; p++) {
    const title = pages > 1 ? `${labels.sources} (${p + 1}/${pages})` : labels.sources;
    const s = slide(title);
    const lines = deck.sources.slice(p * SOURCES_PER_SLIDE, (p + 1) * SOURCES_PER_SLIDE).flatMap(sourceLine);
    s.addText(lines, { x: 0.5, y: 1.45, w: W - 1, h: 3.7, fontSize: 11, valign: 'top', fit: 'shrink', paraSpaceAfter: 6 });
  }

  const out = (await pptx.write({ outputType: 'nodebuffer' })) as Buffer;
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), slides: count };
}
