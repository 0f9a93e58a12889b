/**
 * Token estimates and deterministic randomness shared by the fake API servers.
 *
 * The fakes count tokens with one rule for every request, so that usage, cache accounting and
 * costs in tests and in the benchmark are reproducible: a token is four characters, rounded up.
 * It is an estimate, not a tokenizer; what matters is that the same text always counts the same.
 */

export const CHARS_PER_TOKEN = 4;

/** Tokens of a text under the fakes' rule: ceil(characters / 4). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The first `tokens` tokens of a text under the same rule (used to cut at max_tokens). */
export function truncateToTokens(text: string, tokens: number): string {
  return text.slice(0, Math.max(0, tokens) * CHARS_PER_TOKEN);
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit hash of a string (FNV-1a), for deterministic fake data. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `value` scaled by a factor drawn uniformly from [1 - jitter, 1 + jitter]. */
export function withJitter(value: number, jitter: number, random: () => number): number {
  if (value <= 0) return 0;
  const j = Math.min(Math.max(jitter, 0), 1);
  return value * (1 + j * (2 * random() - 1));
}
