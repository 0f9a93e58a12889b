/**
 * The forms of the human gates (sources, clarification, proposal, failures; the outline form is
 * in outlineForm.ts, the parts every form shares in formParts.ts).
 *
 * Owns: building each gate's form and turning clicks into protocol messages. Form values are
 * kept in a per-gate draft (persisted by main.ts), so re-rendering or reloading the panel loses
 * nothing typed. Must not: validate or decide for the workflow (the extension and the core do).
 */
import type { ProposalChanges } from '../../src/shared/gates';
import type { ClarifyGate, FailuresGate, Gate, ProposalGate, SourcesGate } from '../../src/shared/protocol';
import { budgetForm, estimateBlock, parseBudget, proposalCostFields } from './costForm';
import { button, format, h, icon, uid } from './dom';
import { languageField } from './languageField';
import { sourcesForm } from './sourcesForm';
import { outlineForm } from './outlineForm';
import { actions, cancelButton, checkbox, errorLine, postAnswer, showError, textArea, type GateContext } from './formParts';

export type { Draft, GateContext } from './formParts';

// ---------------------------------------------------------------------------------------------

function sourcesGate(gate: SourcesGate, ctx: GateContext): HTMLElement {
  const { s, draft } = ctx;
  const hintId = uid('hint');
  // Asked again: the previous answer's web search choice is where the form starts.
  const initialWebSearch = gate.previous?.webSearch ?? gate.need !== 'low';
  const webSearch = () => gate.webSearchAvailable && (draft.webSearch === undefined ? initialWebSearch : draft.webSearch === true);
  const continueButton = button(s.continue, () => postAnswer(ctx, gate, { kind: 'choose', webSearch: webSearch() }), {
    icon: 'arrow-right',
    disabled: gate.reading,
  });
  return sourcesForm(gate, ctx, {
    cancel: cancelButton(ctx),
    continueButton,
    webSearch: [
      checkbox(
        s.allowWebSearch,
        webSearch(),
        (checked) => {
          draft.webSearch = checked;
          ctx.save();
        },
        { disabled: !gate.webSearchAvailable, describedBy: gate.webSearchAvailable ? undefined : hintId },
      ),
      ...(gate.webSearchAvailable ? [] : [h('p', { id: hintId, class: 'hint' }, s.webSearchUnavailable)]),
    ],
  });
}

// ---------------------------------------------------------------------------------------------

function clarifyForm(gate: ClarifyGate, ctx: GateContext): HTMLElement {
  const { s, draft } = ctx;
  const fields = gate.questions.map((q) =>
    textArea(q.question, typeof draft[`q:${q.id}`] === 'string' ? (draft[`q:${q.id}`] as string) : '', (v) => {
      draft[`q:${q.id}`] = v;
      ctx.save();
    }),
  );
  const answers = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const q of gate.questions) {
      const v = draft[`q:${q.id}`];
      if (typeof v === 'string') out[q.id] = v;
    }
    return out;
  };
  return h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title' },
    h('h2', { id: 'gate-title' }, s.clarifyTitle),
    fields,
    actions(
      button(s.submitAnswers, () => postAnswer(ctx, gate, { kind: 'answer', answers: answers() }), {
        icon: 'check',
      }),
      button(s.skip, () => postAnswer(ctx, gate, { kind: 'skip' }), { variant: 'secondary' }),
      cancelButton(ctx),
    ),
  );
}

// ---------------------------------------------------------------------------------------------

function select(label: string, options: Array<{ id: string; name: string }>, value: string, onChange: (v: string) => void): HTMLElement {
  const id = uid('sel');
  const el = h(
    'select',
    { id },
    options.map((o) => h('option', { value: o.id, selected: o.id === value }, o.name)),
  );
  if (!options.some((o) => o.id === value)) el.appendChild(h('option', { value, selected: true }, value));
  el.addEventListener('change', () => onChange(el.value));
  return h('div', { class: 'field' }, h('label', { for: id }, label), el);
}

function proposalForm(gate: ProposalGate, ctx: GateContext): HTMLElement {
  const { s, draft } = ctx;
  const p = gate.proposal;
  const budgetLimit = gate.budgetLimitUsd ?? null;
  const current = {
    synthesizer: typeof draft.synthesizer === 'string' ? draft.synthesizer : p.synthesizer,
    template: typeof draft.template === 'string' ? draft.template : p.template,
    analysts: Array.isArray(draft.analysts) ? draft.analysts : [...p.analysts],
    webSearch: typeof draft.webSearch === 'boolean' ? draft.webSearch : p.webSearch,
    model: typeof draft.model === 'string' ? draft.model : p.model,
    language: typeof draft.language === 'string' ? draft.language : gate.language,
    overnight: typeof draft.overnight === 'boolean' ? draft.overnight : p.overnight === true,
    budget: typeof draft.budget === 'string' ? draft.budget : p.budgetUsd !== undefined ? String(p.budgetUsd) : '',
  };
  const errors = errorLine();

  const changes = () => {
    const c: ProposalChanges = {};
    if (current.synthesizer !== p.synthesizer) c.synthesizer = current.synthesizer;
    if (current.template !== p.template) c.template = current.template;
    const a = [...current.analysts].sort().join('\n');
    if (a !== [...p.analysts].sort().join('\n')) c.analysts = [...current.analysts];
    if (gate.webSearchAvailable && current.webSearch !== p.webSearch) c.webSearch = current.webSearch;
    if (current.model.trim() && current.model.trim() !== p.model) c.model = current.model.trim();
    if (current.language !== gate.language) c.language = current.language;
    if (gate.overnightAvailable && current.overnight !== (p.overnight === true)) c.overnight = current.overnight;
    const budget = parseBudget(current.budget, budgetLimit);
    if (typeof budget === 'number' && budget !== p.budgetUsd) c.budgetUsd = budget;
    return c;
  };

  const approve = button(s.approve, () => postAnswer(ctx, gate, { kind: 'approve' }), { icon: 'check' });
  const apply = button(
    s.applyChanges,
    () => {
      if (current.analysts.length === 0) {
        showError(errors, s.selectOneAnalyst);
        return;
      }
      postAnswer(ctx, gate, { kind: 'modify', changes: changes() });
    },
    { variant: 'secondary', icon: 'edit' },
  );
  const refresh = () => {
    const badBudget = parseBudget(current.budget, budgetLimit) === null;
    const changed = Object.keys(changes()).length > 0 || current.analysts.length === 0 || badBudget;
    apply.disabled = !changed || badBudget;
    approve.disabled = changed;
    showError(errors, current.analysts.length === 0 ? s.selectOneAnalyst : badBudget ? s.budgetInvalid : '');
  };
  const store = () => {
    Object.assign(draft, current);
    ctx.save();
    refresh();
  };

  const analystOptions = [...gate.availableAnalysts];
  for (const id of p.analysts) if (!analystOptions.some((a) => a.id === id)) analystOptions.push({ id, name: id });
  const modelId = uid('model');
  const modelInput = h('input', { id: modelId, type: 'text', spellcheck: 'false' });
  modelInput.value = current.model;
  modelInput.addEventListener('input', () => {
    current.model = modelInput.value;
    store();
  });
  const searchHint = uid('hint');

  const form = h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title' },
    h('h2', { id: 'gate-title' }, s.proposalTitle),
    p.rationale ? h('p', { class: 'rationale' }, h('strong', {}, `${s.rationale}: `), p.rationale) : null,
    select(
      s.synthesizer,
      gate.availableSynthesizers.map((x) => ({
        id: x.id,
        name: x.score !== undefined ? `${x.name} (${Math.round(x.score * 100)}%)` : x.name,
      })),
      current.synthesizer,
      (v) => {
        current.synthesizer = v;
        store();
      },
    ),
    select(s.template, gate.availableTemplates, current.template, (v) => {
      current.template = v;
      store();
    }),
    languageField(gate, current.language, s, (v) => {
      current.language = v;
      store();
    }),
    h(
      'fieldset',
      { class: 'analysts' },
      h('legend', {}, s.analysts),
      analystOptions.map((a) =>
        checkbox(a.name, current.analysts.includes(a.id), (checked) => {
          current.analysts = checked
            ? [...current.analysts.filter((x) => x !== a.id), a.id]
            : current.analysts.filter((x) => x !== a.id);
          store();
        }),
      ),
    ),
    checkbox(
      s.webSearch,
      gate.webSearchAvailable && current.webSearch,
      (checked) => {
        current.webSearch = checked;
        store();
      },
      { disabled: !gate.webSearchAvailable, describedBy: gate.webSearchAvailable ? undefined : searchHint },
    ),
    gate.webSearchAvailable ? null : h('p', { id: searchHint, class: 'hint' }, s.webSearchUnavailable),
    h('div', { class: 'field' }, h('label', { for: modelId }, s.model), modelInput),
    proposalCostFields(gate, s, current, store, checkbox),
    estimateBlock(gate, s),
    errors,
    actions(approve, apply, cancelButton(ctx)),
  );
  refresh();
  return form;
}

// ---------------------------------------------------------------------------------------------

function failuresForm(gate: FailuresGate, ctx: GateContext): HTMLElement {
  const { s } = ctx;
  const total = gate.failed.length + gate.succeeded.length;
  const decide = (kind: 'retry-failed' | 'continue-partial' | 'abort') => postAnswer(ctx, gate, { kind });
  return h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title' },
    h('h2', { id: 'gate-title' }, s.failuresTitle),
    h('p', {}, format(s.failuresSummary, gate.failed.length, total, gate.threshold)),
    h('h3', {}, s.failedAnalysts),
    h(
      'ul',
      { class: 'failures' },
      gate.failed.map((f) =>
        h('li', {}, icon('error'), ' ', h('strong', {}, f.id), f.errors.length ? h('div', { class: 'muted' }, f.errors.join(' · ')) : null),
      ),
    ),
    gate.succeeded.length ? h('h3', {}, s.succeededAnalysts) : null,
    gate.succeeded.length ? h('p', {}, gate.succeeded.join(', ')) : null,
    actions(
      button(s.retryFailed, () => decide('retry-failed'), { icon: 'refresh' }),
      // Partial results need at least one analyst that succeeded.
      gate.succeeded.length ? button(s.continuePartial, () => decide('continue-partial'), { variant: 'secondary' }) : null,
      button(s.abortAnalysis, () => decide('abort'), { variant: 'danger', icon: 'stop-circle' }),
    ),
  );
}

export function renderGate(gate: Gate, ctx: GateContext): HTMLElement {
  switch (gate.kind) {
    case 'sources':
      return sourcesGate(gate, ctx);
    case 'clarify':
      return clarifyForm(gate, ctx);
    case 'proposal':
      return proposalForm(gate, ctx);
    case 'outline':
      return outlineForm(gate, ctx);
    case 'failures':
      return failuresForm(gate, ctx);
    case 'budget':
      return budgetForm(gate, ctx);
  }
}
