/**
 * Calls run side by side with a leader: the first item starts alone and the others start when
 * its response begins (`gate`), so that they read the cached block it writes instead of each
 * writing it (the analysts, the sections of the final document, the parts of the integration).
 *
 * Owns: running a task over items with a limit and a gate. Must not: know what the tasks do.
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
