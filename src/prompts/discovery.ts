/**
 * What the loaders of the prompt library share: the registries definitions go into, the list of
 * problems and notes, ids from file names, and the file system helpers.
 *
 * Owns: those helpers. Must not: decide which files are definitions (loader.ts and
 * claudeLayout.ts do).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnalystDef, LibraryProblem, SynthesizerDef, TemplateDef } from '../core/library';
import { DefinitionError } from './definitionError';
import type { ParsedMarkdown } from './frontmatter';

export type Kind = 'synthesizer' | 'analyst' | 'template';

export interface Found<T> {
  def: T;
  path: string;
}

export class ProblemList {
  readonly items: LibraryProblem[] = [];
  readonly notes: LibraryProblem[] = [];
  note(filePath: string, message: string, line?: number): void {
    this.notes.push(line !== undefined ? { path: filePath, message, line } : { path: filePath, message });
  }
  add(filePath: string, err: unknown): void {
    if (err instanceof DefinitionError) {
      this.items.push(err.line !== undefined ? { path: filePath, message: err.message, line: err.line } : { path: filePath, message: err.message });
    } else {
      this.items.push({ path: filePath, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

export interface Registries {
  synthesizers: Map<string, Found<SynthesizerDef>>;
  analysts: Map<string, Found<AnalystDef>>;
  templates: Map<string, Found<TemplateDef>>;
}


export function requireBody(parsed: ParsedMarkdown, what: string): string {
  if (!parsed.body) throw new DefinitionError(`The file has no ${what} after the frontmatter.`, parsed.bodyLine);
  return parsed.body;
}


export const KIND_NAMES: Record<Kind, string> = { synthesizer: 'framework', analyst: 'analyst', template: 'template' };

/** Notes that `file` replaces a definition loaded before it (bundled, or from an earlier folder). */
export function noteReplacement(problems: ProblemList, file: string, kind: Kind, replaced: { id: string; name: string; origin: string }, parsed: ParsedMarkdown): void {
  const what = replaced.origin === 'bundled' ? `the bundled ${KIND_NAMES[kind]}` : `the ${KIND_NAMES[kind]} of ${replaced.origin}`;
  problems.note(
    file,
    `Replaces ${what} "${replaced.name}" (id "${replaced.id}"): this file is used instead. Rename the file or its folder to keep both.`,
    parsed.keyLines.get('name') ?? 1,
  );
}

// ---------------------------------------------------------------------------------------------
// File system helpers

export function idFromName(name: string): string {
  const id = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new DefinitionError(`"${name}" cannot be used as an id: use lowercase letters, digits and hyphens.`);
  }
  return id;
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Entries of `dir` (symbolic links followed), sorted by name; none when `dir` does not exist. */
async function entries(dir: string): Promise<Array<{ name: string; file: boolean; directory: boolean }>> {
  let list;
  try {
    list = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Array<{ name: string; file: boolean; directory: boolean }> = [];
  for (const e of list) {
    if (e.name.startsWith('.')) continue;
    if (e.isSymbolicLink()) {
      const full = path.join(dir, e.name);
      out.push({ name: e.name, file: await isFile(full), directory: await isDirectory(full) });
    } else {
      out.push({ name: e.name, file: e.isFile(), directory: e.isDirectory() });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `*.md` files directly in `dir`, sorted. */
export async function markdownFiles(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.file && e.name.toLowerCase().endsWith('.md')).map((e) => path.join(dir, e.name));
}

/** Subfolder names of `dir`, sorted (folders starting with `_` are ignored). */
export async function directories(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.directory && !e.name.startsWith('_')).map((e) => e.name);
}
