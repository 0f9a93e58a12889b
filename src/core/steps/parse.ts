/**
 * Step 1 — parse the problem: output language (code), synthesizer scores (model first, keyword
 * fallback when the answer is invalid), document template, title, whether the content is
 * factual, and the run's output folder.
 *
 * The language: the setting when it names one; otherwise the language the model's answer names
 * (checked to be a language code), the detector's guess when the model names none, and the
 * interface language when the detector is not confident either (see chooseLanguage). While it is
 * not decided, the prompts ask for "the language the problem is written in".
 */
import * as z from 'zod';
import type { RunContext } from '../context';
import { synthesizerCatalog, templateCatalog, stepSystem, outputLanguageName, PROBLEM_LANGUAGE } from '../promptText';
import { keywordScores } from '../keywords';
import { chooseLanguage, detectLanguage, normalizeLanguageCode } from '../language';
import { parseJsonAnswer } from '../modelAnswers';
import { slugify, type SynthesizerScore } from '../state';
import { sourceNeedCall } from './sources';
import { reject } from '../validatedCall';

export const ParseAnswer = z.object({
  title: z.string().max(200).default(''),
  synthesizers: z
    .array(z.object({ id: z.string(), score: z.coerce.number().min(0).max(1), reason: z.string().default('') }))
    .min(1),
  /** May be left out: the top synthesizer's first template is used. */
  template: z.string().default(''),
  factual: z.boolean().default(true),
  /** The problem's language as a code (checked by the caller; anything else is ignored). */
  language: z.unknown().optional(),
});

/**
 * Calls the model to score synthesizers; returns null when no valid answer came back. `language`
 * is the language the prompts ask for (the run's, or PROBLEM_LANGUAGE while it is not decided).
 */
export async function scoreWithModel(
  ctx: RunContext,
  keyBase: string,
  label: string,
  language = outputLanguageName(ctx.state),
): Promise<z.infer<typeof ParseAnswer> | null> {
  const lib = ctx.library;
  const known = new Set(lib.synthesizers.map((s) => s.id));
  const scored = await ctx.validatedCall({
    key: keyBase,
    step: ctx.state.step,
    label,
    attempts: ctx.settings.validationAttempts,
    system: stepSystem(
      ctx,
      'parse',
      { language_name: language, synthesizer_catalog: synthesizerCatalog(lib.synthesizers), template_catalog: templateCatalog(lib.templates) },
      { language },
    ),
    messages: [{ role: 'user', content: 'Score the synthesizers for this problem and answer with the JSON object.' }],
    maxTokens: 1500,
    check: (call) => {
      const answer = parseJsonAnswer(call.text, ParseAnswer);
      const valid = answer.synthesizers.filter((s) => known.has(s.id));
      if (valid.length === 0) return reject(`None of the synthesizer ids is known. Use only: ${[...known].join(', ')}.`);
      return { ...answer, synthesizers: valid };
    },
    feedback: (reason) => `Your answer could not be used: ${reason} Answer again with the JSON object only.`,
  });
  return scored.ok ? scored.value : null;
}

export function sortScores(scores: SynthesizerScore[]): SynthesizerScore[] {
  return [...scores].sort((a, b) => b.score - a.score);
}

export async function runParse(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const lib = ctx.library;
  if (lib.synthesizers.length === 0 || lib.templates.length === 0) {
    throw new Error('The prompt library has no synthesizer or no template: the analysis cannot be planned.');
  }
  const fixed = ctx.settings.outputLanguage !== 'auto' && normalizeLanguageCode(ctx.settings.outputLanguage);
  if (fixed) {
    s.language = fixed;
    s.languageSource = 'setting';
  }
  // Until the language is decided, the model writes in the problem's language and names it.
  // The parse call needs nothing else, so its request goes out first.
  const scoring = scoreWithModel(ctx, 'parse', 'parse', fixed ? outputLanguageName(s) : PROBLEM_LANGUAGE);
  scoring.catch(() => undefined);
  // Judging the need for current sources needs only the problem: it runs while the parse call
  // is under way, in the language the run will most likely have (the setting's, or the one
  // detected in the problem); the sources step uses it when that is the language decided. The
  // detection waits for the next turn of the event loop, once the parse request is sent.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const detected = fixed ? null : detectLanguage(s.problem);
  if (!s.sourceNeed) ctx.prefetch(sourceNeedCall(ctx, fixed || detected!.code));
  const answer = await scoring;
  if (detected) {
    const named = answer?.language;
    if (named !== undefined && !normalizeLanguageCode(named)) {
      ctx.log.warn(`The model named the problem's language as ${JSON.stringify(named).slice(0, 40)}, which is not a language code; it was ignored.`);
    }
    const chosen = chooseLanguage({
      setting: 'auto',
      modelAnswer: named,
      detected,
      interfaceLanguage: ctx.settings.interfaceLanguage,
    });
    s.language = chosen.code;
    s.languageSource = chosen.source;
  }
  if (answer) {
    s.synthesizerScores = sortScores(answer.synthesizers);
    s.scoringMethod = 'model';
    s.title = answer.title.trim();
    s.factual = answer.factual;
    s.template = lib.templates.some((t) => t.id === answer.template) ? answer.template : null;
  } else {
    s.synthesizerScores = sortScores(keywordScores(s.problem, lib.synthesizers, s.language));
    s.scoringMethod = 'keywords';
    ctx.log.warn('The model did not give usable synthesizer scores; the keyword scorer was used instead.');
  }
  if (!s.title) s.title = s.problem.replace(/\s+/g, ' ').slice(0, 80);
  const top = lib.synthesizers.find((x) => x.id === s.synthesizerScores[0]?.id) ?? lib.synthesizers[0];
  if (!s.template) s.template = top.templates.find((t) => lib.templates.some((x) => x.id === t)) ?? lib.templates[0].id;
  if (!s.outputFolder) {
    s.outputFolder = `${ctx.settings.outputRoot.replace(/\/+$/, '')}/${ctx.today()}-${slugify(s.title)}`;
  }
  ctx.record('parse', 'gate-pass', `${s.scoringMethod} scoring; top ${s.synthesizerScores[0]?.id}; template ${s.template}; language ${s.language} (${s.languageSource})`);
}
