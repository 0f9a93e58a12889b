/**
 * The plan of the final document's sections: the approved outline cut at its `##` headings,
 * each section matched to the template's section (its guidance, its words, whether it is the
 * summary that is written last) and given the citation-map entries of its own points.
 *
 * Owns: how an outline becomes sections and how map entries are assigned to them. Must not:
 * call models, change the state or decide whether a section's text is acceptable (gates.ts).
 */
import type { TemplateDef, TemplateSection } from './library';
import type { CitationEntry } from './state';

export interface PlannedSection {
  /** Position in the document, from 0. */
  index: number;
  /** The heading as the outline gives it (without `## `). */
  heading: string;
  /** The section's part of the outline, its heading line included. */
  outline: string;
  guidance: string;
  words: number;
  /** The template's summary section: written last, from the other sections' text. */
  summary: boolean;
  /** The citation-map entries whose point is one of this section's. */
  citations: CitationEntry[];
}

export interface SectionPlan {
  /** The outline's `#` title line, if it has one. */
  title: string | null;
  sections: PlannedSection[];
  /** Map entries whose point matches no section (every writer may use them). */
  unassigned: CitationEntry[];
}

/** Headings of a bibliography the application writes itself: never a section to write. */
const SOURCE_HEADINGS = /^(sources|fonti|references|bibliography|bibliografia|riferimenti)$/i;

/** Text of a point for matching: markers, bullets and punctuation at the ends removed. */
export function pointKey(text: string): string {
  return text
    .replace(/\[(?:Source|Fonte):[^\]]*\]|\[S\d+\]/gi, '')
    .replace(/^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+/, '')
    .replace(/\*\*|__/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'“”‘’.,;:]+|[\s"'“”‘’.,;:]+$/g, '');
}

function sameTitle(a: string, b: string): boolean {
  return pointKey(a) === pointKey(b);
}

interface RawSection {
  heading: string;
  lines: string[];
}

function splitOutline(outline: string): { title: string | null; sections: RawSection[] } {
  let title: string | null = null;
  const sections: RawSection[] = [];
  for (const line of outline.replace(/\r\n/g, '\n').split('\n')) {
    const h2 = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h2 && !line.startsWith('###')) {
      sections.push({ heading: h2[1].trim(), lines: [line] });
      continue;
    }
    const h1 = /^#\s+(.+?)\s*$/.exec(line);
    if (h1 && sections.length === 0 && title === null) {
      title = h1[1].trim();
      continue;
    }
    if (sections.length) sections[sections.length - 1].lines.push(line);
  }
  return { title, sections: sections.filter((s) => !SOURCE_HEADINGS.test(pointKey(s.heading))) };
}

/** The template section each outline section stands for: by title, else by position when the counts agree. */
function matchTemplate(raw: RawSection[], template: TemplateDef): Array<TemplateSection | undefined> {
  const used = new Set<number>();
  const out: Array<TemplateSection | undefined> = raw.map((r) => {
    const i = template.sections.findIndex((t, j) => !used.has(j) && sameTitle(t.title, r.heading));
    if (i < 0) return undefined;
    used.add(i);
    return template.sections[i];
  });
  if (raw.length === template.sections.length) {
    raw.forEach((_, i) => {
      if (!out[i] && !used.has(i)) {
        out[i] = template.sections[i];
        used.add(i);
      }
    });
  }
  return out;
}

/** The points of a section: its heading, subheadings and list items. */
function sectionPoints(r: RawSection): string[] {
  const points = [r.heading];
  for (const line of r.lines.slice(1)) {
    if (/^\s*(?:[-*+]|\d+[.)]|#{3,6})\s+/.test(line)) points.push(line);
  }
  return points.map(pointKey).filter(Boolean);
}

/**
 * Splits the approved outline into the sections to write. A section titled like a bibliography
 * is left out (the application writes the sources). Words come from the template's section;
 * sections the template does not know share what is left of its target.
 */
export function planSections(outline: string, template: TemplateDef, citationMap: CitationEntry[]): SectionPlan {
  const { title, sections: raw } = splitOutline(outline);
  const matched = matchTemplate(raw, template);
  const known = matched.reduce((n, t) => n + (t?.words ?? 0), 0);
  const unknownCount = matched.filter((t) => !t?.words).length;
  const share = unknownCount ? Math.max(150, Math.round((template.targetWords - known) / unknownCount)) : 0;
  const summaryAt = matched.findIndex((t) => t?.summary === true);
  const points = raw.map(sectionPoints);

  const assigned = raw.map(() => [] as CitationEntry[]);
  const unassigned: CitationEntry[] = [];
  for (const entry of citationMap) {
    const key = pointKey(entry.point);
    let at = points.findIndex((p) => p.includes(key));
    if (at < 0 && key.length >= 12) at = points.findIndex((p) => p.some((x) => x.length >= 12 && (x.includes(key) || key.includes(x))));
    if (at >= 0) assigned[at].push(entry);
    else unassigned.push(entry);
  }

  return {
    title,
    sections: raw.map((r, index) => ({
      index,
      heading: r.heading,
      outline: r.lines.join('\n').trim(),
      guidance: matched[index]?.guidance ?? '',
      words: matched[index]?.words ?? share,
      // One section on its own is simply the document: nothing to summarize.
      summary: raw.length > 1 && index === summaryAt,
      citations: assigned[index],
    })),
    unassigned,
  };
}

/**
 * The outline with an id before each point — `[P2]` before the second section's heading,
 * `[P2.3]` before its third point — so that an answer can name a point by its id instead of
 * copying its text back. `points` gives each id's text as the outline has it (bullet removed).
 */
export function numberedOutline(outline: string): { text: string; points: Map<string, string> } {
  const points = new Map<string, string>();
  let section = 0;
  let point = 0;
  const lines = outline.replace(/\r\n/g, '\n').split('\n').map((line) => {
    const h2 = /^##\s+(.+?)\s*$/.exec(line);
    if (h2 && !line.startsWith('###')) {
      section++;
      point = 0;
      points.set(`P${section}`, h2[1]);
      return `## [P${section}] ${h2[1]}`;
    }
    const item = /^(\s*(?:[-*+]|\d+[.)]|#{3,6})\s+)(.+)$/.exec(line);
    if (item && section > 0) {
      point++;
      const id = `P${section}.${point}`;
      points.set(id, item[2].replace(/\s*\[(?:Source|Fonte):[^\]]*\]|\s*\[S\d+(?:\.\d+)?\]/gi, '').trim());
      return `${item[1]}[${id}] ${item[2]}`;
    }
    return line;
  });
  return { text: lines.join('\n'), points };
}
