/**
 * How long a problem may be. The problem is part of the shared prefix of every model call, so a
 * very long one (a whole report pasted as the problem) would be sent, and billed, with each of
 * them — and past the model's context it fails at the API after the first calls were paid.
 *
 * Owns: the limit and the estimate of the problem's tokens. Must not: word messages for the
 * person in a particular language (callers do, with these figures).
 */

/** The longest problem accepted, in characters (about 25,000 tokens). */
export const MAX_PROBLEM_CHARS = 100_000;

/** A rough token count (four characters per token, as for English prose). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The figures of a problem over the limit, or null when it may be sent. */
export function problemOverLimit(problem: string): { chars: number; tokens: number; maxChars: number } | null {
  const chars = problem.trim().length;
  if (chars <= MAX_PROBLEM_CHARS) return null;
  return { chars, tokens: estimateTokens(problem.trim()), maxChars: MAX_PROBLEM_CHARS };
}
