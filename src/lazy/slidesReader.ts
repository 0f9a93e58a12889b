/**
 * PowerPoint reader (loaded on first use): one passage per slide — its title, its text (shapes,
 * groups and tables in document order) and its speaker notes — located by slide number, in the
 * order of the presentation. The package is opened with JSZip and its XML read with
 * fast-xml-parser (no external entities are resolved). Slides without text (images only) are
 * noted; a deck with no text at all is reported.
 */
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { makePassage, type Passage } from '../core/passages';
import { readerError, throwIfAborted, type ReadFormat } from '../documents/reader';

type Node = Record<string, unknown>;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, trimValues: false });

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function childrenOf(node: Node): Node[] {
  const tag = tagOf(node);
  const value = tag ? node[tag] : undefined;
  return Array.isArray(value) ? (value as Node[]) : [];
}

function attrs(node: Node): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {};
}

function find(nodes: Node[], tag: string): Node | undefined {
  for (const n of nodes) {
    if (tagOf(n) === tag) return n;
    const inner = find(childrenOf(n), tag);
    if (inner) return inner;
  }
  return undefined;
}

/** Text of a txBody: one line per paragraph (a:p), runs joined, line breaks kept. */
function paragraphsText(body: Node): string[] {
  const lines: string[] = [];
  const walk = (nodes: Node[], into: string[]) => {
    for (const n of nodes) {
      const tag = tagOf(n);
      if (tag === '#text') into.push(String(n['#text']));
      else if (tag === 'a:br') into.push('\n');
      else walk(childrenOf(n), into);
    }
  };
  for (const p of childrenOf(body).filter((n) => tagOf(n) === 'a:p')) {
    const parts: string[] = [];
    walk(childrenOf(p).filter((n) => tagOf(n) !== 'a:pPr' && tagOf(n) !== 'a:endParaRPr'), parts);
    const text = parts.join('').replace(/[ \t]+/g, ' ').trim();
    if (text) lines.push(text);
  }
  return lines;
}

interface SlideText {
  title: string[];
  body: string[];
}

/** Walks a shape tree: text shapes, groups and table frames, in order. */
function shapesText(nodes: Node[], out: SlideText, skipPlaceholders: string[] = []): void {
  for (const n of nodes) {
    const tag = tagOf(n);
    if (tag === 'p:sp') {
      const ph = find(childrenOf(n), 'p:ph');
      const type = ph ? attrs(ph).type ?? 'body' : '';
      if (skipPlaceholders.includes(type)) continue;
      const body = find(childrenOf(n), 'p:txBody');
      if (!body) continue;
      const lines = paragraphsText(body);
      if (type === 'title' || type === 'ctrTitle') out.title.push(...lines);
      else out.body.push(...lines);
    } else if (tag === 'p:graphicFrame') {
      const table = find(childrenOf(n), 'a:tbl');
      if (!table) continue;
      for (const row of childrenOf(table).filter((r) => tagOf(r) === 'a:tr')) {
        const cells = childrenOf(row)
          .filter((c) => tagOf(c) === 'a:tc')
          .map((c) => {
            const body = find(childrenOf(c), 'a:txBody');
            return body ? paragraphsText(body).join(' ') : '';
          });
        if (cells.some((c) => c)) out.body.push(cells.join(' | '));
      }
    } else if (tag === 'p:grpSp' || tag === 'p:spTree' || tag === 'p:cSld' || tag === 'p:sld' || tag === 'p:notes') {
      shapesText(childrenOf(n), out, skipPlaceholders);
    }
  }
}

function relationships(xml: string | undefined): Map<string, { target: string; type: string }> {
  const map = new Map<string, { target: string; type: string }>();
  if (!xml) return map;
  const rels = find(parser.parse(xml) as Node[], 'Relationships');
  for (const r of rels ? childrenOf(rels) : []) {
    const a = attrs(r);
    if (a.Id && a.Target) map.set(a.Id, { target: a.Target, type: a.Type ?? '' });
  }
  return map;
}

function resolve(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

export const readPptx: ReadFormat = async (bytes, path, options = {}) => {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    throw readerError('corrupt', `is not a readable PowerPoint file (${(err as Error)?.message ?? 'not a zip package'}): open it in PowerPoint to check it, or save it again as .pptx.`);
  }
  const read = (name: string) => zip.file(name)?.async('string');
  const presentation = await read('ppt/presentation.xml');
  if (!presentation) {
    if (zip.file('EncryptedPackage')) throw readerError('encrypted', 'is protected by a password: save an unprotected copy and choose that one.');
    throw readerError('corrupt', 'is not a PowerPoint presentation (ppt/presentation.xml is missing): save it again as .pptx.');
  }
  const rels = relationships(await read('ppt/_rels/presentation.xml.rels'));
  const list = find(parser.parse(presentation) as Node[], 'p:sldIdLst');
  const slidePaths = (list ? childrenOf(list) : [])
    .map((n) => rels.get(attrs(n)['r:id'] ?? '')?.target)
    .filter((t): t is string => !!t)
    .map((t) => resolve('ppt/presentation.xml', t));

  const passages: Passage[] = [];
  const empty: number[] = [];
  for (let i = 0; i < slidePaths.length; i++) {
    throwIfAborted(options.signal);
    const slidePath = slidePaths[i];
    const xml = await read(slidePath);
    if (!xml) continue;
    const text: SlideText = { title: [], body: [] };
    shapesText(parser.parse(xml) as Node[], text);
    const slideRels = relationships(await read(resolve(slidePath, `_rels/${slidePath.split('/').pop()}.rels`)));
    const notesRel = [...slideRels.values()].find((r) => r.type.endsWith('/notesSlide'));
    const notes: SlideText = { title: [], body: [] };
    if (notesRel) {
      const notesXml = await read(resolve(slidePath, notesRel.target));
      if (notesXml) shapesText(parser.parse(notesXml) as Node[], notes, ['sldImg', 'sldNum', 'hdr', 'ftr', 'dt']);
    }
    const parts = [
      text.title.length ? `# ${text.title.join(' ')}` : '',
      text.body.join('\n'),
      notes.body.length ? `Notes: ${notes.body.join('\n')}` : '',
    ].filter(Boolean);
    if (parts.length === 0) {
      empty.push(i + 1);
      continue;
    }
    passages.push(makePassage(passages.length + 1, parts.join('\n\n'), { kind: 'slide', path, slide: i + 1 }));
  }
  if (passages.length === 0) {
    throw readerError('no-text', slidePaths.length ? 'has no text on any slide (only images?): no text can be taken from it; add the content as text or in another document.' : 'has no slides.');
  }
  const notes = empty.length ? [`Slides without text, not used: ${empty.join(', ')}.`] : [];
  return { passages, units: slidePaths.length, notes };
};
