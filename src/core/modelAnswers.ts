/**
 * Reading model answers: YAML frontmatter, JSON objects, code fences (and writing the
 * frontmatter of the documents made from them).
 *
 * Owns: turning raw model text into data, with error messages that can be fed back to the
 * model or shown to the person. Must not: decide whether the data is acceptable (checks.ts does).
 */
import { parseDocument, stringify } from 'yaml';
import type * as z from 'zod';

export interface FrontmatterResult {
  data: Record<string, unknown>;
  body: string;
}

/** Removes one outer ```markdown (or ```md / bare ```) fence that models sometimes add. */
export function stripOuterFence(text: string): string {
  const trimmed = text.trim();
  const m = /^```(?:markdown|md|yaml)?[ \t]*\n([\s\S]*?)\n```$/.exec(trimmed);
  return m ? m[1] : trimmed;
}

/** Splits `---\nyaml\n---\nbody`. Throws an Error saying exactly what is wrong. */
export function parseFrontmatter(text: string): FrontmatterResult {
  const src = stripOuterFence(text).replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(src)) {
    throw new Error('The answer does not start with a YAML frontmatter block ("---" on the first line).');
  }
  const rest = src.replace(/^---[ \t]*\r?\n/, '');
  const end = /^---[ \t]*$/m.exec(rest);
  if (!end) throw new Error('The YAML frontmatter is not closed: a second "---" line is missing.');
  const yamlText = rest.slice(0, end.index);
  const body = rest.slice(end.index + end[0].length).replace(/^\r?\n/, '');
  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos?.[0] ? ` (frontmatter line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new Error(`The YAML frontmatter is not valid YAML${where}: ${e.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error('The YAML frontmatter must be a mapping of fields (key: value).');
  }
  return { data: data as Record<string, unknown>, body };
}

export function renderFrontmatter(data: Record<string, unknown>, body: string): string {
  return `---\n${stringify(data, { lineWidth: 0 }).trimEnd()}\n---\n\n${body.trimStart()}`;
}

/**
 * Extracts the JSON object of an answer: the content of a ```json fence if there is one,
 * otherwise the first balanced {...} in the text.
 */
export function extractJson(text: string): unknown {
  const fence = /```(?:json)?[ \t]*\n([\s\S]*?)\n```/.exec(text);
  const candidate = fence ? fence[1] : firstBalancedObject(text);
  if (candidate === null) throw new Error('The answer contains no JSON object.');
  try {
    return JSON.parse(candidate);
  } catch (err) {
    throw new Error(`The answer's JSON is not valid: ${(err as Error).message}`);
  }
}

function firstBalancedObject(text: string): string | null {
  const start = text.indexOf('{');
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}

/** Formats zod issues as one readable line per issue: `field.path: message`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses JSON from an answer and validates it; throws an Error with a readable reason. */
export function parseJsonAnswer<T>(text: string, schema: z.ZodType<T>): T {
  const data = extractJson(text);
  const result = schema.safeParse(data);
  if (!result.success) throw new Error(`The answer's JSON does not match the expected shape: ${formatZodError(result.error)}`);
  return result.data;
}
