/**
 * The stored shape of evidence: checked citations, the ones dropped and why, and the
 * verification of sources named by analysts (L1) through page lookups.
 *
 * Owns: these zod schemas (part of the workflow state). Must not: check anything (see
 * evidence.ts) or fetch anything (see verifySources.ts).
 */
import * as z from 'zod';

/**
 * A citation that passed the checks: the passage of a source the model was given holds the
 * quoted text. `span` is the part of the answer text (characters, end exclusive) it supports.
 */
export const EvidenceRecord = z.object({
  sourceId: z.string(),
  /** First and last passage cited: their numbers in the source (1-based, inclusive). */
  passage: z.number().int().positive(),
  passageEnd: z.number().int().positive(),
  citedText: z.string().min(1),
  span: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;

/** A citation that failed a check: never shown, listed in the run log. */
export const DroppedCitation = z.object({
  reason: z.string(),
  type: z.string(),
  citedText: z.string(),
  /** The answer text it was attached to (shortened). */
  claim: z.string(),
});
export type DroppedCitation = z.infer<typeof DroppedCitation>;

/** The evidence of one answer (an analyst's output, the full text). */
export const AnswerEvidence = z.object({
  records: z.array(EvidenceRecord).default([]),
  dropped: z.array(DroppedCitation).default([]),
});
export type AnswerEvidence = z.infer<typeof AnswerEvidence>;

/**
 * Whether a source named by an analyst was checked: `verified` when its page was fetched and
 * holds the quote the analyst gave; otherwise `unverified`, with the reason.
 */
export const SourceVerification = z.object({
  status: z.enum(['verified', 'unverified']),
  reason: z.string().default(''),
  /** The quote the analyst gave for it. */
  quote: z.string().optional(),
  checkedAt: z.string().optional(),
});
export type SourceVerification = z.infer<typeof SourceVerification>;

/** One page lookup by URL, kept so that a URL is fetched once per run (and not again on resume). */
export const PageLookup = z.object({
  url: z.string(),
  at: z.string(),
  outcome: z.enum(['found', 'not-found', 'failed']),
  /** Why it was not found or failed (the provider's tag, an error). */
  reason: z.string().default(''),
  title: z.string().optional(),
  publishedDate: z.string().optional(),
  /** The page text (bounded), when found. */
  text: z.string().optional(),
  durationMs: z.number().nonnegative().default(0),
  costUsd: z.number().nonnegative().default(0),
});
export type PageLookup = z.infer<typeof PageLookup>;
