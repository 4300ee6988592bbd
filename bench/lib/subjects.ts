// What the throughput and event-loop families measure, each as "one call" for the load generator, all on the same
// createOrder request and createOrder result:
//   crypto floor        bare node:crypto: JSON.stringify, AES-ECB encrypt + async RSA sign, AES-ECB decrypt + async
//                       RSA verify of the precomputed answer, JSON.parse (no HTTP, no SDK)
//   HTTP floor (fetch)  raw fetch() of the precomputed request envelope to the CodePay replay server, body as text
//   HTTP floor (http)   the same exchange with node:http and a keep-alive Agent: the client the SDK uses by default
//   envelope floor      the crypto floor and the node:http exchange composed into one call, by hand: sign + encrypt,
//                       POST, decrypt + verify + parse — everything an SDK must do, with no SDK around it
//   @codepay/sdk        createCodePay(...).orders.create(params) end to end (validation on) against that server
//   what-ifs            the same SDK call with the public `fetch` option set to the global fetch (what fetch would
//                       cost), and to an in-process answer with no network at all (how close the SDK's own work is to
//                       the crypto floor)
//   tracing rows        the SDK call with OpenTelemetry tracing on: a no-op tracer (the API's provider with no SDK
//                       behind it: what an application that installs @opentelemetry/api without an SDK pays), and the
//                       OpenTelemetry SDK (BasicTracerProvider, BatchSpanProcessor, its in-memory exporter emptied at
//                       each export) recording one span per call
//   peer                alipay-sdk v4 exec() with AES encryption, RSA2 signing and response verification, against an
//                       Alipay-format replay server
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  sign as rsaSign,
  verify as rsaVerify,
  type KeyObject,
} from 'node:crypto';
import http from 'node:http';
import { ProxyTracerProvider } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { AlipaySdk } from 'alipay-sdk';
import { createCodePay } from '@codepay/sdk';
import {
  ACCESS_TOKEN,
  ALIPAY_METHOD,
  alipayConfig,
  alipayResponseBody,
  codePayClientKeys,
  codePayWire,
  createOrderParams,
  generateBenchKeys,
  type BenchKeys,
  type CodePayWire,
} from './fixtures.js';
import { inProcessFetch } from './what-if-fetch.js';
import { ALIPAY_JSON_TYPE, JSON_TYPE, startReplayServer, type ReplayServer } from './replay.js';

export type SubjectName =
  | 'crypto'
  | 'http'
  | 'httpNode'
  | 'composed'
  | 'sdk'
  | 'sdkTraceNoop'
  | 'sdkTraceSdk'
  | 'sdkFetch'
  | 'sdkNoNetwork'
  | 'peer';

export const SUBJECT_LABELS: Record<SubjectName, string> = {
  crypto: 'crypto floor (bare node:crypto, async sign/verify)',
  http: 'HTTP floor (raw fetch of a precomputed envelope)',
  httpNode: 'HTTP floor, node:http (keep-alive Agent, as the SDK)',
  composed: 'envelope floor: bare crypto + node:http in one call (no SDK)',
  sdk: '@codepay/sdk orders.create (validation on)',
  sdkTraceNoop: '@codepay/sdk, tracing on: a no-op tracer (@opentelemetry/api, no SDK)',
  sdkTraceSdk: '@codepay/sdk, tracing on: OpenTelemetry SDK, batch processor, in-memory exporter',
  sdkFetch: 'what-if: @codepay/sdk with `fetch: globalThis.fetch`',
  sdkNoNetwork: 'what-if: @codepay/sdk, no network (`fetch` answers in-process)',
  peer: 'alipay-sdk 4 exec (AES + RSA2 + verify)',
};

export interface Subject {
  name: SubjectName;
  call: () => Promise<unknown>;
  /** The replay server this subject talks to (for its CPU per call). */
  server?: ReplayServer;
}

export interface BenchEnvironment {
  keys: BenchKeys;
  wire: CodePayWire;
  codePayServer: ReplayServer;
  alipayServer: ReplayServer;
  alipayBody: string;
  subjects: Record<SubjectName, Subject>;
  close(): Promise<void>;
}

const signAsync = (data: Buffer, key: KeyObject) =>
  new Promise<Buffer>((resolve, reject) =>
    rsaSign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))),
  );
const verifyAsync = (data: Buffer, key: KeyObject, signature: Buffer) =>
  new Promise<boolean>((resolve, reject) =>
    rsaVerify('sha256', data, key, signature, (error, ok) => (error ? reject(error) : resolve(ok))),
  );

function cryptoFloor(keys: BenchKeys, wire: CodePayWire): () => Promise<unknown> {
  const platformPublic = createPublicKey({
    key: Buffer.from(keys.platformPublicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  return async () => {
    const bytes = Buffer.from(JSON.stringify(createOrderParams), 'utf8');
    const signing = signAsync(bytes, keys.merchantPrivate);
    const cipher = createCipheriv('aes-128-ecb', keys.aes, null);
    const bizContent = Buffer.concat([cipher.update(bytes), cipher.final()]).toString('base64');
    const body = JSON.stringify({ service: 'createOrder', bizContent, sign: (await signing).toString('base64') });
    void body;
    const answer = JSON.parse(wire.responseBody) as { bizContent: string; sign: string };
    const decipher = createDecipheriv('aes-128-ecb', keys.aes, null);
    const plain = Buffer.concat([decipher.update(Buffer.from(answer.bizContent, 'base64')), decipher.final()]);
    if (!(await verifyAsync(plain, platformPublic, Buffer.from(answer.sign, 'base64'))))
      throw new Error('crypto floor: verify failed');
    return JSON.parse(plain.toString('utf8'));
  };
}

function httpFloor(payUrl: string, wire: CodePayWire): () => Promise<unknown> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    authorization: `Bearer ${ACCESS_TOKEN}`,
  };
  return async () => {
    const response = await fetch(payUrl, { method: 'POST', headers, body: wire.requestBody });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`HTTP floor: status ${response.status}`);
    return text;
  };
}

/** POSTs a body over node:http with a keep-alive Agent (keepAlive, lifo: the transport's settings); resolves the answer text. */
function nodeHttpPoster(payUrl: string): (body: string) => Promise<string> {
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const url = new URL(payUrl);
  return (text) =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(text, 'utf8');
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${ACCESS_TOKEN}`,
        'content-length': String(body.length),
      };
      const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`node:http exchange: status ${response.statusCode}`));
          else resolve(Buffer.concat(chunks).toString('utf8'));
        });
      });
      request.on('error', reject);
      request.end(body);
    });
}

/** The precomputed request envelope over node:http: the HTTP floor of the client the SDK uses. */
function nodeHttpFloor(payUrl: string, wire: CodePayWire): () => Promise<unknown> {
  const post = nodeHttpPoster(payUrl);
  return () => post(wire.requestBody);
}

/** The crypto floor and the node:http exchange in one call, written directly against node:crypto and node:http. */
function envelopeFloor(keys: BenchKeys, payUrl: string): () => Promise<unknown> {
  const post = nodeHttpPoster(payUrl);
  const platformPublic = createPublicKey({
    key: Buffer.from(keys.platformPublicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  return async () => {
    const bytes = Buffer.from(JSON.stringify(createOrderParams), 'utf8');
    const signing = signAsync(bytes, keys.merchantPrivate);
    const cipher = createCipheriv('aes-128-ecb', keys.aes, null);
    const bizContent = Buffer.concat([cipher.update(bytes), cipher.final()]).toString('base64');
    const answer = JSON.parse(
      await post(JSON.stringify({ service: 'createOrder', bizContent, sign: (await signing).toString('base64') })),
    ) as {
      bizContent: string;
      sign: string;
    };
    const decipher = createDecipheriv('aes-128-ecb', keys.aes, null);
    const plain = Buffer.concat([decipher.update(Buffer.from(answer.bizContent, 'base64')), decipher.final()]);
    if (!(await verifyAsync(plain, platformPublic, Buffer.from(answer.sign, 'base64'))))
      throw new Error('envelope floor: verify failed');
    return JSON.parse(plain.toString('utf8'));
  };
}

export async function createBenchEnvironment(): Promise<BenchEnvironment> {
  const keys = await generateBenchKeys();
  const wire = codePayWire(keys);
  const codePayServer = await startReplayServer({
    '/api/v2/pay': { status: 200, contentType: JSON_TYPE, body: wire.responseBody },
    '/api/v2/token': { status: 200, contentType: JSON_TYPE, body: wire.tokenBody },
  });
  // The peer's server needs the peer's own sign-text extraction, so the SDK instance is made first.
  const alipayGatewayPath = '/gateway.do';
  const placeholder = new AlipaySdk(alipayConfig(keys, 'http://127.0.0.1:9/gateway.do'));
  const { body: alipayBody } = alipayResponseBody(keys, placeholder);
  const alipayServer = await startReplayServer({
    [alipayGatewayPath]: { status: 200, contentType: ALIPAY_JSON_TYPE, body: alipayBody },
  });

  const codepay = createCodePay({ baseUrl: codePayServer.url, ...codePayClientKeys(keys), logLevel: 'silent' });
  const codepayFetch = createCodePay({
    baseUrl: codePayServer.url,
    ...codePayClientKeys(keys),
    logLevel: 'silent',
    fetch: globalThis.fetch,
  });
  const codepayNoNetwork = createCodePay({
    baseUrl: 'http://127.0.0.1:9',
    ...codePayClientKeys(keys),
    logLevel: 'silent',
    fetch: inProcessFetch({ token: wire.tokenBody, pay: wire.responseBody }),
  });
  const alipay = new AlipaySdk(alipayConfig(keys, `${alipayServer.url}${alipayGatewayPath}`));
  // Tracing on. The SDK's exporter keeps every span it is given: emptied at each export, so memory stays flat.
  class DiscardingInMemoryExporter extends InMemorySpanExporter {
    override export(spans: ReadableSpan[], done: Parameters<InMemorySpanExporter['export']>[1]): void {
      super.export(spans, done);
      this.reset();
    }
  }
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DiscardingInMemoryExporter())],
  });
  const codepayTraceNoop = createCodePay({
    baseUrl: codePayServer.url,
    ...codePayClientKeys(keys),
    logLevel: 'silent',
    tracerProvider: new ProxyTracerProvider(),
  });
  const codepayTraceSdk = createCodePay({
    baseUrl: codePayServer.url,
    ...codePayClientKeys(keys),
    logLevel: 'silent',
    tracerProvider,
  });
  const tracedCall = (client: typeof codepay, label: string) => async () => {
    const order = await client.orders.create(createOrderParams);
    if (order.status !== 'New') throw new Error(`${label}: unexpected status ${order.status}`);
    return order;
  };

  const sdkCall = async () => {
    const order = await codepay.orders.create(createOrderParams);
    if (order.status !== 'New') throw new Error(`sdk: unexpected status ${order.status}`);
    return order;
  };
  const sdkFetchCall = async () => {
    const order = await codepayFetch.orders.create(createOrderParams);
    if (order.status !== 'New') throw new Error(`sdk (fetch): unexpected status ${order.status}`);
    return order;
  };
  const sdkNoNetworkCall = async () => {
    const order = await codepayNoNetwork.orders.create(createOrderParams);
    if (order.status !== 'New') throw new Error(`sdk (no network): unexpected status ${order.status}`);
    return order;
  };
  const peerCall = async () => {
    const result = await alipay.exec(
      ALIPAY_METHOD,
      { bizContent: { ...createOrderParams }, needEncrypt: true },
      { validateSign: true },
    );
    if (result.code !== '10000') throw new Error(`peer: unexpected code ${result.code}`);
    return result;
  };
  const subjects: Record<SubjectName, Subject> = {
    crypto: { name: 'crypto', call: cryptoFloor(keys, wire) },
    http: { name: 'http', call: httpFloor(`${codePayServer.url}/api/v2/pay`, wire), server: codePayServer },
    httpNode: { name: 'httpNode', call: nodeHttpFloor(`${codePayServer.url}/api/v2/pay`, wire), server: codePayServer },
    composed: { name: 'composed', call: envelopeFloor(keys, `${codePayServer.url}/api/v2/pay`), server: codePayServer },
    sdk: { name: 'sdk', call: sdkCall, server: codePayServer },
    sdkTraceNoop: {
      name: 'sdkTraceNoop',
      call: tracedCall(codepayTraceNoop, 'sdk (no-op tracer)'),
      server: codePayServer,
    },
    sdkTraceSdk: {
      name: 'sdkTraceSdk',
      call: tracedCall(codepayTraceSdk, 'sdk (OpenTelemetry SDK)'),
      server: codePayServer,
    },
    sdkFetch: { name: 'sdkFetch', call: sdkFetchCall, server: codePayServer },
    sdkNoNetwork: { name: 'sdkNoNetwork', call: sdkNoNetworkCall },
    peer: { name: 'peer', call: peerCall, server: alipayServer },
  };
  // One call each: a subject that cannot complete a call is a broken benchmark, not a slow one.
  for (const subject of Object.values(subjects)) await subject.call();
  return {
    keys,
    wire,
    codePayServer,
    alipayServer,
    alipayBody,
    subjects,
    async close() {
      await Promise.all([
        codepay.close(),
        codepayFetch.close(),
        codepayNoNetwork.close(),
        codepayTraceNoop.close(),
        codepayTraceSdk.close(),
      ]);
      await tracerProvider.shutdown();
      await Promise.all([codePayServer.close(), alipayServer.close()]);
    },
  };
}
