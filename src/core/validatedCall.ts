/**
 * One validated model call: call, check the answer, feed the reason back, call again — the
 * loop every step that checks a model answer runs, with one history policy.
 *
 * The history of a retry: the first request, then the last rejected answer, then the reason it
 * was rejected with the step's request to answer again (`feedback`). Never the earlier rejected
 * answers: a request stays the size of one answer more than the first (a rejected document can
 * be tens of thousands of tokens), its cached prefix is the first request's, and the model
 * corrects what it wrote last, told why.
 *
 * Attempt `n` is recorded as the call `<key>:<n>` (with the round of attempts of its step, see
 * RunContext.callKey), so a resumed run reads its finished attempts again instead of paying
 * for them. A call whose key numbers its own attempts (`ownAttempts`: the sections of the final
 * document) goes on from `firstAttempt`, and only the new calls count as attempts: the recorded
 * ones are read again for free. Every rejected answer is one `retry` entry in the run's history
 * and one retry record in the run log.
 *
 * Owns: the attempt loop, its history policy, its records. Must not: know what a step checks,
 * or catch a cancellation or a budget stop.
 */
import { BudgetStop } from './budget';
import type { CallSpec } from './callSpec';
import type { RunContext } from './context';
import { CancelledError, errorMessage } from './errors';
import type { ModelCallRecord } from './state';

/** An answer that cannot be used, and why (told to the model as it is). */
export class Rejection {
  constructor(readonly reason: string) {}
}

export function reject(reason: string): Rejection {
  return new Rejection(reason);
}

export interface ValidatedCallSpec<T> extends Omit<CallSpec, 'key'> {
  /** Attempt `n` is the call `<key>:<n>`. */
  key: string;
  /** How many attempts at most (with `ownAttempts`, how many new calls). */
  attempts: number;
  /** The number of the first attempt (default 1), for a step that keeps its own count. */
  firstAttempt?: number;
  /**
   * Reads and checks an answer: the data, or `reject(reason)`. An error thrown (the checks of
   * checks.ts throw) rejects the answer with its message; a cancellation goes through.
   */
  check: (answer: ModelCallRecord, attempt: number) => T | Rejection | Promise<T | Rejection>;
  /** The message after a rejected answer: the reason, and what the model is to do again. */
  feedback: (reason: string) => string;
  /** An answer cut at `max_tokens` is asked for again with twice the tokens, up to this many. */
  maxTokensUpTo?: number;
  /** How the run's history names what was rejected (default: the label). */
  subject?: string;
  /**
   * A call that failed (not cancelled, not stopped by the budget) is a failed attempt, asked
   * again as it was, rather than an error of the step.
   */
  retryFailedCalls?: boolean;
  /** Called as each attempt starts, with its number. */
  onAttempt?: (attempt: number) => void;
  /** Called for each failed attempt, with its reason. */
  onRejected?: (reason: string, attempt: number) => void;
}

export type ValidatedCall<T> =
  | { ok: true; value: T; answer: ModelCallRecord; attempt: number; made: number }
  /** Every attempt failed: the last reason, the number the next attempt would have, the new calls made. */
  | { ok: false; reason: string; nextAttempt: number; made: number };

export async function validatedCall<T>(ctx: RunContext, spec: ValidatedCallSpec<T>): Promise<ValidatedCall<T>> {
  const { key, attempts, firstAttempt = 1, check, feedback, maxTokensUpTo, subject, retryFailedCalls, onAttempt, onRejected, ...call } = spec;
  const first = call.messages;
  let messages = first;
  let maxTokens = call.maxTokens;
  let reason = '';
  let counted = 0;
  let made = 0;
  for (let attempt = firstAttempt; ; attempt++) {
    const attemptKey = `${key}:${attempt}`;
    const fresh = !ctx.recorded(ctx.callKey(call.step, attemptKey, call.ownAttempts));
    if (fresh || !call.ownAttempts) {
      if (counted >= attempts) return { ok: false, reason, nextAttempt: attempt, made };
      counted++;
    }
    if (fresh) made++;
    onAttempt?.(attempt);
    const rejected = (why: string) => {
      reason = why;
      ctx.record(call.step, 'retry', `${subject ?? call.label}: ${why}`);
      ctx.runLog.retry({ step: call.step, label: call.label, attempt, reason: why });
      onRejected?.(why, attempt);
    };
    let answer: ModelCallRecord;
    try {
      answer = await ctx.call({ ...call, key: attemptKey, messages, maxTokens });
    } catch (err) {
      if (!retryFailedCalls || err instanceof CancelledError || err instanceof BudgetStop) throw err;
      rejected(`the model call failed: ${errorMessage(err)}`);
      continue;
    }
    let verdict: T | Rejection;
    try {
      verdict = await check(answer, attempt);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      verdict = reject(errorMessage(err));
    }
    if (!(verdict instanceof Rejection)) return { ok: true, value: verdict, answer, attempt, made };
    rejected(verdict.reason);
    if (maxTokensUpTo !== undefined && answer.stopReason === 'max_tokens') maxTokens = Math.min(maxTokens * 2, maxTokensUpTo);
    // An empty answer is shown as such (the API refuses an empty message).
    messages = [...first, { role: 'assistant', content: answer.text || '(empty)' }, { role: 'user', content: feedback(verdict.reason) }];
  }
}
