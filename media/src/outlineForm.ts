/**
 * The form of the outline gate: the outline to edit with its preview, its revisions and the
 * changes between two of them, feedback for the model, approve or request changes.
 *
 * Owns: building this form and its protocol messages. Must not: diff texts itself (the shared
 * line diff does) or decide for the workflow.
 */
import { diffLines } from '../../src/shared/lineDiff';
import type { OutlineGate, WebviewStrings } from '../../src/shared/protocol';
import { button, format, h } from './dom';
import { actions, cancelButton, errorLine, postAnswer, showError, textArea, type GateContext } from './formParts';
import { renderMarkdown } from './markdown';

function diffView(before: string, after: string, s: WebviewStrings): HTMLElement {
  const lines = diffLines(before, after);
  if (!lines.some((l) => l.op !== 'same')) return h('p', { class: 'muted' }, s.noChanges);
  return h(
    'pre',
    { class: 'diff' },
    lines.map((l) =>
      h('span', { class: `diff-line diff-${l.op}` }, `${l.op === 'add' ? '+ ' : l.op === 'del' ? '- ' : '  '}${l.text}\n`),
    ),
  );
}

export function outlineForm(gate: OutlineGate, ctx: GateContext): HTMLElement {
  const { s, draft } = ctx;
  const text = typeof draft.outline === 'string' ? draft.outline : gate.current;
  const feedback = typeof draft.feedback === 'string' ? draft.feedback : '';
  const errors = errorLine();

  const preview = h('div', { class: 'preview', 'aria-label': s.preview, role: 'region' }, renderMarkdown(text));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outlineField = textArea(
    s.outline,
    text,
    (v) => {
      draft.outline = v;
      ctx.save();
      clearTimeout(timer);
      timer = setTimeout(() => preview.replaceChildren(renderMarkdown(v)), 200);
    },
    12,
  );
  outlineField.classList.add('outline-editor');
  const feedbackField = textArea(s.feedback, feedback, (v) => {
    draft.feedback = v;
    ctx.save();
    if (v.trim()) showError(errors, '');
  });

  const revisions = [...gate.revisions].sort((a, b) => b.n - a.n);
  const history = revisions.length
    ? h(
        'div',
        { class: 'revisions' },
        h('h3', {}, s.revisions),
        revisions.map((r) => {
          const previous = gate.revisions.find((x) => x.n === r.n - 1);
          const summary = h(
            'summary',
            {},
            `${format(s.revision, r.n)} · ${r.author === 'model' ? s.byModel : s.byPerson}`,
          );
          const body = h(
            'div',
            { class: 'revision-body' },
            r.feedback ? h('p', { class: 'muted' }, format(s.feedbackGiven, r.feedback)) : null,
            previous
              ? h('p', { class: 'muted' }, format(s.compareWith, previous.n, r.n))
              : null,
            previous ? diffView(previous.text, r.text, s) : h('pre', { class: 'diff' }, r.text),
          );
          return h('details', {}, summary, body);
        }),
      )
    : null;

  return h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title' },
    h('h2', { id: 'gate-title' }, s.outlineTitle),
    outlineField,
    h('h3', {}, s.preview),
    preview,
    history,
    feedbackField,
    errors,
    actions(
      button(
        s.approveOutline,
        () => {
          const edited = typeof draft.outline === 'string' && draft.outline !== gate.current ? draft.outline : undefined;
          postAnswer(ctx, gate, { kind: 'approve', ...(edited !== undefined ? { editedText: edited } : {}) });
        },
        { icon: 'check' },
      ),
      button(
        s.requestChanges,
        () => {
          const f = typeof draft.feedback === 'string' ? draft.feedback.trim() : '';
          if (!f) {
            showError(errors, s.feedbackRequired);
            return;
          }
          postAnswer(ctx, gate, { kind: 'request-changes', feedback: f });
        },
        { variant: 'secondary', icon: 'comment' },
      ),
      cancelButton(ctx),
    ),
  );
}
