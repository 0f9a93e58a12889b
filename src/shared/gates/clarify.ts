/**
 * The clarification gate, defined once: the questions the workflow asks when two frameworks fit
 * almost equally well, and the person's answers.
 *
 * Owns: these schemas (the core's port types and the panel's protocol are derived from them) and
 * the rule that keeps only answers to the questions asked. Must not: import `vscode`, DOM APIs or
 * the core. Written with `zod/mini` (bundled into the webview).
 */
import * as z from 'zod/mini';

export const ClarificationQuestion = z.object({ id: z.string(), question: z.string() });
export type ClarificationQuestion = z.infer<typeof ClarificationQuestion>;

export const ClarifyRequest = z.object({ questions: z.array(ClarificationQuestion) });
export type ClarifyRequest = z.infer<typeof ClarifyRequest>;

export const ClarificationAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('answer'), answers: z.record(z.string(), z.string()) }),
  z.object({ kind: z.literal('skip') }),
  z.object({ kind: z.literal('cancel') }),
]);
export type ClarificationAnswer = z.infer<typeof ClarificationAnswer>;

/** Keeps the non-empty answers to the questions asked (trimmed); none left is a skip. */
export function acceptClarification(request: ClarifyRequest, answer: ClarificationAnswer): ClarificationAnswer {
  if (answer.kind !== 'answer') return answer;
  const ids = new Set(request.questions.map((q) => q.id));
  const answers: Record<string, string> = {};
  for (const [id, text] of Object.entries(answer.answers)) if (ids.has(id) && text.trim()) answers[id] = text.trim();
  return Object.keys(answers).length ? { kind: 'answer', answers } : { kind: 'skip' };
}
