/**
 * Parts of a state that never change once made — a source's passages, a model call's record —
 * are frozen (`deepFreeze`), and a snapshot handed to the store's worker sends each of them
 * once: later snapshots of the run name a part the worker already holds instead of copying it
 * again. Most of a run's state is such parts (the context documents' passages, the answers), so
 * a snapshot costs the run's thread a fraction of a full copy.
 *
 * Owns: freezing those parts, the shape of a snapshot with named parts (`PartsSent`, the run's
 * side) and putting it back together (`PartsHeld`, the worker's side). Only frozen objects are
 * named, so a part cannot have changed since it was sent. Must not: decide what a save writes.
 */

/** `value` and everything in it frozen: a change to it throws instead of being lost. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Freezes the parts of a loaded state that never change (its calls' records, its sources'
 * passages), as they were frozen when first made.
 */
export function freezeFinishedParts(state: { calls?: unknown[]; sources?: Array<{ passages?: unknown[] }> }): void {
  for (const call of state.calls ?? []) deepFreeze(call);
  for (const source of state.sources ?? []) if (source.passages) deepFreeze(source.passages);
}

const PART = '__part';
type Named = { [PART]: number };
type Fresh = Array<[number, unknown]>;

function isNamed(v: unknown): v is Named {
  return !!v && typeof v === 'object' && typeof (v as Named)[PART] === 'number' && Object.keys(v).length === 1;
}

type Record = { [key: string]: unknown };
const isRecord = (v: unknown): v is Record => !!v && typeof v === 'object' && !Array.isArray(v);

/** Parts sent after the snapshots that name them, by the snapshot's id. */
export type PartsToFollow = Array<[number, Fresh]>;

/** The snapshot message of a state: the state with its held parts named, and the parts sent now. */
export interface ShapedSnapshot {
  run: string | null;
  state: unknown;
  fresh: Fresh;
  /** A run whose parts the worker may drop. */
  forget?: string;
}

/** The run's side: which parts of each run the worker holds (those of the run's last snapshot). */
export class PartsSent {
  private readonly runs = new Map<string, Map<object, number>>();
  private nextId = 1;

  constructor(private readonly maxRuns = 8) {}

  /** The message for `state`; `sent()` must be called once the message is on its way. */
  shape(state: unknown): { message: ShapedSnapshot; sent: () => void } {
    const run = isRecord(state) && typeof state.id === 'string' ? state.id : null;
    if (run === null || !isRecord(state)) return { message: { run: null, state, fresh: [] }, sent: () => undefined };
    const held = this.runs.get(run) ?? new Map<object, number>();
    const used = new Map<object, number>();
    const fresh: Fresh = [];
    const name = (part: unknown): unknown => {
      if (!part || typeof part !== 'object' || !Object.isFrozen(part)) return part;
      let id = held.get(part) ?? used.get(part);
      if (id === undefined) {
        id = this.nextId++;
        fresh.push([id, part]);
      }
      used.set(part, id);
      return { [PART]: id };
    };
    const shaped: Record = { ...state };
    if (Array.isArray(state.calls)) shaped.calls = state.calls.map(name);
    if (Array.isArray(state.sources)) {
      shaped.sources = state.sources.map((s: unknown) => (isRecord(s) && Array.isArray(s.passages) && Object.isFrozen(s.passages) ? { ...s, passages: name(s.passages) } : s));
    }
    let forget: string | undefined;
    if (!this.runs.has(run) && this.runs.size >= this.maxRuns) forget = this.runs.keys().next().value;
    return {
      message: { run, state: shaped, fresh, ...(forget !== undefined ? { forget } : {}) },
      sent: () => {
        if (forget !== undefined) this.runs.delete(forget);
        // Most recently sent last, so that the oldest run is the first to be forgotten.
        this.runs.delete(run);
        this.runs.set(run, used);
      },
    };
  }

  /** The worker no longer holds the parts of `run`. */
  forget(run: string): void {
    this.runs.delete(run);
  }

  /** The worker holds nothing any more (it stopped or was replaced). */
  clear(): void {
    this.runs.clear();
  }
}

/** The worker's side: the parts of each run's last snapshot. */
export class PartsHeld {
  private readonly runs = new Map<string, Map<number, unknown>>();

  /** The state of `message` put back together, or null when it names a part not held (nothing is kept then). */
  restore(message: ShapedSnapshot): unknown {
    if (message.forget !== undefined) this.runs.delete(message.forget);
    if (message.run === null || !isRecord(message.state)) return message.state;
    const held = this.runs.get(message.run) ?? new Map<number, unknown>();
    for (const [id, part] of message.fresh) held.set(id, part);
    const used = new Map<number, unknown>();
    let missing = false;
    const restore = (v: unknown): unknown => {
      if (!isNamed(v)) return v;
      const id = v[PART];
      if (!held.has(id)) {
        missing = true;
        return v;
      }
      used.set(id, held.get(id));
      return held.get(id);
    };
    const state: Record = { ...message.state };
    if (Array.isArray(state.calls)) state.calls = state.calls.map(restore);
    if (Array.isArray(state.sources)) state.sources = state.sources.map((s: unknown) => (isRecord(s) && isNamed(s.passages) ? { ...s, passages: restore(s.passages) } : s));
    if (missing) {
      this.runs.delete(message.run);
      return null;
    }
    this.runs.set(message.run, used);
    return state;
  }
}
