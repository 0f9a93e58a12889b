/** The Exa web search provider and its SDK (loaded when a run starts with an Exa key). */
export { ExaSearch } from '../providers/exa';
