/**
 * The prompt library's loader (loaded on first use): discovery of the bundled, settings-folder
 * and Claude Code definitions, the lenient frontmatter reader and the step prompt templates. It is
 * needed when a run starts or the library is checked, never at activation.
 */
export { loadPromptLibrary } from '../prompts/loader';
