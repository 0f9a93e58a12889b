/**
 * Loads the prompt library: the bundled `prompts/` folder, folders named in the settings, and the
 * person's own definitions in each workspace folder.
 *
 * Owns: discovery (which files are definitions, and of what kind), precedence, cross-checks
 * between definitions, and collecting problems. Must not: hold prompt text (prompts/*.md do) or
 * decide how a prompt is used (the core does).
 *
 * Where definitions come from, later layers overriding earlier ones by id:
 *   1. bundled:          <bundledDir>/{steps,synthesizers,analysts,templates}/<id>.md
 *   2. settings folders: <folder>/{steps,synthesizers,analysts,templates}/<id>.md, in order
 *                        (relative folders resolve against the first workspace folder)
 *   3. workspace:        <folder>/.claude/skills/<id>/SKILL.md           → synthesizer
 *                        <folder>/.claude/agents/<id>/AGENT.md           → analyst
 *                        <folder>/.claude/agents/<id>.md (Claude Code)   → analyst
 * Files in the `prompts/` layout must carry the full frontmatter; files in Claude Code's layouts
 * need only `name` and `description`. A missing field is taken from the definition of the same id
 * loaded before (so `.claude/agents/market.md` can replace just the bundled market analyst's
 * method), otherwise from defaults (focus = description, no extra required fields; for a skill:
 * the common analysts and templates, keywords from its id). A `SKILL.md` that neither declares any
 * synthesizer field (when_to_use, when_not_to_use, keywords, default_analysts, templates) nor
 * replaces a known synthesizer is an ordinary Claude Code skill, not an analysis framework: it is
 * left out without a problem. A file that cannot be used
 * becomes a problem and loading goes on. A step prompt can be replaced from a settings folder only,
 * and only by a file using exactly the same placeholders (otherwise the bundled one stays). A
 * missing or broken bundled step prompt makes the library unusable: loading throws.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  STEP_PROMPT_IDS,
  type AnalystDef,
  type LibraryProblem,
  type PromptLibrary,
  type StepPromptId,
  type StepPromptVars,
  type SynthesizerDef,
  type TemplateDef,
} from '../core/library';
import { DefinitionError, parseMarkdownWithFrontmatter, validateFrontmatter, type ParsedMarkdown } from './frontmatter';
import {
  AgentFrontmatter,
  AnalystFrontmatterSchema,
  SkillFrontmatter,
  StepFrontmatter,
  SynthesizerFrontmatter,
  TemplateFrontmatter,
} from './schemas';
import { PromptTemplate, STEP_PROMPT_PLACEHOLDERS } from './template';

export interface LoadPromptLibraryOptions {
  /** The bundled library (`<extension root>/prompts`). */
  bundledDir: string;
  /** Absolute paths of the open workspace folders. */
  workspaceFolders: string[];
  /** Folders named in the settings (absolute, or relative to the first workspace folder). */
  extraFolders: string[];
}

/** Analysts a synthesizer from Claude Code's layout works with when it names none. */
const DEFAULT_SKILL_ANALYSTS = ['market', 'competition', 'financial', 'risk'];
/** Templates a synthesizer from Claude Code's layout works with when it names none. */
const DEFAULT_SKILL_TEMPLATES = ['full-report', 'executive-brief', 'decision-memo'];

type Kind = 'synthesizer' | 'analyst' | 'template';

interface Found<T> {
  def: T;
  path: string;
}

class ProblemList {
  readonly items: LibraryProblem[] = [];
  add(filePath: string, err: unknown): void {
    if (err instanceof DefinitionError) {
      this.items.push(err.line !== undefined ? { path: filePath, message: err.message, line: err.line } : { path: filePath, message: err.message });
    } else {
      this.items.push({ path: filePath, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

export async function loadPromptLibrary(options: LoadPromptLibraryOptions): Promise<PromptLibrary> {
  const problems = new ProblemList();
  const synthesizers = new Map<string, Found<SynthesizerDef>>();
  const analysts = new Map<string, Found<AnalystDef>>();
  const templates = new Map<string, Found<TemplateDef>>();

  const steps = await loadBundledSteps(options.bundledDir);

  // 1. Bundled definitions. A broken bundled file is reported like any other.
  await loadPromptsLayout(options.bundledDir, 'bundled', { synthesizers, analysts, templates }, problems);

  // 2. Folders named in the settings.
  for (const folder of options.extraFolders) {
    const resolved = resolveExtraFolder(folder, options.workspaceFolders);
    if (!(await isDirectory(resolved))) {
      problems.add(resolved, new DefinitionError('The prompt folder named in the settings does not exist.'));
      continue;
    }
    await loadPromptsLayout(resolved, 'workspace', { synthesizers, analysts, templates }, problems);
    await loadStepOverrides(resolved, steps, problems);
  }

  // 3. The person's own definitions in Claude Code's layouts.
  for (const folder of options.workspaceFolders) {
    await loadClaudeLayout(folder, { synthesizers, analysts }, problems);
  }

  const finalSynthesizers = crossCheck(synthesizers, analysts, templates, problems);
  return {
    synthesizers: finalSynthesizers,
    analysts: [...analysts.values()].map((f) => f.def),
    templates: [...templates.values()].map((f) => f.def),
    problems: problems.items,
    render<K extends StepPromptId>(id: K, vars: StepPromptVars[K]): string {
      const template = steps.get(id);
      if (!template) throw new Error(`There is no step prompt "${id}".`);
      return template.render(vars as unknown as Record<string, unknown>);
    },
  };
}

function resolveExtraFolder(folder: string, workspaceFolders: string[]): string {
  if (path.isAbsolute(folder) || workspaceFolders.length === 0) return path.resolve(folder);
  return path.resolve(workspaceFolders[0], folder);
}

// ---------------------------------------------------------------------------------------------
// Step prompts

async function loadBundledSteps(bundledDir: string): Promise<Map<StepPromptId, PromptTemplate>> {
  const steps = new Map<StepPromptId, PromptTemplate>();
  for (const id of STEP_PROMPT_IDS) {
    const file = path.join(bundledDir, 'steps', `${id}.md`);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      throw new Error(`The bundled step prompt "${id}" is missing (${file}); the prompt library cannot be used.`);
    }
    try {
      steps.set(id, parseStepPrompt(id, text));
    } catch (err) {
      const line = err instanceof DefinitionError && err.line !== undefined ? `:${err.line}` : '';
      throw new Error(`The bundled step prompt ${file}${line} is invalid: ${(err as Error).message}`);
    }
  }
  return steps;
}

/** Parses a step prompt file and checks it uses exactly its placeholders. */
export function parseStepPrompt(id: StepPromptId, text: string): PromptTemplate {
  const parsed = parseMarkdownWithFrontmatter(text);
  validateFrontmatter(StepFrontmatter, parsed);
  if (!parsed.body) throw new DefinitionError('The step prompt has no text after the frontmatter.', parsed.bodyLine);
  const template = new PromptTemplate(`step prompt "${id}"`, parsed.body);
  try {
    template.assertPlaceholders(STEP_PROMPT_PLACEHOLDERS[id]);
  } catch (err) {
    throw new DefinitionError((err as Error).message);
  }
  return template;
}

async function loadStepOverrides(
  folder: string,
  steps: Map<StepPromptId, PromptTemplate>,
  problems: ProblemList,
): Promise<void> {
  const dir = path.join(folder, 'steps');
  for (const file of await markdownFiles(dir)) {
    const id = path.basename(file, '.md') as StepPromptId;
    if (!STEP_PROMPT_IDS.includes(id)) {
      problems.add(file, new DefinitionError(`There is no step prompt "${id}"; known: ${STEP_PROMPT_IDS.join(', ')}.`));
      continue;
    }
    try {
      steps.set(id, parseStepPrompt(id, await fs.readFile(file, 'utf8')));
    } catch (err) {
      problems.add(file, err);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Definitions in the prompts/ layout

interface Registries {
  synthesizers: Map<string, Found<SynthesizerDef>>;
  analysts: Map<string, Found<AnalystDef>>;
  templates: Map<string, Found<TemplateDef>>;
}

async function loadPromptsLayout(
  folder: string,
  originKind: 'bundled' | 'workspace',
  registries: Registries,
  problems: ProblemList,
): Promise<void> {
  const kinds: Array<[Kind, string]> = [
    ['synthesizer', 'synthesizers'],
    ['analyst', 'analysts'],
    ['template', 'templates'],
  ];
  for (const [kind, sub] of kinds) {
    const seenHere = new Set<string>();
    for (const file of await markdownFiles(path.join(folder, sub))) {
      const origin = originKind === 'bundled' ? 'bundled' : file;
      try {
        const id = idFromName(path.basename(file, '.md'));
        if (seenHere.has(id)) throw new DefinitionError(`Another file in ${sub}/ already defines "${id}".`);
        seenHere.add(id);
        const parsed = parseMarkdownWithFrontmatter(await fs.readFile(file, 'utf8'));
        if (kind === 'synthesizer') {
          registries.synthesizers.set(id, { def: synthesizerFromFull(id, parsed, origin), path: file });
        } else if (kind === 'analyst') {
          registries.analysts.set(id, { def: analystFromFull(id, parsed, origin), path: file });
        } else {
          registries.templates.set(id, { def: templateFromFull(id, parsed, origin), path: file });
        }
      } catch (err) {
        problems.add(file, err);
      }
    }
  }
}

function requireBody(parsed: ParsedMarkdown, what: string): string {
  if (!parsed.body) throw new DefinitionError(`The file has no ${what} after the frontmatter.`, parsed.bodyLine);
  return parsed.body;
}

function synthesizerFromFull(id: string, parsed: ParsedMarkdown, origin: string): SynthesizerDef {
  const fm = validateFrontmatter(SynthesizerFrontmatter, parsed);
  return {
    id,
    name: fm.name,
    description: fm.description,
    whenToUse: fm.when_to_use,
    whenNotToUse: fm.when_not_to_use,
    keywords: fm.keywords,
    defaultAnalysts: fm.default_analysts,
    templates: fm.templates,
    method: requireBody(parsed, 'method'),
    origin,
  };
}

function analystFromFull(id: string, parsed: ParsedMarkdown, origin: string): AnalystDef {
  const fm = validateFrontmatter(AnalystFrontmatterSchema, parsed);
  return {
    id,
    name: fm.name,
    description: fm.description,
    focus: fm.focus,
    requiredFields: fm.required_fields,
    method: requireBody(parsed, 'method'),
    origin,
  };
}

function templateFromFull(id: string, parsed: ParsedMarkdown, origin: string): TemplateDef {
  const fm = validateFrontmatter(TemplateFrontmatter, parsed);
  return {
    id,
    name: fm.name,
    description: fm.description,
    targetWords: fm.target_words,
    sections: fm.sections.map((s) => (s.words !== undefined ? { title: s.title, guidance: s.guidance, words: s.words } : { title: s.title, guidance: s.guidance })),
    guidance: parsed.body,
    origin,
  };
}

// ---------------------------------------------------------------------------------------------
// Definitions in Claude Code's layouts

async function loadClaudeLayout(
  workspaceFolder: string,
  registries: Pick<Registries, 'synthesizers' | 'analysts'>,
  problems: ProblemList,
): Promise<void> {
  const claude = path.join(workspaceFolder, '.claude');
  if (!(await isDirectory(claude))) return;

  // .claude/skills/<id>/SKILL.md
  const skillsDir = path.join(claude, 'skills');
  for (const entry of await directories(skillsDir)) {
    const file = path.join(skillsDir, entry, 'SKILL.md');
    if (!(await isFile(file))) continue;
    try {
      const id = idFromName(entry);
      const parsed = parseMarkdownWithFrontmatter(await fs.readFile(file, 'utf8'));
      const base = registries.synthesizers.get(id)?.def;
      const declaresSynthesizer = SKILL_SYNTHESIZER_KEYS.some((k) => parsed.data[k] !== undefined);
      if (!base && !declaresSynthesizer) continue;
      registries.synthesizers.set(id, { def: synthesizerFromSkill(id, parsed, file, base), path: file });
    } catch (err) {
      problems.add(file, err);
    }
  }

  // .claude/agents/<id>/AGENT.md and .claude/agents/<id>.md (the folder form wins on a clash)
  const agentsDir = path.join(claude, 'agents');
  const agentFiles: Array<[string, string]> = [];
  for (const file of await markdownFiles(agentsDir)) agentFiles.push([path.basename(file, '.md'), file]);
  for (const entry of await directories(agentsDir)) {
    const file = path.join(agentsDir, entry, 'AGENT.md');
    if (await isFile(file)) agentFiles.push([entry, file]);
  }
  const seenHere = new Map<string, string>();
  for (const [name, file] of agentFiles) {
    try {
      const id = idFromName(name);
      const earlier = seenHere.get(id);
      if (earlier) {
        problems.add(earlier, new DefinitionError(`Analyst "${id}" is also defined in ${file}, which is used instead.`));
      }
      seenHere.set(id, file);
      const parsed = parseMarkdownWithFrontmatter(await fs.readFile(file, 'utf8'));
      const base = registries.analysts.get(id)?.def;
      registries.analysts.set(id, { def: analystFromAgent(id, parsed, file, base), path: file });
    } catch (err) {
      problems.add(file, err);
    }
  }
}

const SKILL_SYNTHESIZER_KEYS = ['when_to_use', 'when_not_to_use', 'keywords', 'default_analysts', 'templates'];

function synthesizerFromSkill(id: string, parsed: ParsedMarkdown, origin: string, base?: SynthesizerDef): SynthesizerDef {
  const fm = validateFrontmatter(SkillFrontmatter, parsed);
  const words = humanize(id);
  return {
    id,
    name: fm.name,
    description: fm.description,
    whenToUse: fm.when_to_use ?? base?.whenToUse ?? fm.description,
    whenNotToUse: fm.when_not_to_use ?? base?.whenNotToUse ?? '',
    keywords: fm.keywords ?? base?.keywords ?? { en: [words], it: [words] },
    defaultAnalysts: fm.default_analysts ?? base?.defaultAnalysts ?? DEFAULT_SKILL_ANALYSTS,
    templates: fm.templates ?? base?.templates ?? DEFAULT_SKILL_TEMPLATES,
    method: requireBody(parsed, 'method'),
    origin,
  };
}

function analystFromAgent(id: string, parsed: ParsedMarkdown, origin: string, base?: AnalystDef): AnalystDef {
  const fm = validateFrontmatter(AgentFrontmatter, parsed);
  return {
    id,
    name: fm.name,
    description: fm.description,
    focus: fm.focus ?? base?.focus ?? fm.description,
    requiredFields: fm.required_fields ?? base?.requiredFields ?? [],
    method: requireBody(parsed, 'instructions'),
    origin,
  };
}

// ---------------------------------------------------------------------------------------------
// Cross-checks

/**
 * Drops references to analysts or templates that do not exist (each one reported), and drops a
 * synthesizer left with no analyst or no template.
 */
function crossCheck(
  synthesizers: Map<string, Found<SynthesizerDef>>,
  analysts: Map<string, Found<AnalystDef>>,
  templates: Map<string, Found<TemplateDef>>,
  problems: ProblemList,
): SynthesizerDef[] {
  const out: SynthesizerDef[] = [];
  for (const { def, path: file } of synthesizers.values()) {
    const unknownAnalysts = def.defaultAnalysts.filter((a) => !analysts.has(a));
    const unknownTemplates = def.templates.filter((t) => !templates.has(t));
    if (unknownAnalysts.length > 0) {
      problems.add(file, new DefinitionError(`Synthesizer "${def.id}" names unknown analysts: ${unknownAnalysts.join(', ')}.`));
    }
    if (unknownTemplates.length > 0) {
      problems.add(file, new DefinitionError(`Synthesizer "${def.id}" names unknown templates: ${unknownTemplates.join(', ')}.`));
    }
    const defaultAnalysts = def.defaultAnalysts.filter((a) => analysts.has(a));
    const usableTemplates = def.templates.filter((t) => templates.has(t));
    if (defaultAnalysts.length === 0 || usableTemplates.length === 0) {
      problems.add(file, new DefinitionError(`Synthesizer "${def.id}" is not used: it needs at least one known analyst and one known template.`));
      continue;
    }
    out.push({ ...def, defaultAnalysts, templates: usableTemplates });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// File system helpers

function idFromName(name: string): string {
  const id = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new DefinitionError(`"${name}" cannot be used as an id: use lowercase letters, digits and hyphens.`);
  }
  return id;
}

function humanize(id: string): string {
  return id.replace(/-+/g, ' ').trim();
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
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
async function markdownFiles(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.file && e.name.toLowerCase().endsWith('.md')).map((e) => path.join(dir, e.name));
}

/** Subfolder names of `dir`, sorted (folders starting with `_` are ignored). */
async function directories(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.directory && !e.name.startsWith('_')).map((e) => e.name);
}
