// Family 3: cold start, of the packages as a user installs them. @codepay/models, /transport and /sdk are built and
// packed as `pnpm publish` packs them and `npm install`ed beside alipay-sdk into a project outside the workspace
// (lib/installed-packages.ts); each run is a fresh plain `node` process there (lib/cold-start-child.ts, compiled to
// JavaScript) that imports the library, constructs a client and completes the first call (for the SDK: token +
// createOrder). Rows: the SDK against the CodePay replay server and against the real @codepay/mock (started in this
// process), and the peer against its replay server. Median of several runs, after one unmeasured run that fills the
// OS file cache. Run alone with `pnpm bench:cold-start`.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockGateway } from '@codepay/mock';
import type { ColdStartTiming } from './lib/cold-start-child.js';
import { ALIPAY_METHOD, alipayConfig, codePayClientKeys, createOrderParams } from './lib/fixtures.js';
import { installedConsumer, type InstalledConsumer } from './lib/installed-packages.js';
import { benchSettings, type BenchSettings } from './lib/settings.js';
import { median } from './lib/stats.js';
import { createBenchEnvironment, type BenchEnvironment } from './lib/subjects.js';
import { fixed, markdownTable } from './lib/table.js';

const run = promisify(execFile);

/** For RESULTS.md: how the rows are measured. */
export const COLD_START_CAPTION =
  'Each run is a fresh `node` process in a project where @codepay/sdk (with /transport and /models, built and packed as `pnpm publish` packs them) and alipay-sdk are `npm install`ed, as a user has them: published JavaScript from node_modules on both sides, no TypeScript loader. ' +
  "Medians after one unmeasured run (which fills the OS file cache). *import* is `await import(...)` of the library; *first call* includes the SDK's token request.";

export interface ColdStartRow {
  label: string;
  runs: number;
  bootMs: number;
  importMs: number;
  constructMs: number;
  firstCallMs: number;
  /** import + construct + first call */
  readyMs: number;
  /** spawn → exit, as seen from the parent */
  wallMs: number;
}

type Timed = ColdStartTiming & { wallMs: number };

let runNumber = 0;

/** What cold-start-child.ts reads from BENCH_COLD_START. */
type Job =
  | { kind: 'sdk'; options: Record<string, unknown>; params: Record<string, unknown>; freshOrderSn?: boolean }
  | { kind: 'peer'; config: Record<string, unknown>; method: string; params: Record<string, unknown> };

async function once(consumer: InstalledConsumer, job: Job): Promise<Timed> {
  // The real mock keeps merchant state and refuses a duplicate order_sn: a fresh order number per run there. A replay
  // server answers one recorded createOrder, for the order number it was recorded with (the SDK checks the echo).
  const fresh =
    job.kind === 'sdk' && job.freshOrderSn
      ? { ...job, params: { ...job.params, order_sn: `COLD-${process.pid}-${++runNumber}` } }
      : job;
  const started = performance.now();
  const { stdout } = await run(process.execPath, [consumer.childScript], {
    cwd: consumer.dir,
    env: { ...process.env, BENCH_COLD_START: JSON.stringify(fresh) },
    timeout: 60_000,
  });
  const wallMs = performance.now() - started;
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return { ...(JSON.parse(line) as ColdStartTiming), wallMs };
}

async function measure(consumer: InstalledConsumer, label: string, job: Job, runs: number): Promise<ColdStartRow> {
  await once(consumer, job); // fills the OS file cache; not measured
  const timings: Timed[] = [];
  for (let i = 0; i < runs; i++) timings.push(await once(consumer, job));
  const pick = (key: keyof Timed) => median(timings.map((t) => t[key]));
  const row = {
    label,
    runs,
    bootMs: pick('bootMs'),
    importMs: pick('importMs'),
    constructMs: pick('constructMs'),
    firstCallMs: pick('firstCallMs'),
    readyMs: median(timings.map((t) => t.importMs + t.constructMs + t.firstCallMs)),
    wallMs: pick('wallMs'),
  };
  process.stderr.write(
    `  ${label}: import ${row.importMs.toFixed(0)} ms, first call ${row.firstCallMs.toFixed(0)} ms\n`,
  );
  return row;
}

export async function runColdStart(
  env: BenchEnvironment,
  settings: BenchSettings = benchSettings(),
): Promise<ColdStartRow[]> {
  const runs = settings.coldStartRuns;
  const params = { ...createOrderParams };
  const consumer = installedConsumer();
  const sdk = `@codepay/sdk ${consumer.sdkVersion} (built, installed from its tarball)`;
  const rows: ColdStartRow[] = [];
  rows.push(
    await measure(
      consumer,
      `${sdk}: import + createCodePay + token + orders.create (replay server)`,
      {
        kind: 'sdk',
        options: { baseUrl: env.codePayServer.url, ...codePayClientKeys(env.keys) },
        params,
      },
      runs,
    ),
  );
  const mock = await startMockGateway();
  try {
    rows.push(
      await measure(
        consumer,
        `${sdk}: same, against the real @codepay/mock (Prism, verifies the envelope)`,
        {
          kind: 'sdk',
          options: { baseUrl: mock.url, ...mock.clientKeys },
          params,
          freshOrderSn: true,
        },
        runs,
      ),
    );
  } finally {
    await mock.close();
  }
  rows.push(
    await measure(
      consumer,
      `alipay-sdk ${consumer.peerVersion} (installed from the registry): import + new AlipaySdk + exec (replay server)`,
      {
        kind: 'peer',
        config: alipayConfig(env.keys, `${env.alipayServer.url}/gateway.do`),
        method: ALIPAY_METHOD,
        params,
      },
      runs,
    ),
  );
  return rows;
}

export function coldStartTable(rows: readonly ColdStartRow[]): string {
  const peerImport = rows.find((r) => r.label.startsWith('alipay'))?.importMs;
  return markdownTable(
    [
      { title: 'what (fresh process, median)' },
      { title: 'runs', right: true },
      { title: 'node boot ms', right: true },
      { title: 'import ms', right: true },
      { title: 'import ÷ peer import', right: true },
      { title: 'construct ms', right: true },
      { title: 'first call ms', right: true },
      { title: 'import → first result ms', right: true },
      { title: 'spawn → exit ms', right: true },
    ],
    rows.map((r) => [
      r.label,
      r.runs,
      fixed(r.bootMs, 0),
      fixed(r.importMs, 0),
      peerImport ? fixed(r.importMs / peerImport, 2) : undefined,
      fixed(r.constructMs, 1),
      fixed(r.firstCallMs, 0),
      fixed(r.readyMs, 0),
      fixed(r.wallMs, 0),
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = await createBenchEnvironment();
  try {
    console.log(coldStartTable(await runColdStart(env)));
  } finally {
    await env.close();
  }
}
