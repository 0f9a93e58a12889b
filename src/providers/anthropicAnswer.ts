/**
 * A Messages API answer read into the port's ModelResponse, the same way for a direct call and
 * for a batch result: its text, its text blocks with their citations, its usage (cache writes,
 * the 1-hour ones apart, and cache reads), the model that answered.
 *
 * Owns: that mapping. Must not: call the API, retry, or judge the answer.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { AnswerBlock, ModelResponse } from '../core/ports';
import { answerBlocks } from './anthropicCitations';

function tokenUsage(u: Anthropic.Usage): ModelResponse['usage'] {
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheCreationInputTokens: u.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: u.cache_read_input_tokens ?? 0,
    ...(u.cache_creation?.ephemeral_1h_input_tokens ? { cacheCreation1hInputTokens: u.cache_creation.ephemeral_1h_input_tokens } : {}),
  };
}

/** `keepBlocks`: whether the response carries its blocks (they matter where documents were cited). */
export function modelResponse(message: Anthropic.Message, durationMs: number, keepBlocks: (blocks: AnswerBlock[]) => boolean): ModelResponse {
  const blocks = answerBlocks(message.content);
  return {
    text: blocks.map((b) => b.text).join(''),
    stopReason: message.stop_reason ?? null,
    usage: tokenUsage(message.usage),
    model: message.model,
    durationMs,
    ...(keepBlocks(blocks) ? { blocks } : {}),
  };
}
