/**
 * The prompt library: loading, discovery and rendering of the markdown prompts in `prompts/` and
 * of the person's own definitions.
 */
export { loadPromptLibrary, parseStepPrompt, type LoadPromptLibraryOptions } from './loader';
export { PromptTemplate, STEP_PROMPT_PLACEHOLDERS } from './template';
export { DefinitionError, parseMarkdownWithFrontmatter, type ParsedMarkdown } from './frontmatter';
export {
  AgentFrontmatter,
  AnalystFrontmatterSchema,
  COMMON_ANALYST_KEYS,
  SkillFrontmatter,
  StepFrontmatter,
  SynthesizerFrontmatter,
  TemplateFrontmatter,
} from './schemas';
