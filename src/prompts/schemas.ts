/**
 * The frontmatter schemas of the prompt library, as zod schemas.
 *
 * Owns: what a synthesizer, analyst, template or step prompt file must declare in its YAML
 * frontmatter, and the lenient schemas used for definitions written in Claude Code's layouts
 * (`.claude/skills/<name>/SKILL.md`, `.claude/agents/<name>.md`). Must not: read files or know
 * where definitions come from (see loader.ts).
 */
import * as z from 'zod';

/** Ids of definitions and of the analysts/templates they refer to: lowercase, digits, hyphens. */
export const DefinitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and hyphens (e.g. "market-entry")');

const NonEmptyText = z.string().trim().min(1, 'must not be empty');

/** A keyword list per language code; the bundled library requires at least `en` and `it`. */
const KeywordLists = z.record(
  z.string().regex(/^[a-z]{2,3}$/, 'keyword language must be a language code such as "en" or "it"'),
  z.array(NonEmptyText).min(1, 'needs at least one keyword'),
);

export const SynthesizerFrontmatter = z.object({
  name: NonEmptyText,
  description: NonEmptyText,
  when_to_use: NonEmptyText,
  when_not_to_use: NonEmptyText,
  keywords: KeywordLists.refine((k) => Array.isArray(k.en) && Array.isArray(k.it), {
    message: 'must have keyword lists for at least "en" and "it"',
  }),
  default_analysts: z.array(DefinitionId).min(1, 'needs at least one analyst'),
  templates: z.array(DefinitionId).min(1, 'needs at least one template (the first is the default)'),
});
export type SynthesizerFrontmatter = z.infer<typeof SynthesizerFrontmatter>;

/**
 * A `SKILL.md` in Claude Code's layout: only `name` and `description` are required; the other
 * fields, when present, must be valid.
 */
export const SkillFrontmatter = z.object({
  name: NonEmptyText,
  description: NonEmptyText,
  when_to_use: NonEmptyText.optional(),
  when_not_to_use: NonEmptyText.optional(),
  keywords: KeywordLists.optional(),
  default_analysts: z.array(DefinitionId).min(1).optional(),
  templates: z.array(DefinitionId).min(1).optional(),
});
export type SkillFrontmatter = z.infer<typeof SkillFrontmatter>;

/** Extra frontmatter keys an analyst must produce: snake_case, not one of the common keys. */
export const RequiredFieldName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'required field names must be snake_case (e.g. "market_size_estimates")')
  .refine((k) => !COMMON_ANALYST_KEYS.includes(k), {
    message: 'is already part of every analyst output and cannot be listed as a required field',
  });

/** Keys every analyst output carries (see AnalystFrontmatter in src/core/state.ts). */
export const COMMON_ANALYST_KEYS: readonly string[] = [
  'analyst',
  'key_findings',
  'confidence',
  'sources',
  'assumptions',
  'open_questions',
];

export const AnalystFrontmatterSchema = z.object({
  name: NonEmptyText,
  description: NonEmptyText,
  focus: NonEmptyText,
  required_fields: z.array(RequiredFieldName),
});
export type AnalystDefinitionFrontmatter = z.infer<typeof AnalystFrontmatterSchema>;

/**
 * An agent in Claude Code's layout (`.claude/agents/<name>.md` or `<name>/AGENT.md`): `name` and
 * `description` are required; Claude Code's own keys (tools, model, color) are ignored.
 */
export const AgentFrontmatter = z.object({
  name: NonEmptyText,
  description: NonEmptyText,
  focus: NonEmptyText.optional(),
  required_fields: z.array(RequiredFieldName).optional(),
});
export type AgentFrontmatter = z.infer<typeof AgentFrontmatter>;

export const TemplateSectionSchema = z.object({
  title: NonEmptyText,
  guidance: NonEmptyText,
  words: z.number().int().positive().optional(),
  /** The section that summarizes the others (written last, from their text); at most one. */
  summary: z.boolean().optional(),
});

export const TemplateFrontmatter = z.object({
  name: NonEmptyText,
  description: NonEmptyText,
  target_words: z.number().int().min(100).max(50_000),
  sections: z
    .array(TemplateSectionSchema)
    .min(1, 'needs at least one section')
    .refine((list) => list.filter((x) => x.summary).length <= 1, { message: 'may mark at most one section as the summary' }),
});
export type TemplateFrontmatter = z.infer<typeof TemplateFrontmatter>;

/** Step prompts carry a short description; their body is the prompt template. */
export const StepFrontmatter = z.object({
  description: NonEmptyText,
});
