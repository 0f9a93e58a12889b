/**
 * What the activation probe (run inside the extension host) and the benchmark agree on: the
 * environment variable naming the result file, the console line prefix and the result's shape.
 * Kept apart from the probe, which imports `vscode` and loads only inside the extension host.
 */
export const EXTENSION_ID = 'strategic-analysis.strategic-analysis';
export const PROBE_RESULT_ENV = 'STRATEGIC_ANALYSIS_BENCH_RESULT';
export const PROBE_LINE_PREFIX = '[bench-activation] ';

export interface ProbeResult {
  /** What the extension reports: the time spent inside activate(). */
  activationMs: number | null;
  /** Time the extension host took to load and activate the extension, seen from outside. */
  activateCallMs: number | null;
  error?: string;
}
