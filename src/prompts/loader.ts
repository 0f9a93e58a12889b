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
 * need only `name` and `description`, and their frontmatter is read as leniently as Claude Code
 * reads it (lenient.ts). A missing field is taken from the definition of the same id loaded
 * before (so `.claude/agents/market.md` can replace just the bundled market analyst's method),
 * otherwise from defaults (focus = description, no extra required fields; for a skill: the
 * common analysts and templates, keywords from its id).
 *
 * Which Claude Code files are offered: `.claude/` also holds agents and skills for other work
 * (a Go expert, a code reviewer, a PDF skill). The frontmatter key `strategic-analysis` decides
 * when present: `analyst` (agents), `framework` (skills), or `none`. Without it, an agent is
 * offered when it replaces a known analyst, declares `focus` or `required_fields`, is named in
 * a workspace framework's `default_analysts`, or has "analyst" in its name or id; a skill is
 * offered when it replaces a known synthesizer or declares a synthesizer field of this extension
 * (`when_not_to_use`, `keywords`, `default_analysts`, `templates`; not `when_to_use`, which
 * ordinary Claude Code skills have too). The others are listed as notes, not offered. A
 * definition that replaces a bundled one is reported as a note. A file that cannot be used
 * becomes a problem and loading goes on. A step prompt can be replaced from a settings folder only,
 * and only by a file using exactly the same placeholders (otherwise the bundled one stays). A
 * missing or broken bundled step prompt makes the library unusable: loading throws.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  STEP_PROMPT_IDS,
  type AnalystDef,
  type PromptLibrary,
  type StepPromptId,
  type StepPromptVars,
  type SynthesizerDef,
  type TemplateDef,
} from '../core/library';
import { loadClaudeLayout } from './claudeLayout';
import { DefinitionError } from './definitionError';
import {
  idFromName,
  isDirectory,
  markdownFiles,
  noteReplacement,
  ProblemList,
  requireBody,
  type Found,
  type Kind,
  type Registries,
} from './discovery';
import { parseMarkdownWithFrontmatter, validateFrontmatter, type ParsedMarkdown } from './frontmatter';
import { AnalystFrontmatterSchema, StepFrontmatter, SynthesizerFrontmatter, TemplateFrontmatter } from './schemas';
import { PromptTemplate, STEP_PROMPT_PLACEHOLDERS } from './template';

export interface LoadPromptLibraryOptions {
  /** The bundled library (`<extension root>/prompts`). */
  bundledDir: string;
  /** Absolute paths of the open workspace folders. */
  workspaceFolders: string[];
  /** Folders named in the settings (absolute, or relative to the first workspace folder). */
  extraFolders: string[];
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
    notes: problems.notes,
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
        const replaced = (kind === 'synthesizer' ? registries.synthesizers : kind === 'analyst' ? registries.analysts : registries.templates).get(id);
        if (replaced) noteReplacement(problems, file, kind, replaced.def, parsed);
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
    sections: fm.sections.map((s) => ({
      title: s.title,
      guidance: s.guidance,
      ...(s.words !== undefined ? { words: s.words } : {}),
      ...(s.summary ? { summary: true } : {}),
    })),
    guidance: parsed.body,
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
