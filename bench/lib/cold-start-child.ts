// One cold start, in a fresh process: cold-start.ts compiles this file to JavaScript into the project where the
// packages are installed (lib/installed-packages.ts) and runs it there with plain `node`. It imports the client
// library, constructs a client, completes the first call, and prints the timings as one JSON line. The configuration
// arrives in the BENCH_COLD_START environment variable so that this file imports nothing else before the measured import.
import { performance } from 'node:perf_hooks';

interface SdkJob {
  kind: 'sdk';
  options: { baseUrl: string; appId: string; merchantPrivateKey: string; platformPublicKey: string; aesKey: string };
  params: Record<string, unknown>;
}

interface PeerJob {
  kind: 'peer';
  config: Record<string, unknown>;
  method: string;
  params: Record<string, unknown>;
}

export interface ColdStartTiming {
  /** Process start (performance.timeOrigin) until just before the import: node booting. */
  bootMs: number;
  importMs: number;
  constructMs: number;
  /** The first call; for the SDK that includes fetching the token. */
  firstCallMs: number;
}

const job = JSON.parse(process.env.BENCH_COLD_START ?? '{}') as SdkJob | PeerJob;
const t0 = performance.now();
let t1: number;
let t2: number;
if (job.kind === 'sdk') {
  const { createCodePay } = await import('@codepay/sdk');
  t1 = performance.now();
  const client = createCodePay({ ...job.options, logLevel: 'silent' });
  t2 = performance.now();
  const order = await client.orders.create(job.params as never);
  if (typeof order.linkID !== 'string') throw new Error('cold start: no linkID in the createOrder result');
} else {
  const { AlipaySdk } = await import('alipay-sdk');
  t1 = performance.now();
  const client = new AlipaySdk(job.config as never);
  t2 = performance.now();
  const result = await client.exec(job.method, { bizContent: job.params, needEncrypt: true }, { validateSign: true });
  if (result.code !== '10000') throw new Error(`cold start: peer answered code ${result.code}`);
}
const t3 = performance.now();
process.stdout.write(
  `${JSON.stringify({ bootMs: t0, importMs: t1 - t0, constructMs: t2 - t1, firstCallMs: t3 - t2 } satisfies ColdStartTiming)}\n`,
);
// Keep-alive sockets would hold the process open; the measurement is done.
process.exit(0);
