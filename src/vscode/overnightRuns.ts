/**
 * Overnight runs while no window waits for them: a run whose window was closed while its batch
 * was out, and a run the person set aside to start another analysis in the same window.
 *
 * Owns: the list of runs set aside (in the workspace state, so a restart still polls them), the
 * choice of the run to poll again when the window is free, and the question asked before one is
 * set aside. Must not: start, resume or cancel a run itself (the controller does).
 */
import * as vscode from 'vscode';
import type { Log, RunSummary } from '../core/ports';
import type { ActiveRun } from './activeRun';
import { inert } from './inertText';

const SET_ASIDE_KEY = 'strategicAnalysis.setAsideOvernightRuns';

export class OvernightRuns {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {}

  /** The ids of the runs set aside. */
  setAside(): string[] {
    const ids = this.memento.get<unknown>(SET_ASIDE_KEY);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  async mark(id: string, aside: boolean): Promise<void> {
    const others = this.setAside().filter((x) => x !== id);
    if (!aside && others.length === this.setAside().length) return;
    await this.memento.update(SET_ASIDE_KEY, aside ? [...others, id] : others);
  }

  /**
   * The run whose batch is still out and that no window polls: recorded as running (its window
   * went away), or stopped because the person set it aside.
   */
  toPoll(runs: readonly RunSummary[]): RunSummary | undefined {
    const aside = new Set(this.setAside());
    return runs.find(
      (r) =>
        (r.overnight === 'submitted' || r.overnight === 'in-progress') &&
        (r.status === 'running' || (r.status === 'cancelled' && aside.has(r.id))),
    );
  }

  /**
   * When the active run only waits for its batch, asks whether to set it aside; when the person
   * agrees, stops it (recorded as set aside) and resolves true once it has ended.
   */
  async offerToSetAside(active: ActiveRun, ended: Promise<void>): Promise<boolean> {
    if (!active.waitingOvernight || !active.id) return false;
    const setAside = vscode.l10n.t('Set Aside and Continue');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The analysis "{0}" is waiting for its overnight results. Set it aside? Its batch goes on at the API and nothing is sent again; it is checked again when the new analysis ends, or when you open it from the run list.',
        inert(active.title),
      ),
      setAside,
    );
    if (picked !== setAside || !active.waitingOvernight) return false;
    await this.mark(active.id, true);
    this.log.info(`Overnight run ${active.id} set aside for another analysis; its batch goes on.`);
    active.stopWaitingOvernight();
    await ended;
    return true;
  }
}
