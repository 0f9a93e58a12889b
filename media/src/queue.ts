/**
 * The review queue of the Analysis panel: every run of the workspace, in the order the
 * extension sends (what needs the person first), grouped under a heading per kind — awaiting
 * you (and runs interrupted when their window was closed, with Resume), failed (with the reason
 * and Resume), running, overnight, stopped, done — each with its cost and what the person should
 * know about its outcome.
 *
 * Owns: rendering the queue and its clicks. Must not: sort or decide what a run needs (the
 * extension does, see src/core/runIndex.ts), or render run text as HTML.
 */
import type { FromWebview, RunEntry, ViewState, WebviewStrings } from '../../src/shared/protocol';
import { runStatusName, stepName, usd } from '../../src/shared/labels';
import { button, format, h, icon } from './dom';

const STATUS_ICONS: Record<RunEntry['status'], string> = {
  running: 'sync',
  awaiting: 'bell-dot',
  done: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
};

type Group = 'awaiting' | 'failed' | 'running' | 'overnight' | 'stopped' | 'done';

export function groupOf(r: RunEntry): Group {
  if (r.status === 'awaiting' || r.overnight === 'results-ready' || r.interrupted) return 'awaiting';
  if (r.status === 'failed') return 'failed';
  if (r.overnight === 'submitted' || r.overnight === 'in-progress') return 'overnight';
  if (r.status === 'running') return 'running';
  if (r.status === 'cancelled') return 'stopped';
  return 'done';
}

function groupTitle(s: WebviewStrings, g: Group): string {
  const map: Record<Group, string> = {
    awaiting: s.queueAwaiting,
    failed: s.queueFailed,
    running: s.queueRunning,
    overnight: s.queueOvernight,
    stopped: s.queueStopped,
    done: s.queueDone,
  };
  return map[g];
}

function statusText(s: WebviewStrings, r: RunEntry): string {
  if (!r.interrupted && r.overnight === 'submitted') return s.overnightSubmitted;
  if (!r.interrupted && r.overnight === 'in-progress') return s.overnightInProgress;
  if (!r.interrupted && r.overnight === 'results-ready') return s.overnightReady;
  return runStatusName(s, r.status, r.interrupted);
}

function costText(s: WebviewStrings, r: RunEntry): string {
  if (r.unpricedModels.length) return format(s.costUnknown, usd(r.costUsd));
  if (r.budgetUsd !== null) return format(s.costOfBudgetShort, usd(r.costUsd), usd(r.budgetUsd));
  return r.costUsd > 0 ? usd(r.costUsd) : '';
}

/** More controls of an entry (the export actions of a finished run). */
export type EntryExtra = (r: RunEntry) => Node | null;

function entry(s: WebviewStrings, r: RunEntry, activeId: string | null, post: (m: FromWebview) => void, extra?: EntryExtra): HTMLElement {
  const descId = `run-${r.id}`;
  const hint = r.status === 'done' ? s.openHint : r.id === activeId ? '' : s.resumeHint;
  const b = button(r.title, () => post({ type: 'open-run', id: r.id }), { variant: 'link', ariaLabel: r.title });
  b.classList.add('queue-item');
  b.setAttribute('aria-describedby', descId);
  b.title = hint ? `${r.title} — ${hint}` : r.title;
  const meta = [statusText(s, r), stepName(s, r.step), new Date(r.updatedAt).toLocaleDateString(), costText(s, r)].filter(Boolean).join(' · ');
  // A run whose window was closed or killed: shown as interrupted, with Resume.
  const interrupted = r.interrupted && r.id !== activeId;
  return h(
    'li',
    { class: `queue-entry status-${interrupted ? 'interrupted' : r.status}` },
    icon(interrupted ? 'debug-pause' : r.overnight && r.status !== 'done' ? 'watch' : STATUS_ICONS[r.status]),
    h(
      'div',
      { class: 'queue-text' },
      b,
      h('span', { id: descId, class: 'muted queue-meta' }, meta),
      r.status === 'failed' && r.error ? h('span', { class: 'queue-error' }, r.error) : null,
      r.notices.map((n) => h('span', { class: 'queue-notice' }, icon('warning'), ' ', n)),
      interrupted && !activeId
        ? button(s.resumeRun, () => post({ type: 'open-run', id: r.id }), { variant: 'secondary', icon: 'debug-continue', ariaLabel: `${s.resumeRun}: ${r.title}` })
        : null,
      r.status === 'failed' && r.id !== activeId
        ? button(s.resumeHint, () => post({ type: 'open-run', id: r.id }), { variant: 'secondary', icon: 'debug-restart', ariaLabel: `${s.resumeHint}: ${r.title}` })
        : null,
    ),
    extra?.(r) ?? null,
  );
}

/** The queue section's content. */
export function queueContent(s: WebviewStrings, v: ViewState, post: (m: FromWebview) => void, extra?: EntryExtra): Array<Node | string> {
  const heading = h('h2', { id: 'queue-title' }, s.analysesTitle);
  if (!v.runsLoaded) return [heading, h('p', { class: 'muted' }, s.loading)];
  if (v.runs.length === 0) return [heading, h('p', { class: 'muted empty' }, s.noAnalyses)];
  const out: Array<Node | string> = [heading];
  let current: Group | null = null;
  let list: HTMLElement | null = null;
  for (const r of v.runs) {
    const g = groupOf(r);
    if (g !== current) {
      current = g;
      const id = `queue-${g}`;
      out.push(h('h3', { id, class: 'queue-group' }, groupTitle(s, g)));
      list = h('ul', { class: 'queue', 'aria-labelledby': id });
      out.push(list);
    }
    list!.appendChild(entry(s, r, v.active?.id ?? null, post, extra));
  }
  return out;
}
