/**
 * The contract between the workflow core and the prompt library (`prompts/` and `src/prompts/`).
 *
 * Owns: the shapes of synthesizer, analyst and template definitions, the ids of the step prompts
 * and the exact placeholders each step prompt receives. Must not: read files (the loader in
 * src/prompts/ does) or hold prompt text (prompts/*.md do).
 */

export interface SynthesizerDef {
  id: string;
  name: string;
  description: string;
  whenToUse: string;
  whenNotToUse: string;
  /** Keywords for the fallback scorer, by language code (at least `en` and `it`). */
  keywords: Record<string, string[]>;
  defaultAnalysts: string[];
  /** Template ids this synthesizer works with; the first is the default. */
  templates: string[];
  /** The method itself (markdown body of the definition). */
  method: string;
  /** `bundled`, or the path of the workspace file that defined it. */
  origin: string;
}

export interface AnalystDef {
  id: string;
  name: string;
  description: string;
  focus: string;
  /** The method itself (markdown body of the definition). */
  method: string;
  /** Frontmatter keys this analyst must produce beyond the common schema. */
  requiredFields: string[];
  origin: string;
}

export interface TemplateSection {
  title: string;
  guidance: string;
  words?: number;
  /** The section that summarizes the others: written last, from their text. */
  summary?: boolean;
}

export interface TemplateDef {
  id: string;
  name: string;
  description: string;
  sections: TemplateSection[];
  targetWords: number;
  /** Additional guidance (markdown body of the definition). */
  guidance: string;
  origin: string;
}

/**
 * Step prompts and the placeholders each one receives. Every placeholder is a string; lists are
 * formatted as markdown by the core before rendering. A prompt file that uses a placeholder not
 * listed here, or a call that leaves one out, is an error.
 */
export interface StepPromptVars {
  /** The cached prefix shared by every call of a run: instructions, problem, context documents. */
  'shared-context': {
    problem: string;
    language_name: string;
    today: string;
    context_documents: string;
    clarifications: string;
  };
  /** Answer JSON: {"title": str, "synthesizers": [{"id","score" 0..1,"reason"}], "template": id, "factual": bool} */
  parse: { language_name: string; synthesizer_catalog: string; template_catalog: string };
  /** Answer JSON: {"need": "high"|"medium"|"low", "rationale": str} */
  'source-need': { language_name: string; today: string };
  /** Answer JSON: {"questions": [{"id": str, "question": str}]} (1 to 3 questions) */
  clarify: { language_name: string; candidates: string };
  /** Answer JSON: {"analysts": [ids], "rationale": str} */
  proposal: {
    language_name: string;
    synthesizer_name: string;
    synthesizer_method: string;
    template_name: string;
    analyst_catalog: string;
    default_analysts: string;
  };
  /**
   * The part of the analyst instructions common to every analyst of a run (role in the
   * engagement, output rules, answer format). Sent as a second cached block, so parallel
   * analysts read it from the prompt cache.
   */
  'analyst-frame': {
    language_name: string;
    synthesizer_name: string;
    output_rules: string;
  };
  /** The analyst's own part. Answer: markdown with YAML frontmatter (AnalystFrontmatter in state.ts). */
  analyst: {
    analyst_name: string;
    analyst_focus: string;
    analyst_method: string;
    required_fields: string;
  };
  /** Answer: markdown. */
  integration: {
    language_name: string;
    synthesizer_name: string;
    synthesizer_method: string;
    analyst_outputs: string;
  };
  /**
   * What every writer of a part of the integration shares (a cached block): the integration's
   * material without the instruction to write it whole. Answer (with a part prompt after it):
   * the part in markdown, with provenance markers.
   */
  'integration-frame': StepPromptVars['integration'];
  /** The part writer's own part: which steps of the method it applies, what the others cover. */
  'integration-part': {
    language_name: string;
    part_number: string;
    part_count: string;
    part_steps: string;
    other_parts: string;
    part_min_words: string;
    part_max_words: string;
  };
  /** The closing writer's own part: the conclusions, written last from the other parts' text. */
  'integration-closing': {
    language_name: string;
    closing_heading: string;
    closing_method: string;
    written_parts: string;
    part_min_words: string;
    part_max_words: string;
  };
  /** Answer: markdown outline (headings and bullets). */
  outline: {
    language_name: string;
    template_name: string;
    template_sections: string;
    integration: string;
    previous_outline: string;
    feedback_history: string;
  };
  /**
   * Answer JSON: {"citations": [{"point": str, "sourceIds": ["S1", ...]}],
   *               "gaps": [{"point": str, "query": str}], "factual": bool}
   */
  citations: {
    language_name: string;
    outline: string;
    source_registry: string;
    max_searches: string;
  };
  /**
   * What every mapper of a group of outline sections shares (a cached block). Answer (with a
   * part prompt after it): the citations' JSON for its sections, each gap with an `importance`
   * (1 to 3).
   */
  'citations-frame': StepPromptVars['citations'];
  /** The mapper's own part: the group of sections it maps. */
  'citations-part': {
    part_number: string;
    part_count: string;
    part_points: string;
    max_gaps: string;
  };
  /** Answer: the document body in markdown with inline citations `[S1]`, no frontmatter. */
  fulltext: {
    language_name: string;
    template_name: string;
    template_sections: string;
    target_words: string;
    outline: string;
    citation_map: string;
    source_registry: string;
    integration: string;
    output_rules: string;
  };
  /**
   * What every writer of a section shares (a cached block): the fulltext material without the
   * instruction to write the whole document. Answer (with a section prompt after it): the
   * section's text in markdown with inline citations `[S1]`, without its `##` heading.
   */
  'fulltext-frame': StepPromptVars['fulltext'];
  /** The section writer's own part: which section, its evidence, what its neighbours cover. */
  'fulltext-section': {
    section_number: string;
    section_count: string;
    section_heading: string;
    section_words: string;
    section_guidance: string;
    section_outline: string;
    section_evidence: string;
    neighbours: string;
  };
  /** The summary writer's own part: the summary is written last, from the other sections' text. */
  'fulltext-summary': {
    section_heading: string;
    section_words: string;
    section_guidance: string;
    section_outline: string;
    section_evidence: string;
    written_sections: string;
  };
  /** Shared rules for writing steps (citation style, markers, frontmatter). Rendered into others. */
  'output-rules': { language_name: string };
}

export type StepPromptId = keyof StepPromptVars;

export const STEP_PROMPT_IDS: StepPromptId[] = [
  'shared-context',
  'parse',
  'source-need',
  'clarify',
  'proposal',
  'analyst-frame',
  'analyst',
  'integration',
  'integration-frame',
  'integration-part',
  'integration-closing',
  'outline',
  'citations',
  'citations-frame',
  'citations-part',
  'fulltext',
  'fulltext-frame',
  'fulltext-section',
  'fulltext-summary',
  'output-rules',
];

export interface LibraryProblem {
  /** The file that could not be used. */
  path: string;
  message: string;
  line?: number;
}

export interface PromptLibrary {
  synthesizers: SynthesizerDef[];
  analysts: AnalystDef[];
  templates: TemplateDef[];
  /** Renders a step prompt; throws on an unknown or missing placeholder. */
  render<K extends StepPromptId>(id: K, vars: StepPromptVars[K]): string;
  /** Files that were skipped, with the reason (shown in the Problems panel). */
  problems: LibraryProblem[];
  /**
   * Files that loaded but deserve a word (shown in the Problems panel as information): a
   * definition that replaces a bundled one, a Claude Code agent or skill that is listed but not
   * offered as an analyst or framework.
   */
  notes?: LibraryProblem[];
}
