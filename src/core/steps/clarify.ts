/**
 * Step 3 — clarify: when the top synthesizers score close together, the model writes targeted
 * questions, the person answers (or skips), and the synthesizers are scored again with the
 * answers. When the scores are clear, the step passes without a call.
 */
import * as z from 'zod';
import { CancelledByPerson, type RunContext } from '../context';
import { errorMessage } from '../errors';
import { outputLanguageName, stepSystem } from '../promptText';
import { keywordScores } from '../keywords';
import { parseJsonAnswer } from '../modelAnswers';
import { scoreWithModel, sortScores } from './parse';

const QuestionsAnswer = z.object({
  questions: z.array(z.object({ id: z.string().min(1), question: z.string().min(3) })).min(1).max(5),
});

export function needsClarification(scores: Array<{ score: number }>, margin: number): boolean {
  if (scores.length < 2) return false;
  return scores[0].score - scores[1].score < margin;
}

export async function runClarify(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  if (!needsClarification(s.synthesizerScores, ctx.settings.clarifyMargin)) {
    ctx.record('clarify', 'gate-pass', 'the top synthesizer is clear; no questions needed');
    return;
  }
  if (s.clarifications.length === 0) {
    const lib = ctx.library;
    const candidates = s.synthesizerScores
      .slice(0, 3)
      .map((sc) => {
        const def = lib.synthesizers.find((x) => x.id === sc.id);
        return `- \`${sc.id}\` — ${def?.name ?? sc.id} (score ${sc.score.toFixed(2)}): ${def?.whenToUse ?? ''}`;
      })
      .join('\n');
    const call = await ctx.call({
      key: 'clarify',
      step: 'clarify',
      label: 'clarify',
      system: stepSystem(ctx, 'clarify', { language_name: outputLanguageName(s), candidates }),
      messages: [{ role: 'user', content: 'Write the clarification questions and answer with the JSON object.' }],
      maxTokens: 800,
    });
    try {
      const a = parseJsonAnswer(call.text, QuestionsAnswer);
      s.clarifications = a.questions.slice(0, 3).map((q, i) => ({ id: q.id || `q${i + 1}`, question: q.question, answer: '' }));
    } catch (err) {
      ctx.log.warn(`The clarification questions could not be used (${errorMessage(err)}); going on without them.`);
      ctx.record('clarify', 'gate-fail', `questions unusable: ${errorMessage(err)}`);
      return;
    }
  }
  await ctx.awaitPerson('clarify');
  const answer = await ctx.ask(
    ctx.reviewer.answerClarifications(
      s.clarifications.map((c) => ({ id: c.id, question: c.question })),
      s,
    ),
  );
  if (answer.kind === 'cancel') throw new CancelledByPerson('clarify');
  if (answer.kind === 'skip') {
    ctx.record('clarify', 'decision', 'skipped');
    ctx.runLog.decision({ step: 'clarify', gate: 'clarify', decision: 'skip', detail: '' });
    await ctx.resumeWork();
    return;
  }
  for (const c of s.clarifications) c.answer = (answer.answers[c.id] ?? '').trim();
  ctx.record('clarify', 'decision', `${s.clarifications.filter((c) => c.answer).length} answer(s)`);
  ctx.runLog.decision({ step: 'clarify', gate: 'clarify', decision: 'answer', detail: s.clarifications.map((c) => `${c.id}: ${c.answer}`).join(' | ') });
  await ctx.resumeWork();

  if (s.clarifications.some((c) => c.answer)) {
    const rescored = await scoreWithModel(ctx, 'rescore', 'rescore');
    if (rescored) {
      s.synthesizerScores = sortScores(rescored.synthesizers);
      s.scoringMethod = 'model';
    } else {
      const text = [s.problem, ...s.clarifications.map((c) => c.answer)].join('\n');
      s.synthesizerScores = sortScores(keywordScores(text, ctx.library.synthesizers, s.language));
      s.scoringMethod = 'keywords';
    }
    ctx.record('clarify', 'gate-pass', `rescored; top ${s.synthesizerScores[0]?.id}`);
  }
}
