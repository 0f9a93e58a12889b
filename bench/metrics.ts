/**
 * Pure helpers of the benchmark: time intervals (critical path, busy time), medians, ratios and
 * the met/missed verdict of each target. No I/O, so they are unit-tested on their own.
 */

/** A span of wall-clock time, in milliseconds (any common origin). */
export interface Interval {
  start: number;
  end: number;
  /** When the response began arriving (a streamed call's first token), when known. */
  firstAt?: number;
}

export function duration(i: Interval): number {
  return Math.max(0, i.end - i.start);
}

/**
 * Groups intervals that overlap in time (transitively): calls that ran in parallel end up in
 * the same group, calls that ran one after another in different groups. Groups are returned in
 * time order; touching intervals (one ends exactly when the next starts) are sequential.
 */
export function overlapGroups(intervals: Interval[]): Interval[][] {
  const sorted = [...intervals].filter((i) => i.end >= i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const groups: Interval[][] = [];
  let current: Interval[] = [];
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const i of sorted) {
    if (current.length > 0 && i.start < currentEnd) {
      current.push(i);
      currentEnd = Math.max(currentEnd, i.end);
    } else {
      if (current.length > 0) groups.push(current);
      current = [i];
      currentEnd = i.end;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The latency on the critical path of one step: calls made one after another add up, a group
 * of calls that ran in parallel counts as its slowest call. In a group led by a call whose
 * response began at a known time (the leader of a parallel step: the others wait for it, to read
 * the cached prefix it writes instead of each writing it), a call that started once the leader's
 * response had begun also counts the leader's head start (the leader's time to first token),
 * the one wait that dependency needs; any later start is overhead.
 */
export function criticalPathMs(intervals: Interval[]): number {
  return overlapGroups(intervals).reduce((sum, g) => sum + groupPathMs(g), 0);
}

function groupPathMs(group: Interval[]): number {
  const lead = group[0];
  const firstAt = lead.firstAt;
  const headStart = firstAt !== undefined && firstAt >= lead.start ? firstAt - lead.start : 0;
  return Math.max(...group.map((i) => duration(i) + (i !== lead && headStart > 0 && i.start >= firstAt! ? headStart : 0)));
}

/** Time during which at least one of the intervals was under way (the length of their union). */
export function busyMs(intervals: Interval[]): number {
  return overlapGroups(intervals).reduce((sum, g) => sum + (Math.max(...g.map((i) => i.end)) - g[0].start), 0);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `a / b`, or null when it has no meaning (b is zero or either is unknown). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) {
    return null;
  }
  return a / b;
}

export function round(value: number | null, digits = 3): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Target {
  /** `<=` the figure must not exceed the limit; `>=` it must reach it. */
  op: '<=' | '>=';
  limit: number;
}

export type Verdict = 'met' | 'missed' | 'not measured';

export function verdict(value: number | null | undefined, target: Target): Verdict {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'not measured';
  return (target.op === '<=' ? value <= target.limit : value >= target.limit) ? 'met' : 'missed';
}

/**
 * Attributes a moment to the step that was running then, from the `[start, end]` window of
 * each step; null when it falls outside every step.
 */
export function stepAt<S extends string>(at: number, windows: Array<{ step: S } & Interval>): S | null {
  for (const w of windows) if (at >= w.start && at <= w.end) return w.step;
  return null;
}
