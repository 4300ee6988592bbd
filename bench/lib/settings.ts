// Durations, overridable from the environment (BENCH_SECONDS=1 BENCH_WARMUP_SECONDS=0.5 pnpm bench for a quick look).
function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface BenchSettings {
  /** Measured time of each throughput/latency/event-loop row (split into `rounds` windows). */
  durationMs: number;
  /** Warm-up at the same concurrency right before a row's first window. */
  warmupMs: number;
  /** Windows per row; the rows of one concurrency alternate window by window. */
  rounds: number;
  /** Re-warm before each later window. */
  rewarmMs: number;
  /** One-off warm-up per subject before the first row, so the JIT has settled (this CPU takes seconds). */
  jitWarmupMs: number;
  /** Fresh processes per cold-start row (after one unmeasured run that fills the file cache). */
  coldStartRuns: number;
  concurrencies: readonly number[];
}

export function benchSettings(): BenchSettings {
  return {
    durationMs: seconds('BENCH_SECONDS', 3) * 1000,
    warmupMs: seconds('BENCH_WARMUP_SECONDS', 1) * 1000,
    rounds: Math.max(1, Math.round(seconds('BENCH_ROUNDS', 3))),
    rewarmMs: 250,
    jitWarmupMs: seconds('BENCH_JIT_WARMUP_SECONDS', 2) * 1000,
    coldStartRuns: Math.round(seconds('BENCH_COLD_START_RUNS', 5)),
    concurrencies: [1, 8, 64],
  };
}
