// Family 1: throughput and latency at concurrency 1, 8 and 64, for the crypto floor, the HTTP floor, @codepay/sdk
// and the peer (alipay-sdk), all on the same createOrder request/result, against replay servers in child processes.
// Run alone with `pnpm bench:throughput`; `pnpm bench` runs it as part of the full report.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runInterleaved, runLoad, type LoadResult } from './lib/load.js';
import { benchSettings, type BenchSettings } from './lib/settings.js';
import { ratio } from './lib/stats.js';
import { createBenchEnvironment, SUBJECT_LABELS, type BenchEnvironment, type SubjectName } from './lib/subjects.js';
import { fixed, markdownTable, verdict, whole } from './lib/table.js';

export const THROUGHPUT_ORDER: readonly SubjectName[] = [
  'crypto',
  'http',
  'httpNode',
  'composed',
  'sdk',
  'sdkTraceNoop',
  'sdkTraceSdk',
  'sdkFetch',
  'sdkNoNetwork',
  'peer',
];

export interface ThroughputRow {
  subject: SubjectName;
  result: LoadResult;
}

export type ThroughputResults = ThroughputRow[];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Warms every subject once (JIT), then measures each concurrency with the subjects interleaved. */
export async function runThroughput(
  env: BenchEnvironment,
  settings: BenchSettings = benchSettings(),
): Promise<ThroughputResults> {
  for (const name of THROUGHPUT_ORDER) {
    log(`  warming ${name} (${settings.jitWarmupMs / 1000} s)`);
    await runLoad(env.subjects[name].call, { concurrency: 8, warmupMs: 0, durationMs: settings.jitWarmupMs });
  }
  const rows: ThroughputResults = [];
  for (const concurrency of settings.concurrencies) {
    const results = await runInterleaved(
      THROUGHPUT_ORDER.map((name) => env.subjects[name]),
      {
        concurrency,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        rounds: settings.rounds,
        rewarmMs: settings.rewarmMs,
      },
    );
    results.forEach((result, index) => {
      const name = THROUGHPUT_ORDER[index]!;
      log(
        `  ${name} @${concurrency}: ${result.callsPerSecond.toFixed(0)} calls/s, p50 ${result.p50Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`,
      );
      rows.push({ subject: name, result });
    });
  }
  return rows;
}

export function find(rows: ThroughputResults, subject: SubjectName, concurrency: number): LoadResult | undefined {
  return rows.find((row) => row.subject === subject && row.result.concurrency === concurrency)?.result;
}

export function throughputTable(rows: ThroughputResults): string {
  const columns = [
    { title: 'what' },
    { title: 'conc.', right: true },
    { title: 'calls/s', right: true },
    { title: '÷ crypto floor calls/s', right: true },
    { title: 'p50 ms', right: true },
    { title: 'p99 ms', right: true },
    { title: 'p50 ÷ (crypto + HTTP floor p50)', right: true },
    { title: 'client CPU µs/call', right: true },
    { title: 'of which main thread', right: true },
    { title: 'server CPU µs/call', right: true },
    { title: 'errors', right: true },
  ];
  const cells = rows.map(({ subject, result }) => {
    const crypto = find(rows, 'crypto', result.concurrency);
    const http = find(rows, 'http', result.concurrency);
    const isFloor = subject === 'crypto' || subject === 'http' || subject === 'httpNode' || subject === 'composed';
    const latencyFloor = crypto && http ? crypto.p50Ms + http.p50Ms : undefined;
    return [
      SUBJECT_LABELS[subject],
      result.concurrency,
      whole(result.callsPerSecond),
      subject === 'http' || subject === 'httpNode'
        ? 'n/a (own floor)'
        : fixed(ratio(result.callsPerSecond, crypto?.callsPerSecond), 2),
      fixed(result.p50Ms, 2),
      fixed(result.p99Ms, 2),
      isFloor ? 'floor' : fixed(ratio(result.p50Ms, latencyFloor), 2),
      whole(result.cpuMicrosPerCall),
      whole(result.mainThreadCpuMicrosPerCall),
      whole(result.serverCpuMicrosPerCall),
      result.errors,
    ];
  });
  return markdownTable(columns, cells);
}

/** The SDK beside the peer at each concurrency. */
export function peerComparisonTable(rows: ThroughputResults): string {
  const concurrencies = [...new Set(rows.map((r) => r.result.concurrency))];
  return markdownTable(
    [
      { title: 'conc.', right: true },
      { title: 'SDK ÷ peer calls/s', right: true },
      { title: 'SDK ÷ peer p50', right: true },
      { title: 'SDK ÷ peer client CPU/call', right: true },
    ],
    concurrencies.map((c) => {
      const sdk = find(rows, 'sdk', c);
      const peer = find(rows, 'peer', c);
      return [
        c,
        fixed(ratio(sdk?.callsPerSecond, peer?.callsPerSecond), 2),
        fixed(ratio(sdk?.p50Ms, peer?.p50Ms), 2),
        fixed(ratio(sdk?.cpuMicrosPerCall, peer?.cpuMicrosPerCall), 2),
      ];
    }),
  );
}

/**
 * The SDK's client CPU per call split with the what-if rows: its own work (no-network row minus the crypto floor),
 * the HTTP exchange (SDK row minus no-network row, beside the bare node:http floor), and what the global fetch would
 * add (fetch what-if minus SDK row). Differences of measurements, so small negative values are noise.
 */
export function costBreakdownTable(rows: ThroughputResults, concurrency: number, cores = os.cpus().length): string {
  const crypto = find(rows, 'crypto', concurrency);
  const noNet = find(rows, 'sdkNoNetwork', concurrency);
  const sdk = find(rows, 'sdk', concurrency);
  const withFetch = find(rows, 'sdkFetch', concurrency);
  const httpNode = find(rows, 'httpNode', concurrency);
  const composed = find(rows, 'composed', concurrency);
  if (!crypto || !noNet || !sdk) return '';
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a - b;
  const share = (part: number | undefined) => fixed(ratio(part, sdk.cpuMicrosPerCall) * 100, 0);
  const parts: [string, number | undefined, number | undefined, boolean][] = [
    [
      'crypto floor: RSA sign + verify, AES, JSON (bare node:crypto)',
      crypto.cpuMicrosPerCall,
      crypto.mainThreadCpuMicrosPerCall,
      true,
    ],
    [
      "the SDK's own work: validation, pipeline, token, result check (no-network what-if − crypto floor)",
      diff(noNet.cpuMicrosPerCall, crypto.cpuMicrosPerCall),
      diff(noNet.mainThreadCpuMicrosPerCall, crypto.mainThreadCpuMicrosPerCall),
      true,
    ],
    [
      'the HTTP exchange, node:http (SDK row − no-network what-if)',
      diff(sdk.cpuMicrosPerCall, noNet.cpuMicrosPerCall),
      diff(sdk.mainThreadCpuMicrosPerCall, noNet.mainThreadCpuMicrosPerCall),
      true,
    ],
    [
      '  for comparison: HTTP floor, node:http (bare exchange, no SDK)',
      httpNode?.cpuMicrosPerCall,
      httpNode?.mainThreadCpuMicrosPerCall,
      false,
    ],
    [
      '  for comparison: SDK row − envelope floor (everything the SDK adds to bare crypto + node:http)',
      diff(sdk.cpuMicrosPerCall, composed?.cpuMicrosPerCall),
      diff(sdk.mainThreadCpuMicrosPerCall, composed?.mainThreadCpuMicrosPerCall),
      false,
    ],
    [
      '  for comparison: what `fetch: globalThis.fetch` would add (fetch what-if − SDK row)',
      diff(withFetch?.cpuMicrosPerCall, sdk.cpuMicrosPerCall),
      diff(withFetch?.mainThreadCpuMicrosPerCall, sdk.mainThreadCpuMicrosPerCall),
      false,
    ],
  ];
  const ceiling =
    httpNode && httpNode.serverCpuMicrosPerCall !== undefined
      ? ratio(
          crypto.cpuMicrosPerCall,
          crypto.cpuMicrosPerCall + httpNode.cpuMicrosPerCall + httpNode.serverCpuMicrosPerCall,
        )
      : Number.NaN;
  return [
    markdownTable(
      [
        { title: `@codepay/sdk client CPU per call at concurrency ${concurrency}, by part` },
        { title: 'µs/call', right: true },
        { title: 'main thread µs/call', right: true },
        { title: '% of SDK client CPU', right: true },
      ],
      [
        ...parts.map(([label, value, main, counted]) => [
          label,
          whole(value),
          whole(main),
          counted ? share(value) : undefined,
        ]),
        ['total (@codepay/sdk row)', whole(sdk.cpuMicrosPerCall), whole(sdk.mainThreadCpuMicrosPerCall), '100'],
      ],
    ),
    '',
    concurrency > 1
      ? `At saturation each row shares the same ${cores} cores with its replay server, so a client making this exchange needs at least crypto floor + node:http HTTP floor (client and server) CPU per call: ` +
        `its calls/s can be expected at about ${fixed(ceiling, 2)} × the crypto floor at best (crypto CPU ÷ (crypto + HTTP floor client + server CPU)), whatever its own code does; ` +
        `the envelope floor row, which is exactly that composition written by hand, measured ${fixed(ratio(composed?.callsPerSecond, crypto.callsPerSecond), 2)} ×.`
      : 'At concurrency 1 nothing is saturated: the parts add up to latency rather than to a throughput limit.',
  ].join('\n');
}

export interface TargetLine {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export function throughputTargets(rows: ThroughputResults): TargetLine[] {
  const top = Math.max(...rows.map((r) => r.result.concurrency));
  const sdkTop = find(rows, 'sdk', top);
  const cryptoTop = find(rows, 'crypto', top);
  const peerTop = find(rows, 'peer', top);
  const sdk1 = find(rows, 'sdk', 1);
  const crypto1 = find(rows, 'crypto', 1);
  const http1 = find(rows, 'http', 1);
  const ofFloor = ratio(sdkTop?.callsPerSecond, cryptoTop?.callsPerSecond);
  const ofPeer = ratio(sdkTop?.callsPerSecond, peerTop?.callsPerSecond);
  const latencyFloor = crypto1 && http1 ? crypto1.p50Ms + http1.p50Ms : undefined;
  const latency = ratio(sdk1?.p50Ms, latencyFloor);
  const httpNode1 = find(rows, 'httpNode', 1);
  const composed1 = find(rows, 'composed', 1);
  const composedTop = find(rows, 'composed', top);
  const strictFloor = crypto1 && httpNode1 ? crypto1.p50Ms + httpNode1.p50Ms : undefined;
  const strict = ratio(sdk1?.p50Ms, strictFloor);
  const known = (value: number) => (Number.isFinite(value) ? value : undefined);
  return [
    {
      target: `SDK calls/s at concurrency ${top} ≥ 0.85 × crypto floor`,
      measured: `${whole(sdkTop?.callsPerSecond)} vs ${whole(cryptoTop?.callsPerSecond)} = ${fixed(ofFloor, 2)} ×`,
      met: known(ofFloor) === undefined ? undefined : ofFloor >= 0.85,
    },
    {
      target: `SDK calls/s at concurrency ${top} ≥ 1.5 × peer (alipay-sdk)`,
      measured: `${whole(sdkTop?.callsPerSecond)} vs ${whole(peerTop?.callsPerSecond)} = ${fixed(ofPeer, 2)} ×`,
      met: known(ofPeer) === undefined ? undefined : ofPeer >= 1.5,
    },
    {
      target: 'SDK p50 at concurrency 1 ≤ 1.15 × (crypto floor p50 + HTTP floor p50), HTTP floor = raw fetch',
      measured: `${fixed(sdk1?.p50Ms, 2)} ms vs ${fixed(crypto1?.p50Ms, 2)} + ${fixed(http1?.p50Ms, 2)} ms = ${fixed(latency, 2)} ×`,
      met: known(latency) === undefined ? undefined : latency <= 1.15,
    },
    {
      target: `for context (no target): SDK calls/s at concurrency ${top} ÷ envelope floor (bare crypto + node:http in one call)`,
      measured: `${whole(sdkTop?.callsPerSecond)} vs ${whole(composedTop?.callsPerSecond)} = ${fixed(ratio(sdkTop?.callsPerSecond, composedTop?.callsPerSecond), 2)} × (the envelope floor itself is ${fixed(ratio(composedTop?.callsPerSecond, cryptoTop?.callsPerSecond), 2)} × the crypto floor)`,
      met: undefined,
    },
    {
      target: `SDK calls/s at concurrency ${top} ≥ 0.9 × envelope floor (tracing off)`,
      measured: `${whole(sdkTop?.callsPerSecond)} vs ${whole(composedTop?.callsPerSecond)} = ${fixed(ratio(sdkTop?.callsPerSecond, composedTop?.callsPerSecond), 2)} ×`,
      met:
        known(ratio(sdkTop?.callsPerSecond, composedTop?.callsPerSecond)) === undefined
          ? undefined
          : ratio(sdkTop?.callsPerSecond, composedTop?.callsPerSecond) >= 0.9,
    },
    ...(['sdkTraceNoop', 'sdkTraceSdk'] as const).map((subject) => {
      const traced = find(rows, subject, top);
      return {
        target: `for context (no target): ${SUBJECT_LABELS[subject]} at concurrency ${top}, calls/s ÷ envelope floor (÷ SDK, tracing off)`,
        measured: `${whole(traced?.callsPerSecond)} vs ${whole(composedTop?.callsPerSecond)} = ${fixed(ratio(traced?.callsPerSecond, composedTop?.callsPerSecond), 2)} × (${fixed(ratio(traced?.callsPerSecond, sdkTop?.callsPerSecond), 2)} × the SDK row)`,
        met: undefined,
      };
    }),
    {
      target: 'for context (no target): SDK p50 at concurrency 1 ÷ envelope floor p50',
      measured: `${fixed(sdk1?.p50Ms, 2)} ms vs ${fixed(composed1?.p50Ms, 2)} ms = ${fixed(ratio(sdk1?.p50Ms, composed1?.p50Ms), 2)} ×`,
      met: undefined,
    },
    {
      target:
        'stricter, with the HTTP floor of the client the SDK uses: SDK p50 at concurrency 1 ≤ 1.15 × (crypto floor p50 + node:http HTTP floor p50)',
      measured: `${fixed(sdk1?.p50Ms, 2)} ms vs ${fixed(crypto1?.p50Ms, 2)} + ${fixed(httpNode1?.p50Ms, 2)} ms = ${fixed(strict, 2)} ×`,
      met: known(strict) === undefined ? undefined : strict <= 1.15,
    },
  ];
}

export function targetsTable(lines: readonly TargetLine[]): string {
  return markdownTable(
    [{ title: 'target' }, { title: 'measured' }, { title: 'verdict' }],
    lines.map((line) => [line.target, line.measured, verdict(line.met)]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = await createBenchEnvironment();
  try {
    const rows = await runThroughput(env);
    console.log(throughputTable(rows));
    console.log();
    console.log(peerComparisonTable(rows));
    console.log();
    console.log(costBreakdownTable(rows, 64));
    console.log();
    console.log(targetsTable(throughputTargets(rows)));
  } finally {
    await env.close();
  }
}
