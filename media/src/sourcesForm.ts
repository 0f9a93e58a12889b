/**
 * The sources gate's form: the context documents chosen (files and folders, with a filter by
 * type), per document its pages or slides, passages, estimated tokens and whether it fits the
 * context budget (and what is left out), the research briefing, and web search.
 *
 * Owns: this form's layout and its messages. Must not: read or judge documents (the extension
 * sends what the core's preview found). Text from files is set as text, never as markup.
 */
import type { GateDocument, SourcesGate, WebviewStrings } from '../../src/shared/protocol';
import { button, format, h, icon, uid } from './dom';
import type { GateContext } from './gateForms';

const TYPES = ['pdf', 'word', 'sheets', 'slides', 'text'] as const;

function typeLabel(s: WebviewStrings, t: (typeof TYPES)[number]): string {
  return { pdf: s.typePdf, word: s.typeWord, sheets: s.typeSheets, slides: s.typeSlides, text: s.typeText }[t];
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function number(n: number): string {
  return n.toLocaleString();
}

function unitsText(s: WebviewStrings, d: GateDocument): string {
  const n = number(d.units);
  switch (d.format) {
    case 'pdf':
      return format(s.unitsPages, n);
    case 'pptx':
      return format(s.unitsSlides, n);
    case 'xlsx':
    case 'csv':
      return format(s.unitsSheets, n);
    case 'docx':
      return format(s.unitsSections, n);
    default:
      return format(s.unitsLines, n);
  }
}

function fitsBadge(s: WebviewStrings, d: GateDocument): HTMLElement {
  if (d.fits === 'all') return h('span', { class: 'badge badge-fits' }, icon('pass'), ' ', s.fitsAll);
  if (d.fits === 'part') return h('span', { class: 'badge badge-part' }, icon('warning'), ' ', format(s.fitsPart, number(d.selectedTokens), number(d.tokens)));
  return h('span', { class: 'badge badge-none' }, icon('circle-slash'), ' ', s.fitsNone);
}

function documentItem(gate: SourcesGate, d: GateDocument, ctx: GateContext): HTMLElement {
  const { s } = ctx;
  const remove = d.skipped
    ? null
    : button('', () => ctx.post({ type: 'remove-context-file', gateId: gate.gateId, path: d.path }), {
        variant: 'link',
        icon: 'close',
        ariaLabel: format(s.remove, baseName(d.path)),
      });
  const details = d.problem
    ? h('p', { class: d.skipped ? 'hint' : 'error', role: d.skipped ? undefined : 'alert' }, d.skipped ? `${s.skipped}: ${d.problem}` : d.problem)
    : h('p', { class: 'muted doc-summary' }, format(s.documentSummary, unitsText(s, d), number(d.passages), number(d.tokens)), ' ', fitsBadge(s, d));
  const leftOut = !d.problem && d.leftOut.length ? h('p', { class: 'hint' }, format(s.leftOut, d.leftOut.join(', ') + (d.passages - d.leftOut.length > 0 && d.fits !== 'all' ? '…' : ''))) : null;
  return h(
    'li',
    { class: `document${d.problem ? ' has-problem' : ''}`, title: d.path },
    h('div', { class: 'document-head' }, icon(d.problem ? 'warning' : 'file'), h('span', { class: 'file-name' }, d.title || baseName(d.path)), remove),
    details,
    leftOut,
    d.notes.length ? h('p', { class: 'hint' }, d.notes.join(' ')) : null,
  );
}

function typeFilter(gate: SourcesGate, ctx: GateContext): HTMLElement {
  const { s } = ctx;
  return h(
    'fieldset',
    { class: 'types' },
    h('legend', {}, s.documentTypes),
    TYPES.map((t) => {
      const id = uid('type');
      const input = h('input', { type: 'checkbox', id, checked: gate.types.includes(t) });
      input.addEventListener('change', () => {
        const types = TYPES.filter((x) => (x === t ? input.checked : gate.types.includes(x)));
        ctx.post({ type: 'set-document-types', gateId: gate.gateId, types });
      });
      return h('label', { class: 'check', for: id }, input, h('span', {}, typeLabel(s, t)));
    }),
  );
}

function budgetLine(gate: SourcesGate, s: WebviewStrings): HTMLElement | null {
  if (gate.reading) return h('p', { class: 'muted', role: 'status' }, icon('loading', 'codicon-modifier-spin'), ' ', s.readingDocuments);
  if (!gate.documents.some((d) => !d.problem)) return null;
  if (gate.availableTokens <= gate.budgetTokens) {
    return h('p', { class: 'budget', role: 'status' }, format(s.budgetFits, number(gate.availableTokens), number(gate.budgetTokens)));
  }
  return h('p', { class: 'budget budget-over', role: 'status' }, icon('warning'), ' ', format(s.budgetOver, number(gate.availableTokens), number(gate.budgetTokens), number(gate.selectedTokens)));
}

export function sourcesForm(gate: SourcesGate, ctx: GateContext, parts: { cancel: HTMLElement; webSearch: HTMLElement[]; continueButton: HTMLElement }): HTMLElement {
  const { s } = ctx;
  const needWord = gate.need === 'high' ? s.needHigh : gate.need === 'medium' ? s.needMedium : s.needLow;
  const docs = gate.documents.length
    ? h('ul', { class: 'files documents' }, gate.documents.map((d) => documentItem(gate, d, ctx)))
    : gate.contextFiles.length
      ? h('ul', { class: 'files' }, gate.contextFiles.map((f) => h('li', { title: f }, icon('file'), h('span', { class: 'file-name' }, baseName(f)))))
      : h('p', { class: 'muted' }, s.noContextDocuments);
  const briefing = gate.briefingFile
    ? h(
        'ul',
        { class: 'files' },
        h(
          'li',
          { title: gate.briefingFile },
          icon('book'),
          h('span', { class: 'file-name' }, baseName(gate.briefingFile)),
          button('', () => ctx.post({ type: 'remove-briefing', gateId: gate.gateId }), { variant: 'link', icon: 'close', ariaLabel: format(s.remove, baseName(gate.briefingFile)) }),
        ),
      )
    : null;
  return h(
    'section',
    { class: 'gate', 'aria-labelledby': 'gate-title', 'aria-busy': gate.reading ? 'true' : undefined },
    h('h2', { id: 'gate-title' }, s.sourcesTitle),
    h('p', { class: `need need-${gate.need}` }, format(s.sourceNeed, needWord)),
    gate.rationale ? h('p', { class: 'rationale' }, gate.rationale) : null,
    // Why documents of the previous answer were not used; the rest of it is kept below.
    gate.problem
      ? h('div', { class: 'error sources-problem', role: 'alert' }, gate.problem.split('\n').map((line) => h('p', {}, icon('error'), ' ', line)))
      : null,
    h('h3', {}, s.contextDocuments),
    budgetLine(gate, s),
    docs,
    briefing ? h('h3', {}, s.researchBriefing) : null,
    briefing,
    typeFilter(gate, ctx),
    h(
      'div',
      { class: 'actions' },
      button(s.addContextDocuments, () => ctx.post({ type: 'pick-context-files', gateId: gate.gateId }), { variant: 'secondary', icon: 'new-file' }),
      button(s.addFolder, () => ctx.post({ type: 'pick-context-folder', gateId: gate.gateId }), { variant: 'secondary', icon: 'folder' }),
      button(s.addResearchBriefing, () => ctx.post({ type: 'pick-briefing', gateId: gate.gateId }), { variant: 'secondary', icon: 'book' }),
    ),
    ...parts.webSearch,
    h('div', { class: 'actions' }, parts.continueButton, parts.cancel),
  );
}
