/**
 * Step 6a — integration: the synthesizer's method applied to the valid analyst outputs, with
 * provenance markers kept for the later steps. A method with steps (`##` headings) is written
 * in parts at the same time, the closing part last from the others (integrationParts.ts); a
 * method without is written by one call. Gate: a non-empty integration.
 */
import type { RunContext } from '../context';
import { GateError } from '../errors';
import { planIntegration } from '../integrationPlan';
import { analystOutputsText, outputLanguageName, stepSystem } from '../promptText';
import { stripOuterFence } from '../modelAnswers';
import { writeIntegrationParts } from './integrationParts';

async function oneCall(ctx: RunContext, synthesizerName: string, method: string): Promise<string> {
  const s = ctx.state;
  const call = await ctx.call({
    key: 'integration',
    step: 'integrate',
    label: 'integration',
    system: stepSystem(ctx, 'integration', {
      language_name: outputLanguageName(s),
      synthesizer_name: synthesizerName,
      synthesizer_method: method,
      analyst_outputs: analystOutputsText(s),
    }),
    messages: [{ role: 'user', content: 'Integrate the analyst outputs now.' }],
    maxTokens: 8000,
  });
  if (call.stopReason === 'max_tokens') {
    ctx.log.warn('The integration reached the maximum output length; the outline step works with what was written.');
  }
  return stripOuterFence(call.text).trim();
}

export async function runIntegrate(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const synth = ctx.library.synthesizers.find((x) => x.id === s.proposal!.synthesizer);
  const name = synth?.name ?? s.proposal!.synthesizer;
  const method = synth?.method ?? '';
  const plan = planIntegration(method);
  // A run whose integration was already answered by one call keeps that answer.
  const byParts = plan !== null && !ctx.recorded(ctx.callKey('integrate', 'integration'));
  const text = byParts ? await writeIntegrationParts(ctx, plan, name, method) : await oneCall(ctx, name, method);
  if (text.length < 100) {
    throw new GateError('integrate', 'integration', 'The integration of the analyst outputs came back empty. Resume to try again.');
  }
  s.integration = text;
  ctx.record('integrate', 'gate-pass', `${text.length} characters${byParts ? `, ${plan.parts.length + 1} parts` : ''}`);
}
