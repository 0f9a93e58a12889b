/**
 * Reads frontmatter that strict YAML refuses the way Claude Code accepts it, for the files in
 * Claude Code's layouts (`.claude/agents`, `.claude/skills`).
 *
 * Owns: splitting such frontmatter into top-level entries and reading each one. Many public
 * agents carry an unquoted `description` with `<example>` blocks and "Context:", "user:" and
 * "assistant:" lines, on one line with literal `\n` or over several unindented lines. Here a
 * line at column 0 shaped like `key:` starts a new entry unless it is inside an open `<tag>`
 * block of the value before; each entry is parsed as YAML on its own, and a text value that
 * YAML still refuses is taken as the text written (literal `\n` becoming line breaks). Values
 * that must be lists or mappings (`keywords`, `required_fields`, ...) get no such fallback: their
 * YAML errors are reported, in one line. Must not: know which keys a definition needs (see
 * schemas.ts).
 */
import { parseDocument } from 'yaml';
import { DefinitionError, yamlDefinitionError } from './definitionError';

/** Keys whose values are lists or mappings: a YAML error in them is an error, not text. */
const STRUCTURED_KEYS = new Set(['keywords', 'default_analysts', 'templates', 'required_fields', 'sections', 'target_words']);

interface Entry {
  key: string;
  /** 0-based index of the entry's first line among the frontmatter lines. */
  index: number;
  lines: string[];
}

const KEY_LINE = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)/;

function splitEntries(yamlLines: string[]): Entry[] {
  const entries: Entry[] = [];
  let current: Entry | undefined;
  let openTags = 0;
  for (let i = 0; i < yamlLines.length; i++) {
    const line = yamlLines[i];
    const key = KEY_LINE.exec(line);
    if (key && openTags <= 0) {
      current = { key: key[1], index: i, lines: [line] };
      entries.push(current);
      openTags = 0;
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() && !line.trimStart().startsWith('#')) {
      throw new DefinitionError(`Invalid YAML in the frontmatter at line ${i + 2}, column 1: a line before the first key; start it with "key:" or remove it.`, i + 2);
    }
    openTags += tagBalance(line);
  }
  return entries;
}

/** Opened minus closed `<tag>` blocks on a line (`<example>`, `<commentary>`, ...). */
function tagBalance(line: string): number {
  const opened = (line.match(/<[a-z][\w-]*>/gi) ?? []).length;
  const closed = (line.match(/<\/[a-z][\w-]*>/gi) ?? []).length;
  return opened - closed;
}

/** The entry's value as text: what follows the key, then the lines below it, dedented. */
function asText(entry: Entry): string {
  const first = entry.lines[0].replace(KEY_LINE, '').trim();
  const rest = entry.lines.slice(1);
  const indents = rest.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  const text = [first, ...rest.map((l) => l.slice(cut))].join('\n').trim();
  // One-line descriptions written by Claude Code's agent wizard hold literal "\n".
  return rest.some((l) => l.trim()) ? text : text.replace(/\\n/g, '\n').trim();
}

/**
 * Parses frontmatter lines (without the `---` fences) leniently. `offset` is the number of file
 * lines before them; positions in errors and key lines count in the whole file.
 */
export function lenientFrontmatter(yamlLines: string[], offset: number): { data: Record<string, unknown>; keyLines: Map<string, number> } {
  const data: Record<string, unknown> = {};
  const keyLines = new Map<string, number>();
  for (const entry of splitEntries(yamlLines)) {
    const line = entry.index + offset + 1;
    const earlier = keyLines.get(entry.key);
    if (earlier !== undefined) {
      throw new DefinitionError(`Invalid YAML in the frontmatter at line ${line}, column 1: "${entry.key}" appears twice (also on line ${earlier}); keep one.`, line);
    }
    keyLines.set(entry.key, line);
    const doc = parseDocument(entry.lines.join('\n'), { prettyErrors: true });
    if (doc.errors.length === 0) {
      const value: unknown = doc.toJS();
      if (value && typeof value === 'object' && !Array.isArray(value) && entry.key in value) {
        data[entry.key] = (value as Record<string, unknown>)[entry.key];
        continue;
      }
    }
    if (STRUCTURED_KEYS.has(entry.key)) {
      if (doc.errors.length > 0) throw yamlDefinitionError(doc.errors[0], entry.lines, entry.index + offset);
      throw new DefinitionError(`Invalid YAML in the frontmatter at line ${line}, column 1: the value of "${entry.key}" cannot be read; write it as a YAML list.`, line);
    }
    data[entry.key] = asText(entry);
  }
  return { data, keyLines };
}
