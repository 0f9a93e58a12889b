/**
 * The Anthropic provider and its SDK (loaded when a run starts outside demo mode, not at
 * activation).
 */
export { AnthropicModel } from '../providers/anthropic';
