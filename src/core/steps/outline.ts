/**
 * Step 6b — outline: written by the model from the integration and the template, then approved
 * by the person in the side panel, or revised with feedback. Every revision sees ALL earlier
 * feedback, not just the last. The person may edit the outline before approving it. The person
 * sees provenance markers as analyst names; the stored outline keeps the internal markers.
 */
import { CancelledByPerson, type RunContext } from '../context';
import { GateError } from '../errors';
import { outputLanguageName, stepSystem, templateSections } from '../promptText';
import { stripOuterFence } from '../modelAnswers';
import { internalMarkers, readableMarkers } from '../markers';

export function feedbackHistory(revisions: Array<{ n: number; feedback?: string }>): string {
  const items = revisions.filter((r) => r.feedback?.trim());
  if (items.length === 0) return '(none)';
  return items.map((r) => `- On revision ${r.n}: ${r.feedback!.trim()}`).join('\n');
}

async function writeRevision(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const n = s.outline.length + 1;
  const template = ctx.library.templates.find((t) => t.id === s.proposal!.template) ?? ctx.library.templates[0];
  const previous = s.outline.length ? s.outline[s.outline.length - 1].text : '(none: this is the first outline)';
  const call = await ctx.call({
    key: `outline:${n}`,
    step: 'outline',
    label: `outline:${n}`,
    system: stepSystem(ctx, 'outline', {
      language_name: outputLanguageName(s),
      template_name: template.name,
      template_sections: templateSections(template),
      integration: s.integration ?? '',
      previous_outline: previous,
      feedback_history: feedbackHistory(s.outline),
    }),
    messages: [{ role: 'user', content: n === 1 ? 'Write the outline now.' : 'Revise the outline, taking all the feedback into account.' }],
    maxTokens: 4000,
  });
  const text = stripOuterFence(call.text).trim();
  if (!text) throw new GateError('outline', 'outline', 'The outline came back empty. Resume to try again.');
  // Saved when the outline gate opens, right after.
  s.outline.push({ n, text, createdAt: ctx.now(), author: 'model' });
}

export async function runOutline(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  for (;;) {
    const last = s.outline[s.outline.length - 1];
    // A new revision is needed at the start and after each request for changes.
    if (!last || last.feedback) await writeRevision(ctx);
    const current = s.outline[s.outline.length - 1];
    const names = ctx.library.analysts.map((a) => ({ id: a.id, name: a.name }));
    await ctx.awaitPerson('outline');
    const decision = await ctx.ask(
      ctx.reviewer.reviewOutline(
        {
          current: readableMarkers(current.text, names),
          revisions: s.outline.map((r) => ({ n: r.n, text: readableMarkers(r.text, names), author: r.author, feedback: r.feedback })),
        },
        s,
      ),
    );
    ctx.record('outline', 'decision', decision.kind);
    ctx.runLog.decision({
      step: 'outline',
      gate: 'outline',
      decision: decision.kind,
      detail: decision.kind === 'request-changes' ? decision.feedback : '',
    });
    if (decision.kind === 'cancel') throw new CancelledByPerson('outline');
    if (decision.kind === 'approve') {
      const edited = decision.editedText?.trim() ? internalMarkers(decision.editedText.trim(), names) : undefined;
      if (edited && edited !== current.text.trim()) {
        s.outline.push({ n: current.n + 1, text: edited, createdAt: ctx.now(), author: 'person' });
      }
      s.outlineApproved = true;
      ctx.record('outline', 'gate-pass', `revision ${s.outline[s.outline.length - 1].n} approved`);
      await ctx.resumeWork();
      return;
    }
    const feedback = decision.feedback.trim();
    if (!feedback) {
      ctx.log.warn('A request for changes needs feedback; the outline is shown again.');
      continue;
    }
    current.feedback = feedback;
    await ctx.resumeWork();
  }
}
