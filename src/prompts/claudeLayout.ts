/**
 * Definitions in Claude Code's layouts: `.claude/skills/<id>/SKILL.md` (frameworks) and
 * `.claude/agents/<id>.md` or `.claude/agents/<id>/AGENT.md` (analysts), read as leniently as
 * Claude Code reads them, and which of them are offered (see loader.ts for the rules).
 *
 * Owns: discovery in `.claude/`, the `strategic-analysis` marker, and the defaults for what a
 * Claude Code file leaves out. Must not: load the bundled library or the settings folders.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnalystDef, SynthesizerDef } from '../core/library';
import { DefinitionError } from './definitionError';
import { parseMarkdownWithFrontmatter, validateFrontmatter, type ParsedMarkdown } from './frontmatter';
import { AgentFrontmatter, SkillFrontmatter } from './schemas';
import { directories, idFromName, isDirectory, isFile, markdownFiles, noteReplacement, requireBody, type ProblemList, type Registries } from './discovery';

/** Analysts a synthesizer from Claude Code's layout works with when it names none. */
const DEFAULT_SKILL_ANALYSTS = ['market', 'competition', 'financial', 'risk'];
/** Templates a synthesizer from Claude Code's layout works with when it names none. */
const DEFAULT_SKILL_TEMPLATES = ['full-report', 'executive-brief', 'decision-memo'];

export async function loadClaudeLayout(
  workspaceFolder: string,
  registries: Pick<Registries, 'synthesizers' | 'analysts'>,
  problems: ProblemList,
): Promise<void> {
  const claude = path.join(workspaceFolder, '.claude');
  if (!(await isDirectory(claude))) return;
  const lenient = { lenient: true };

  // .claude/skills/<id>/SKILL.md
  const skillsDir = path.join(claude, 'skills');
  /** Agents that an offered workspace framework names in its default_analysts. */
  const wantedAnalysts = new Set<string>();
  for (const entry of await directories(skillsDir)) {
    const file = path.join(skillsDir, entry, 'SKILL.md');
    if (!(await isFile(file))) continue;
    try {
      const id = idFromName(entry);
      const parsed = parseMarkdownWithFrontmatter(await fs.readFile(file, 'utf8'), lenient);
      const role = roleOf(parsed, 'framework');
      const base = registries.synthesizers.get(id)?.def;
      const declaresSynthesizer = SKILL_SYNTHESIZER_KEYS.some((k) => parsed.data[k] !== undefined);
      if (role === 'none' || (role === undefined && !base && !declaresSynthesizer)) {
        problems.note(
          file,
          role === 'none'
            ? 'Not offered as an analysis framework: its frontmatter says "strategic-analysis: none".'
            : 'Not offered as an analysis framework: this is an ordinary Claude Code skill. To offer it, add "strategic-analysis: framework" to its frontmatter.',
          1,
        );
        continue;
      }
      const def = synthesizerFromSkill(id, parsed, file, base);
      if (base) noteReplacement(problems, file, 'synthesizer', base, parsed);
      registries.synthesizers.set(id, { def, path: file });
      if (Array.isArray(parsed.data.default_analysts)) for (const a of def.defaultAnalysts) wantedAnalysts.add(a);
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
      const parsed = parseMarkdownWithFrontmatter(await fs.readFile(file, 'utf8'), lenient);
      const role = roleOf(parsed, 'analyst');
      const base = registries.analysts.get(id)?.def;
      const def = analystFromAgent(id, parsed, file, base);
      const analytical =
        base !== undefined ||
        parsed.data.focus !== undefined ||
        parsed.data.required_fields !== undefined ||
        wantedAnalysts.has(id) ||
        /\banalyst\b|\banalista\b/i.test(`${id.replace(/-/g, ' ')} ${def.name}`);
      if (role === 'none' || (role === undefined && !analytical)) {
        problems.note(
          file,
          role === 'none'
            ? 'Not offered as an analyst: its frontmatter says "strategic-analysis: none".'
            : 'Not offered as an analyst: this looks like a Claude Code agent for other work. To offer it at the proposal, add "strategic-analysis: analyst" to its frontmatter.',
          1,
        );
        continue;
      }
      if (base) noteReplacement(problems, file, 'analyst', base, parsed);
      registries.analysts.set(id, { def, path: file });
    } catch (err) {
      problems.add(file, err);
    }
  }
}

/** The frontmatter key that says whether a Claude Code file is meant for this extension. */
export const ROLE_KEY = 'strategic-analysis';

/**
 * The role a Claude Code file declares: `expected` (`analyst` for agents, `framework` for skills;
 * `synthesizer` is taken for `framework`), `none`, or undefined when the key is absent. Another
 * value is an error.
 */
function roleOf(parsed: ParsedMarkdown, expected: 'analyst' | 'framework'): 'analyst' | 'framework' | 'none' | undefined {
  const raw = parsed.data[ROLE_KEY];
  if (raw === undefined || raw === null) return undefined;
  const value = String(raw).trim().toLowerCase();
  const role = value === 'synthesizer' ? 'framework' : value === 'false' || value === 'no' ? 'none' : value;
  if (role === expected || role === 'none') return role;
  throw new DefinitionError(
    `"${ROLE_KEY}: ${String(raw).slice(0, 40)}" is not understood here; use "${ROLE_KEY}: ${expected}" to offer this file, or "${ROLE_KEY}: none".`,
    parsed.keyLines.get(ROLE_KEY),
  );
}

const SKILL_SYNTHESIZER_KEYS = ['when_not_to_use', 'keywords', 'default_analysts', 'templates'];

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

function humanize(id: string): string {
  return id.replace(/-+/g, ' ').trim();
}

