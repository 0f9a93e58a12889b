/**
 * Step 6a — integration: the synthesizer's method applied to the valid analyst outputs, with
 * provenance markers kept for the later steps. Gate: a non-empty integration.
 */
import type { RunContext } from '../context';
import { GateError } from '../errors';
import { analystOutputsText, outputLanguageName, sharedPrefix } from '../promptText';
import { stripOuterFence } from '../modelAnswers';

export async function runIntegrate(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const synth = ctx.library.synthesizers.find((x) => x.id === s.proposal!.synthesizer);
  const call = await ctx.call({
    key: 'integration',
    step: 'integrate',
    label: 'integration',
    system: [
      { text: sharedPrefix(ctx), cache: true },
      {
        text: ctx.library.render('integration', {
          language_name: outputLanguageName(s),
          synthesizer_name: synth?.name ?? s.proposal!.synthesizer,
          synthesizer_method: synth?.method ?? '',
          analyst_outputs: analystOutputsText(s),
        }),
      },
    ],
    messages: [{ role: 'user', content: 'Integrate the analyst outputs now.' }],
    maxTokens: 8000,
  });
  const text = stripOuterFence(call.text).trim();
  if (call.stopReason === 'max_tokens') {
    ctx.log.warn('The integration reached the maximum output length; the outline step works with what was written.');
  }
  if (text.length < 100) {
    throw new GateError('integrate', 'integration', 'The integration of the analyst outputs came back empty. Resume to try again.');
  }
  s.integration = text;
  ctx.record('integrate', 'gate-pass', `${text.length} characters`);
}
