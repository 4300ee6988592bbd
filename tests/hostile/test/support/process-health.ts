// What a long run must leave behind: no open handles beyond those that existed before it, a heap that does not grow
// with the number of calls, and no unhandled rejections.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type ResourceCounts = Record<string, number>;

/** Handles and requests that keep the event loop alive (unref'd timers and sockets are not listed), by type. */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Types whose count is above the baseline, with both counts. */
export function resourcesBeyond(
  baseline: ResourceCounts,
  now: ResourceCounts,
): Record<string, { before: number; after: number }> {
  const beyond: Record<string, { before: number; after: number }> = {};
  for (const [type, count] of Object.entries(now)) {
    if (count > (baseline[type] ?? 0)) beyond[type] = { before: baseline[type] ?? 0, after: count };
  }
  return beyond;
}

/**
 * The resources left once closed sockets have been released. A socket closed by the server is released by the
 * client a few event-loop turns later, when its FIN is read; there is no event to await for undici's pooled sockets,
 * so this polls, every 20 ms, for at most `withinMs`.
 */
export async function resourcesOnceSettled(baseline: ResourceCounts, withinMs = 3_000): Promise<ResourceCounts> {
  const until = Date.now() + withinMs;
  let now = activeResources();
  while (Object.keys(resourcesBeyond(baseline, now)).length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    now = activeResources();
  }
  return now;
}

/**
 * A full garbage collection. `global.gc` exists only with --expose-gc; the flag can also be set at run time, after
 * which a new V8 context exposes `gc` (the technique Jest's leak detector uses).
 */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** heapUsed after pending callbacks have run and a full collection, so two measurements compare live objects only. */
export async function liveHeapBytes(): Promise<number> {
  const gc = garbageCollector();
  for (let tick = 0; tick < 3; tick++) await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

/** Collects unhandled rejections from now until `stop()`. */
export function watchUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}
