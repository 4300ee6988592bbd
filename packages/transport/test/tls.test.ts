// Certificate checks (issue 15, findings 1 and 2): NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment changes nothing
// for the built-in client (a self-signed or wrong-host certificate is refused, with or without `ca`), and `ca` adds a
// private CA to the certificates Node trusts by default instead of replacing them.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../src/errors.js';
import { capturingLogger, type CapturedLine } from './support/capture-logger.js';
import { certificateWorkshop, type CertificateAuthority, type CertificateWorkshop } from './support/certificates.js';
import { ok, startLoopbackGateway, type LoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from './support/test-client.js';

let workshop: CertificateWorkshop;
let privateCa: CertificateAuthority;

beforeAll(() => {
  workshop = certificateWorkshop();
  privateCa = workshop.authority('CodePay Test CA');
});
afterAll(() => workshop.dispose());

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn certificate checks off', () => {
  let trusted: LoopbackGateway;
  let selfSigned: LoopbackGateway;
  let wrongHost: LoopbackGateway;
  const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

  beforeAll(async () => {
    trusted = await startLoopbackGateway({ tls: privateCa.issue('IP:127.0.0.1') });
    selfSigned = await startLoopbackGateway({ tls: workshop.selfSigned('IP:127.0.0.1') });
    // Issued by the CA the client trusts, for another name than the host it answers on.
    wrongHost = await startLoopbackGateway({ tls: privateCa.issue('DNS:gateway.other.example') });
    for (const gateway of [trusted, selfSigned, wrongHost])
      gateway.handle(() => ok({ currency: 'USD', balance: '7.00' }));
  });
  afterAll(async () => {
    await Promise.all([trusted.close(), selfSigned.close(), wrongHost.close()]);
  });
  beforeEach(() => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
  });

  it('the control: a certificate from the private CA passed as `ca` is accepted', async () => {
    await expect(testClient(trusted, { ca: privateCa.pem }).call('getBalance', balanceParams)).resolves.toMatchObject({
      data: { balance: '7.00' },
    });
  });

  it('a self-signed certificate is refused: ConnectionError, nothing sent, not retried', async () => {
    const error = await testClient(selfSigned)
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /TLS certificate check \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(selfSigned.tokenRequests).toBe(0);
    expect(selfSigned.calls).toHaveLength(0);
  });

  it('a certificate for another host is refused even from the CA passed as `ca`', async () => {
    const error = await testClient(wrongHost, { ca: privateCa.pem })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/TLS certificate check \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
    expect(wrongHost.tokenRequests).toBe(0);
  });

  it('the environment setting is reported once, at warn level, as ignored', async () => {
    const lines: CapturedLine[] = [];
    for (let i = 0; i < 3; i++) testClient(trusted, { ca: privateCa.pem, logger: capturingLogger(lines) });
    // Earlier clients of this file may have said it already (once per process): never more than once.
    const warnings = (await import('./support/capture-logger.js')).capturedLines
      .concat(lines)
      .filter((line) => /NODE_TLS_REJECT_UNAUTHORIZED/.test(line.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn' });
    expect(warnings[0]!.message).toMatch(/ignored: certificate checks of the gateway stay on/);
  });
});

describe('`ca` adds to the certificates Node trusts by default', () => {
  let otherCa: CertificateAuthority;
  let byDefaultTrust: Server;
  let byOption: Server;
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };
  const answer = (_req: unknown, res: { writeHead(status: number): { end(body: string): void } }) =>
    res.writeHead(200).end('{}');

  beforeAll(() => {
    otherCa = workshop.authority('A CA the process trusts by default');
    byDefaultTrust = createServer(otherCa.issue('IP:127.0.0.1'), answer);
    byOption = createServer(privateCa.issue('IP:127.0.0.1'), answer);
  });
  afterAll(() => {
    byDefaultTrust.close();
    byOption.close();
  });

  it('a client with `ca` still trusts what the process trusts (NODE_EXTRA_CA_CERTS here, the public roots likewise)', async () => {
    const urls = [await listen(byDefaultTrust), await listen(byOption)];
    // A fresh process, because Node reads NODE_EXTRA_CA_CERTS once, at start-up.
    const client = fileURLToPath(new URL('../src/http/node-http-client.ts', import.meta.url));
    const script = `
      import { createNodeHttpClient } from ${JSON.stringify(client)};
      const http = createNodeHttpClient({ ca: [${JSON.stringify(privateCa.pem)}] });
      const results = [];
      for (const url of ${JSON.stringify(urls)}) {
        try {
          const answer = await http.exchange({ url, headers: {}, body: '{}', timeoutMs: 5000, signal: undefined, maxBytes: 1024 });
          results.push(answer.status);
        } catch (error) {
          results.push(String(error.cause?.code ?? error.cause ?? error));
        }
      }
      http.close();
      console.log(JSON.stringify(results));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        env: { ...process.env, NODE_EXTRA_CA_CERTS: otherCa.file, NODE_TLS_REJECT_UNAUTHORIZED: '' },
      },
    );
    // The server trusted by the process's defaults, then the one trusted through `ca`: both answer.
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual([200, 200]);
  }, 30_000);

  it('createOrder over HTTPS with the private CA, as a control of the same client path', async () => {
    const gateway = await startLoopbackGateway({ tls: privateCa.issue('IP:127.0.0.1') });
    gateway.handle(() => ok(orderResult));
    try {
      await expect(
        testClient(gateway, { ca: [privateCa.pem] }).call('createOrder', orderParams),
      ).resolves.toMatchObject({ data: { linkID: orderResult.linkID } });
    } finally {
      await gateway.close();
    }
  });
});
