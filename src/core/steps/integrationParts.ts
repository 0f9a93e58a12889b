/**
 * Step 6a in parts: the integration written by several calls at the same time, one per part
 * of the synthesizer's method (integrationPlan.ts), all sharing two cached blocks (the run's
 * shared prefix, then the method and the analysts' outputs). The longest part leads and the
 * others start as soon as its response begins, so that they read the second block from the
 * cache instead of each writing it. The closing part (the conclusions, the tensions between the
 * parts) is written last, from the other parts' text.
 *
 * Gates: each part must come back non-empty, and is retried alone, with the reason, when it does
 * not; the assembled integration is checked as a whole by the step (integrate.ts). Every call is
 * recorded under its own key, so a resumed run keeps the parts already written.
 *
 * Owns: the calls that write the parts and how their texts are assembled. Must not: set the
 * state's integration (integrate.ts does, after its gate).
 */
import type { RunContext } from '../context';
import { GateError } from '../errors';
import type { IntegrationPart, IntegrationPlan } from '../integrationPlan';
import { stripOuterFence } from '../modelAnswers';
import { largest, ledInParallel } from '../parallel';
import type { SystemBlock } from '../ports';
import { analystOutputsText, outputLanguageName, stepSystem } from '../promptText';
import { reject, type Rejection } from '../validatedCall';

/** A part shorter than this (headings aside) counts as empty. */
const MIN_PART_CHARS = 40;

interface PartJob {
  /** `part:N` or `closing`: names its calls and its log lines. */
  id: string;
  heading: string;
  maxWords: number;
  /** The next attempt number (attempts are numbered across retries and resumes). */
  attempt: number;
  text: string | null;
}

const stepsText = (p: IntegrationPart) => p.steps.map((s) => `## ${s.title}\n${s.text}`.trim()).join('\n\n');

function othersText(plan: IntegrationPlan, part: IntegrationPart): string {
  const others = plan.parts.filter((p) => p !== part).map((p) => `- Part ${p.n}: ${p.steps.map((s) => s.title).join('; ')}`);
  others.push(`- The closing part, written last from the other parts: ${plan.closing.title} (the tensions between the parts, the recommendation and its conditions, the key risks, the assumptions, the open questions)`);
  return others.join('\n');
}

/** The part's text when it passes its check (a heading first), or the reason. */
function acceptedPart(text: string, heading: string): string | Rejection {
  const body = stripOuterFence(text).trim();
  const prose = body.replace(/^#{1,6} .*$/gm, '').trim();
  if (prose.length < MIN_PART_CHARS) return reject('The part came back empty.');
  return /^#{1,6} /.test(body) ? body : `## ${heading}\n\n${body}`;
}

/**
 * Writes one part until it passes its check: recorded attempts are reused (a resumed run pays
 * for none of them again), and up to `validationAttempts` new calls are made.
 */
async function writePart(ctx: RunContext, job: PartJob, system: SystemBlock[], request: string, onBegin?: () => void): Promise<string> {
  const label = `integration:${job.id}`;
  const written = await ctx.validatedCall({
    key: `integration:${job.id}`,
    step: 'integrate',
    label,
    subject: job.id,
    ownAttempts: true,
    firstAttempt: job.attempt,
    attempts: ctx.settings.validationAttempts,
    system,
    messages: [{ role: 'user', content: request }],
    maxTokens: Math.max(2000, Math.ceil(job.maxWords * 3)),
    maxTokensUpTo: 16000,
    onBegin,
    check: (call) => acceptedPart(call.text, job.heading),
    feedback: (reason) => `Your part could not be accepted: ${reason} Write the complete part again.`,
  });
  if (!written.ok) {
    job.attempt = written.nextAttempt;
    throw new GateError('integrate', 'integration', `The integration of the analyst outputs failed its checks: ${job.id.replace(':', ' ')} (${job.heading}): ${written.reason} Resume to try again.`);
  }
  if (written.answer.stopReason === 'max_tokens') {
    ctx.log.warn(`The ${label.replace(':', ' ')} reached the maximum output length; the outline step works with what was written.`);
  }
  ctx.runLog.gate({ step: 'integrate', gate: label, passed: true, detail: `attempt ${written.attempt}; ${written.value.length} characters` });
  job.attempt = written.attempt + 1;
  return written.value;
}

/** Writes the planned parts and returns the integration: the parts in the method's order, then the closing. */
export async function writeIntegrationParts(ctx: RunContext, plan: IntegrationPlan, synthesizerName: string, method: string): Promise<string> {
  const s = ctx.state;
  const language = outputLanguageName(s);
  const cached = stepSystem(
    ctx,
    'integration-frame',
    { language_name: language, synthesizer_name: synthesizerName, synthesizer_method: method, analyst_outputs: analystOutputsText(s) },
    { cacheStepPrompt: true },
  );
  const count = String(plan.parts.length);
  const jobs = plan.parts.map((p): PartJob & { part: IntegrationPart } => ({ id: `part:${p.n}`, heading: p.steps[0].title, maxWords: p.maxWords, attempt: 1, text: null, part: p }));
  const instructions = (p: IntegrationPart) =>
    `${ctx.library.render('integration-part', {
      language_name: language,
      part_number: String(p.n),
      part_count: count,
      part_steps: stepsText(p),
      other_parts: othersText(plan, p),
      part_min_words: String(p.minWords),
      part_max_words: String(p.maxWords),
    })}\n\nWrite part ${p.n} of ${count} now.`;

  // The second cached block is new to the provider's cache: the longest part leads, and the
  // others start when its response begins (then they read it instead of writing it).
  const leader = ctx.settings.promptCaching ? largest(jobs, (j) => j.maxWords) : undefined;
  await ledInParallel(jobs, jobs.length, leader, async (j, onBegin) => {
    j.text = await writePart(ctx, j, cached, instructions(j.part), onBegin);
  });

  const written = jobs.map((j) => j.text!).join('\n\n');
  const c = plan.closing;
  const closing: PartJob = { id: 'closing', heading: c.title, maxWords: c.maxWords, attempt: 1, text: null };
  const request = `${ctx.library.render('integration-closing', {
    language_name: language,
    closing_heading: c.title,
    closing_method: c.method || '(the method has no conclusion step of its own: follow "How to integrate")',
    written_parts: written,
    part_min_words: String(c.minWords),
    part_max_words: String(c.maxWords),
  })}\n\nWrite the closing part now.`;
  closing.text = await writePart(ctx, closing, cached, request);
  return `${written}\n\n${closing.text}`;
}
