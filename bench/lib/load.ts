// A closed-loop load generator: `concurrency` workers each call `fn` back to back (the next call starts when the
// previous one resolves). It records every call's latency, the client process's CPU time (process.cpuUsage: every
// thread, so the libuv threadpool's RSA work is included), the replay server's CPU time when one is given, and
// optionally the event-loop delay.
//
// `runInterleaved` measures several subjects in short alternating rounds (A B C, A B C, ...) and merges each
// subject's rounds: a neighbour that loads the machine for a few seconds then slows every subject alike, so the
// ratios between rows stay meaningful even when the absolute rates are not.
import {
  createHistogram,
  monitorEventLoopDelay,
  performance,
  type IntervalHistogram,
  type RecordableHistogram,
} from 'node:perf_hooks';
import { quantile } from './stats.js';
import { mainThreadCpuMicros } from './thread-cpu.js';

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface LoadResult {
  concurrency: number;
  calls: number;
  errors: number;
  firstError?: string;
  seconds: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Client process CPU (user + system, all threads) per completed call. */
  cpuMicrosPerCall: number;
  /** Of which on the main (event-loop) thread, when the platform can tell (Linux). */
  mainThreadCpuMicrosPerCall?: number;
  /** Replay server process CPU per completed call, when a server was given. */
  serverCpuMicrosPerCall?: number;
  eventLoop?: EventLoopDelay;
}

export interface LoadTarget {
  call: () => Promise<unknown>;
  /** The server the calls go to, to report its CPU per call separately. */
  server?: { cpuMicros(): Promise<number> };
}

interface Phase {
  latencies: number[];
  errors: number;
  firstError?: string;
}

async function runPhase(
  fn: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
  phase: Phase = { latencies: [], errors: 0 },
): Promise<Phase> {
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        await fn();
        phase.latencies.push(performance.now() - started);
      } catch (error) {
        phase.errors++;
        phase.firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return phase;
}

/**
 * Adds a window's event-loop samples to a subject's running histogram. RecordableHistogram.add() refuses the
 * monitor's histogram, so its distribution is replayed: one value per recorded sample, read back by percentile.
 */
function mergeInto(target: RecordableHistogram, window: IntervalHistogram): void {
  const count = window.count;
  for (let i = 1; i <= count; i++) target.record(Math.max(1, Math.round(window.percentile((100 * i) / count))));
}

/** Accumulates one subject's measured windows. */
class Accumulator {
  readonly phase: Phase = { latencies: [], errors: 0 };
  cpuMicros = 0;
  mainThreadMicros: number | undefined = 0;
  serverCpuMicros: number | undefined;
  ms = 0;
  readonly loop: RecordableHistogram | undefined;

  constructor(eventLoop: boolean) {
    this.loop = eventLoop ? createHistogram() : undefined;
  }

  async measure(target: LoadTarget, concurrency: number, durationMs: number): Promise<void> {
    const monitor = this.loop ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
    const serverBefore = await target.server?.cpuMicros();
    monitor?.enable();
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuMicros();
    const started = performance.now();
    await runPhase(target.call, concurrency, durationMs, this.phase);
    this.ms += performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const mainAfter = mainThreadCpuMicros();
    this.mainThreadMicros =
      mainBefore === undefined || mainAfter === undefined || this.mainThreadMicros === undefined
        ? undefined
        : this.mainThreadMicros + mainAfter - mainBefore;
    monitor?.disable();
    this.cpuMicros += cpu.user + cpu.system;
    const serverAfter = await target.server?.cpuMicros();
    if (serverBefore !== undefined && serverAfter !== undefined)
      this.serverCpuMicros = (this.serverCpuMicros ?? 0) + serverAfter - serverBefore;
    if (monitor && this.loop) mergeInto(this.loop, monitor);
  }

  result(concurrency: number): LoadResult {
    const calls = this.phase.latencies.length;
    const seconds = this.ms / 1000;
    const result: LoadResult = {
      concurrency,
      calls,
      errors: this.phase.errors,
      seconds,
      callsPerSecond: calls / seconds,
      p50Ms: quantile(this.phase.latencies, 0.5),
      p99Ms: quantile(this.phase.latencies, 0.99),
      cpuMicrosPerCall: this.cpuMicros / Math.max(1, calls),
    };
    if (this.phase.firstError !== undefined) result.firstError = this.phase.firstError;
    if (this.mainThreadMicros !== undefined)
      result.mainThreadCpuMicrosPerCall = this.mainThreadMicros / Math.max(1, calls);
    if (this.serverCpuMicros !== undefined) result.serverCpuMicrosPerCall = this.serverCpuMicros / Math.max(1, calls);
    if (this.loop) {
      const ms = (ns: number) => ns / 1e6;
      result.eventLoop = {
        p50Ms: ms(this.loop.percentile(50)),
        p99Ms: ms(this.loop.percentile(99)),
        maxMs: ms(this.loop.max),
        meanMs: ms(this.loop.mean),
      };
    }
    return result;
  }
}

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  server?: { cpuMicros(): Promise<number> };
  /** Sample the event-loop delay during the measured window. */
  eventLoop?: boolean;
}

/** One subject: warm-up, then one measured window. */
export async function runLoad(fn: () => Promise<unknown>, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupMs > 0) await runPhase(fn, options.concurrency, options.warmupMs);
  const accumulator = new Accumulator(options.eventLoop ?? false);
  await accumulator.measure(
    { call: fn, ...(options.server ? { server: options.server } : {}) },
    options.concurrency,
    options.durationMs,
  );
  return accumulator.result(options.concurrency);
}

export interface InterleavedOptions {
  concurrency: number;
  /** Warm-up of each subject at this concurrency before its first round. */
  warmupMs: number;
  /** Total measured time per subject, split into `rounds` windows. */
  durationMs: number;
  rounds: number;
  /** Re-warm before each later round (the previous subject just ran). */
  rewarmMs: number;
  eventLoop?: boolean;
}

/** Several subjects at one concurrency, measured in alternating rounds; results in the order given. */
export async function runInterleaved(
  targets: readonly LoadTarget[],
  options: InterleavedOptions,
): Promise<LoadResult[]> {
  const accumulators = targets.map(() => new Accumulator(options.eventLoop ?? false));
  const windowMs = options.durationMs / options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, target] of targets.entries()) {
      const warm = round === 0 ? options.warmupMs : options.rewarmMs;
      if (warm > 0) await runPhase(target.call, options.concurrency, warm);
      await accumulators[index]!.measure(target, options.concurrency, windowMs);
    }
  }
  return accumulators.map((accumulator) => accumulator.result(options.concurrency));
}
