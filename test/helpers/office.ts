/**
 * Reading Office files back in tests: the parts of a .docx (document, footnotes, their
 * relationships) and the slides of a .pptx (title placeholder, paragraphs, external links),
 * unzipped with jszip.
 */
import JSZip from 'jszip';

export function decode(xml: string): string {
  return xml
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Each `<w:p>` of a part: its style and its text. */
export function paragraphs(xml: string): Array<{ style?: string; text: string; xml: string }> {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(m[0])?.[1],
    text: decode(m[0].replace(/<w:tab\/>/g, '\t')),
    xml: m[0],
  }));
}

export async function readDocx(bytes: Uint8Array) {
  const zip = await JSZip.loadAsync(bytes);
  const part = async (name: string) => (await zip.file(name)?.async('string')) ?? '';
  return {
    document: await part('word/document.xml'),
    footnotes: await part('word/footnotes.xml'),
    documentRels: await part('word/_rels/document.xml.rels'),
    footnotesRels: await part('word/_rels/footnotes.xml.rels'),
    core: await part('docProps/core.xml'),
  };
}

/** Footnote id -> its text, without the separator notes. */
export function footnoteTexts(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<w:footnote\b([^>]*)>([\s\S]*?)<\/w:footnote>/g)) {
    if (/w:type=/.test(m[1])) continue;
    const id = /w:id="(-?\d+)"/.exec(m[1])?.[1];
    if (id) out.set(id, paragraphs(m[2]).map((p) => p.text).join('\n'));
  }
  return out;
}

export function externalTargets(rels: string): string[] {
  return [...rels.matchAll(/<Relationship\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((r) => /TargetMode="External"/.test(r))
    .map((r) => decode(/Target="([^"]+)"/.exec(r)![1]));
}

/** Citation numbers of a final document's body, in order, every occurrence. */
export function bodyCitations(markdown: string): number[] {
  const body = markdown.split(/^## (?:Sources|Fonti)$/m)[0].replace(/^---[\s\S]*?\n---\n/, '');
  return [...body.matchAll(/\[\[?(\d+)\]/g)].map((m) => Number(m[1]));
}

export interface SlideText {
  title: string;
  paragraphs: string[];
  links: string[];
}

/** The slides of a deck in order: the title placeholder's text, every paragraph, external link targets. */
export async function readSlides(bytes: Uint8Array): Promise<SlideText[]> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files)
    .filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
  const out: SlideText[] = [];
  for (const name of names) {
    const xml = await zip.file(name)!.async('string');
    const rels = (await zip.file(name.replace('slides/', 'slides/_rels/') + '.rels')?.async('string')) ?? '';
    const shapes = [...xml.matchAll(/<p:sp>[\s\S]*?<\/p:sp>/g)].map((m) => m[0]);
    const titleShape = shapes.find((s) => /<p:ph\b[^>]*type="title"/.test(s)) ?? '';
    const paras = (s: string) => [...s.matchAll(/<a:p>[\s\S]*?<\/a:p>/g)].map((m) => decode(m[0]).trim()).filter(Boolean);
    out.push({
      title: paras(titleShape).join(' '),
      paragraphs: shapes.filter((s) => s !== titleShape).flatMap(paras),
      links: [...rels.matchAll(/<Relationship\b[^>]*TargetMode="External"[^>]*>/g)].map((m) => decode(/Target="([^"]+)"/.exec(m[0])![1])),
    });
  }
  return out;
}

