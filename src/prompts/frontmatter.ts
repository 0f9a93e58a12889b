/**
 * Splits a markdown file into YAML frontmatter and body, and turns YAML and schema errors into
 * messages with line numbers (1-based, counted in the whole file).
 *
 * Owns: the frontmatter syntax (`---` fences at the top of the file), the lenient reading of
 * Claude Code's files (see lenient.ts), and one-line YAML error messages that give one position
 * and what to do. Must not: know what the frontmatter of a particular kind of definition
 * contains (see schemas.ts).
 */
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { ZodError, ZodType } from 'zod';
import { DefinitionError, yamlDefinitionError } from './definitionError';
import { lenientFrontmatter } from './lenient';

export { DefinitionError } from './definitionError';

export interface ParsedMarkdown {
  /** The frontmatter as plain data (an object). */
  data: Record<string, unknown>;
  /** The markdown after the frontmatter, trimmed. */
  body: string;
  /** 1-based line of each top-level frontmatter key, in the whole file. */
  keyLines: Map<string, number>;
  /** 1-based line of the first body line. */
  bodyLine: number;
}

export interface ParseOptions {
  /**
   * Read the frontmatter as Claude Code does: when it is not valid YAML, each top-level key is
   * read on its own, and a text value that YAML refuses (an unquoted description with
   * `<example>` blocks, "Context:" and "user:" lines) is taken as text.
   */
  lenient?: boolean;
}

/**
 * Parses `---\n<yaml>\n---\n<body>`. Throws a DefinitionError (with a line when known) when the
 * frontmatter is missing, unterminated, not valid YAML, or not a mapping.
 */
export function parseMarkdownWithFrontmatter(text: string, options: ParseOptions = {}): ParsedMarkdown {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  if (lines[0]?.trim() !== '---') {
    throw new DefinitionError('The file must start with YAML frontmatter between "---" lines.', 1);
  }
  let end = -1;
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i].trimEnd();
    if (t === '---' || t === '...') {
      end = i;
      break;
    }
  }
  if (end < 0) throw new DefinitionError('The YAML frontmatter is not closed by a "---" line.', 1);

  const yamlLines = lines.slice(1, end);
  const body = lines
    .slice(end + 1)
    .join('\n')
    .trim();
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlLines.join('\n'), { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    if (!options.lenient) throw yamlDefinitionError(doc.errors[0], yamlLines, 1);
    const lenient = lenientFrontmatter(yamlLines, 1);
    return { data: lenient.data, keyLines: lenient.keyLines, body, bodyLine: end + 2 };
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DefinitionError('The frontmatter must be a YAML mapping of keys to values.', 2);
  }
  const keyLines = new Map<string, number>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        keyLines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line + 1);
      }
    }
  }
  return { data: data as Record<string, unknown>, body, keyLines, bodyLine: end + 2 };
}

/** Validates frontmatter data; on failure throws a DefinitionError naming the field and its line. */
export function validateFrontmatter<T>(schema: ZodType<T>, parsed: ParsedMarkdown): T {
  const result = schema.safeParse(parsed.data);
  if (result.success) return result.data;
  throw describeZodError(result.error, parsed);
}

function describeZodError(error: ZodError, parsed: ParsedMarkdown): DefinitionError {
  const issue = error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  const field = path.join('.').replace(/\.\[/g, '[');
  const top = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  const missing = issue.path.length === 1 && top !== undefined && parsed.data[top] === undefined;
  const message = missing
    ? `The frontmatter field "${field}" is missing.`
    : field
      ? `The frontmatter field "${field}" is invalid: ${issue.message}.`
      : `The frontmatter is invalid: ${issue.message}.`;
  const line = top !== undefined ? parsed.keyLines.get(top) : undefined;
  return new DefinitionError(message, missing ? undefined : line);
}
