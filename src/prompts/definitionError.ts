/**
 * The error of a definition file that cannot be used, with the line it concerns, and the one-line
 * wording of YAML errors (one position, and what to do).
 *
 * Owns: those messages. Must not: read files or know what a definition contains.
 */
import type { YAMLError } from 'yaml';

export class DefinitionError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/**
 * One line for a YAML error: where (the file's line and column) and what to do. `yamlLines` are
 * the lines the error's positions count in; `offset` is the number of file lines before them.
 */
export function yamlDefinitionError(err: YAMLError, yamlLines: string[], offset: number): DefinitionError {
  const pos = err.linePos?.[0];
  const line = pos ? pos.line + offset : undefined;
  const col = pos?.col ?? 1;
  const at = line !== undefined ? ` at line ${line}, column ${col}` : '';
  const key = pos ? keyAround(yamlLines, pos.line - 1, col === 1 && (err.code === 'BAD_INDENT' || err.code === 'MISSING_CHAR')) : undefined;
  const the = key ? `the value of "${key}"` : 'the value';
  let advice: string;
  switch (err.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'UNEXPECTED_TOKEN':
      advice = `${capitalize(the)} holds ": " or runs over several lines; put it in quotes, or write "${key ?? 'key'}: |" and indent the lines below it.`;
      break;
    case 'BAD_INDENT':
      advice = /flow (sequence|mapping)/i.test(err.message)
        ? `A list or mapping in ${the} is not closed; end it with "]" or "}" on the same line, or put the value in quotes.`
        : `The indentation of ${the} is wrong; indent the lines below a key with spaces, all by the same amount.`;
      break;
    case 'MISSING_CHAR':
      advice = `A quoted text in ${the} is not closed; add the closing quote.`;
      break;
    case 'DUPLICATE_KEY':
      advice = `"${key ?? 'a key'}" appears twice; keep one.`;
      break;
    case 'TAB_AS_INDENT':
      advice = 'A line is indented with a tab; indent with spaces.';
      break;
    default:
      advice = `${firstSentence(err.message)}; check ${the}, or put it in quotes.`;
  }
  return new DefinitionError(`Invalid YAML in the frontmatter${at}: ${advice}`, line);
}

/** The top-level key on `index` or the nearest line above it (the one before, with `previous`). */
function keyAround(lines: string[], index: number, previous: boolean): string | undefined {
  for (let i = Math.min(index - (previous ? 1 : 0), lines.length - 1); i >= 0; i--) {
    const m = /^([A-Za-z_][\w-]*)\s*:/.exec(lines[i] ?? '');
    if (m) return m[1];
  }
  return undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The yaml library's message without its position and code excerpt. */
function firstSentence(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/[.:]$/, '');
}
