/**
 * Prompt templates with named placeholders written `{{name}}`.
 *
 * Owns: the placeholder syntax, the list of placeholders each step prompt receives at run time
 * (kept in step with StepPromptVars by the type checker), and rendering with strict checks.
 * Must not: read files.
 */
import type { StepPromptId, StepPromptVars } from '../core/library';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

type Segment = { text: string } | { name: string };

/** A parsed prompt template: literal text and placeholders, in order. */
export class PromptTemplate {
  private readonly segments: Segment[];
  /** Placeholder names in order of first use. */
  readonly placeholders: string[];

  constructor(
    /** Used in error messages, e.g. `step prompt "analyst"`. */
    readonly label: string,
    source: string,
  ) {
    this.segments = [];
    const seen = new Set<string>();
    let last = 0;
    for (const m of source.matchAll(PLACEHOLDER)) {
      const index = m.index ?? 0;
      if (index > last) this.segments.push({ text: source.slice(last, index) });
      this.segments.push({ name: m[1] });
      seen.add(m[1]);
      last = index + m[0].length;
    }
    if (last < source.length) this.segments.push({ text: source.slice(last) });
    this.placeholders = [...seen];
  }

  /**
   * Checks that the template uses exactly the `expected` placeholders: throws an Error naming the
   * first unknown or unused one.
   */
  assertPlaceholders(expected: readonly string[]): void {
    const allowed = new Set(expected);
    for (const name of this.placeholders) {
      if (!allowed.has(name)) {
        throw new Error(
          `The ${this.label} uses the unknown placeholder {{${name}}}; allowed: ${expected.join(', ')}.`,
        );
      }
    }
    const used = new Set(this.placeholders);
    for (const name of expected) {
      if (!used.has(name)) throw new Error(`The ${this.label} never uses the placeholder {{${name}}}.`);
    }
  }

  /**
   * Substitutes every placeholder in one pass (a value that itself contains `{{x}}` is left as is).
   * Throws when a placeholder has no string value or when `vars` holds a name the template does not
   * use.
   */
  render(vars: Readonly<Record<string, unknown>>): string {
    const used = new Set(this.placeholders);
    for (const name of Object.keys(vars)) {
      if (!used.has(name)) {
        throw new Error(`The ${this.label} has no placeholder {{${name}}}, but a value was given for it.`);
      }
    }
    for (const name of this.placeholders) {
      if (typeof vars[name] !== 'string') {
        throw new Error(
          vars[name] === undefined
            ? `The ${this.label} needs a value for the placeholder {{${name}}}.`
            : `The value for the placeholder {{${name}}} of the ${this.label} must be a string.`,
        );
      }
    }
    return this.segments.map((s) => ('text' in s ? s.text : (vars[s.name] as string))).join('');
  }
}

/** The whole-document prompt and the frame every section writer shares take the same material. */
const FULLTEXT_PLACEHOLDERS: { [P in keyof StepPromptVars['fulltext']]: true } = {
  language_name: true,
  template_name: true,
  template_sections: true,
  target_words: true,
  outline: true,
  citation_map: true,
  source_registry: true,
  integration: true,
  output_rules: true,
};

/** The one-call integration prompt and the frame every part writer shares take the same material. */
const INTEGRATION_PLACEHOLDERS: { [P in keyof StepPromptVars['integration']]: true } = {
  language_name: true,
  synthesizer_name: true,
  synthesizer_method: true,
  analyst_outputs: true,
};

/** The one-call citation map and the frame every mapper of a group of sections shares. */
const CITATIONS_PLACEHOLDERS: { [P in keyof StepPromptVars['citations']]: true } = {
  language_name: true,
  outline: true,
  source_registry: true,
  max_searches: true,
};

/**
 * The placeholders of each step prompt. The mapped type makes the compiler reject a missing or
 * extra name, so this table cannot drift from StepPromptVars in src/core/library.ts.
 */
const STEP_PLACEHOLDER_TABLE: { [K in StepPromptId]: { [P in keyof StepPromptVars[K]]: true } } = {
  'shared-context': { problem: true, language_name: true, today: true, context_documents: true, clarifications: true },
  parse: { language_name: true, synthesizer_catalog: true, template_catalog: true },
  'source-need': { language_name: true, today: true },
  clarify: { language_name: true, candidates: true },
  proposal: {
    language_name: true,
    synthesizer_name: true,
    synthesizer_method: true,
    template_name: true,
    analyst_catalog: true,
    default_analysts: true,
  },
  'analyst-frame': { language_name: true, synthesizer_name: true, output_rules: true },
  analyst: { analyst_name: true, analyst_focus: true, analyst_method: true, required_fields: true },
  integration: INTEGRATION_PLACEHOLDERS,
  'integration-frame': INTEGRATION_PLACEHOLDERS,
  'integration-part': {
    language_name: true,
    part_number: true,
    part_count: true,
    part_steps: true,
    other_parts: true,
    part_min_words: true,
    part_max_words: true,
  },
  'integration-closing': {
    language_name: true,
    closing_heading: true,
    closing_method: true,
    written_parts: true,
    part_min_words: true,
    part_max_words: true,
  },
  outline: {
    language_name: true,
    template_name: true,
    template_sections: true,
    integration: true,
    previous_outline: true,
    feedback_history: true,
  },
  citations: CITATIONS_PLACEHOLDERS,
  'citations-frame': CITATIONS_PLACEHOLDERS,
  'citations-part': { part_number: true, part_count: true, part_points: true, max_gaps: true },
  fulltext: FULLTEXT_PLACEHOLDERS,
  'fulltext-frame': FULLTEXT_PLACEHOLDERS,
  'fulltext-section': {
    section_number: true,
    section_count: true,
    section_heading: true,
    section_words: true,
    section_guidance: true,
    section_outline: true,
    section_evidence: true,
    neighbours: true,
  },
  'fulltext-summary': {
    section_heading: true,
    section_words: true,
    section_guidance: true,
    section_outline: true,
    section_evidence: true,
    written_sections: true,
  },
  'output-rules': { language_name: true },
};

/** The placeholder names each step prompt must use, exactly. */
export const STEP_PROMPT_PLACEHOLDERS: { readonly [K in StepPromptId]: readonly string[] } = Object.fromEntries(
  Object.entries(STEP_PLACEHOLDER_TABLE).map(([id, names]) => [id, Object.keys(names)]),
) as { [K in StepPromptId]: string[] };
