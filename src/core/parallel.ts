/**
 * Calls run side by side with a leader: the leader starts alone and the others start when its
 * response begins, so that they read the cached block it writes instead of each writing it
 * (the analysts, the parts of the integration, the groups of the citation map, the sections of
 * the final document).
 *
 * Owns: running a task over items with a limit and a leader. Must not: know what the tasks do,
 * or choose the leader (each step knows which of its calls is the largest).
 */

/** Runs `task` over `items`, at most `limit` at a time; the first error is thrown once all have stopped. */
export async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>, gate?: Promise<void>): Promise<void> {
  let next = 0;
  const failure: { error?: unknown; failed: boolean } = { failed: false };
  const worker = async (w: number) => {
    if (gate && w > 0) await gate;
    while (next < items.length && !failure.failed) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        if (!failure.failed) Object.assign(failure, { error, failed: true });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, w) => worker(w)));
  if (failure.failed) throw failure.error;
}

/**
 * Runs `task` over `items` as `inParallel` does, led by `leader` (one of `items`, or none): it
 * starts alone, and the others start when its response begins (`task` gets the callback to call
 * then) or when it ends, whichever comes first. Without a leader, or with one item, all start at once.
 */
export async function ledInParallel<T>(items: T[], limit: number, leader: T | undefined, task: (item: T, onBegin?: () => void) => Promise<void>): Promise<void> {
  if (leader === undefined || items.length < 2 || !items.includes(leader)) return inParallel(items, limit, (item) => task(item));
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ordered = [leader, ...items.filter((i) => i !== leader)];
  return inParallel(ordered, limit, (item) => (item === leader ? task(item, release).finally(release) : task(item)), gate);
}

/** The item of `items` with the largest `size` (the first of equals), or undefined when there is none. */
export function largest<T>(items: T[], size: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || size(item) > size(best)) best = item;
  return best;
}
