// Calls per second of getBalance against @codepay/mock over loopback: one call at a time, and 8 in flight.
//
// The client side is bare node:crypto + fetch (AES-128-ECB, SHA256withRSA), so the numbers are the mock's cost plus
// the irreducible client crypto, not any SDK's. Each call: sign + encrypt the params, POST /api/v2/pay with a bearer
// token over a kept-alive connection, decrypt + verify + parse the answer. Static examples and Prism-generated data
// are both measured, since generation costs the mock CPU per call.
// A benchmark, not a test: it prints a markdown table and never fails on timing.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startMockGateway, type MockGateway } from '@codepay/mock';

const WARM_UP_CALLS = 50;
const MEASURED_CALLS = 600;
const CONCURRENCY = 8;

const signAsync = promisify(sign);
const verifyAsync = promisify(verify);

interface RawClient {
  url: string;
  token: string;
  merchantPrivateKey: KeyObject;
  platformPublicKey: KeyObject;
  aesKey: Buffer;
}

function utcTimestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function aesEcb(encrypt: boolean, key: Buffer, input: Buffer): Buffer {
  const cipher = encrypt ? createCipheriv('aes-128-ecb', key, null) : createDecipheriv('aes-128-ecb', key, null);
  return Buffer.concat([cipher.update(input), cipher.final()]);
}

async function connect(mock: MockGateway): Promise<RawClient> {
  const merchantPrivateKey = createPrivateKey({
    key: Buffer.from(mock.keys.merchantPrivateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  const platformPublicKey = createPublicKey({
    key: Buffer.from(mock.keys.platformPublicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const appId = mock.keys.appId;
  const timestamp = utcTimestamp();
  const tokenSign = (
    await signAsync('sha256', Buffer.from(`appId=${appId}&timestamp=${timestamp}`), merchantPrivateKey)
  ).toString('base64');
  const response = await fetch(`${mock.url}/api/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId, timestamp, sign: tokenSign }),
  });
  const token = ((await response.json()) as { data: { accessToken: string } }).data.accessToken;
  return {
    url: mock.url,
    token,
    merchantPrivateKey,
    platformPublicKey,
    aesKey: Buffer.from(mock.keys.aesKey, 'base64'),
  };
}

async function getBalance(client: RawClient): Promise<void> {
  const plaintext = Buffer.from(JSON.stringify({ currency: 'USD' }), 'utf8');
  const signature = await signAsync('sha256', plaintext, client.merchantPrivateKey);
  const response = await fetch(`${client.url}/api/v2/pay`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${client.token}`,
    },
    body: JSON.stringify({
      service: 'getBalance',
      bizContent: aesEcb(true, client.aesKey, plaintext).toString('base64'),
      sign: signature.toString('base64'),
    }),
  });
  const answer = (await response.json()) as { bizContent?: string; sign?: string; code?: string };
  if (!answer.bizContent || !answer.sign) throw new Error(`getBalance failed: ${answer.code ?? response.status}`);
  const decrypted = aesEcb(false, client.aesKey, Buffer.from(answer.bizContent, 'base64'));
  if (!(await verifyAsync('sha256', decrypted, client.platformPublicKey, Buffer.from(answer.sign, 'base64')))) {
    throw new Error('getBalance: the answer signature does not verify');
  }
  if ((JSON.parse(decrypted.toString('utf8')) as { status: number }).status !== 0)
    throw new Error('getBalance: business failure');
}

interface Measurement {
  callsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function measure(client: RawClient, concurrency: number): Promise<Measurement> {
  for (let call = 0; call < WARM_UP_CALLS; call++) await getBalance(client);
  const latencies: number[] = [];
  let remaining = MEASURED_CALLS;
  const worker = async () => {
    while (remaining > 0) {
      remaining -= 1;
      const started = performance.now();
      await getBalance(client);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    callsPerSecond: MEASURED_CALLS / seconds,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
  };
}

const rows: string[] = [];
for (const dynamic of [false, true]) {
  const mock = await startMockGateway({ dynamic, seed: 'bench' });
  try {
    const client = await connect(mock);
    for (const concurrency of [1, CONCURRENCY]) {
      const result = await measure(client, concurrency);
      rows.push(
        `| ${dynamic ? 'dynamic (generated)' : 'static (examples)'} | ${concurrency === 1 ? 'sequential' : `${concurrency} in flight`} | ` +
          `${MEASURED_CALLS} | ${Math.round(result.callsPerSecond).toLocaleString('en-US')} | ${result.p50Ms.toFixed(2)} | ${result.p95Ms.toFixed(2)} |`,
      );
    }
  } finally {
    await mock.close();
  }
}

const cpus = os.cpus();
console.log(
  `mock: getBalance calls per second over loopback (${cpus[0]?.model.trim() ?? 'cpu'} x${cpus.length}, node ${process.version})`,
);
console.log('| mock data | client | calls | calls/s | p50 ms | p95 ms |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
