import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../src/errors.js';
import { ok, startLoopbackGateway, type LoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, testClient } from './support/test-client.js';

// A private CA and a server certificate for 127.0.0.1, made with the OpenSSL command line for this test only.
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=CodePay Test CA',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return { ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') };
}

describe('HTTPS with a private CA', () => {
  let dir: string;
  let gateway: LoopbackGateway;
  let ca: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'codepay-tls-'));
    const certs = makeCertificates(dir);
    ca = certs.ca;
    gateway = await startLoopbackGateway({ tls: { key: certs.key, cert: certs.cert } });
    gateway.handle(() => ok({ currency: 'USD', balance: '7.00' }));
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls over HTTPS when the CA is passed with `ca`', async () => {
    expect(gateway.url).toMatch(/^https:/);
    await expect(testClient(gateway, { ca }).call('getBalance', balanceParams)).resolves.toMatchObject({
      data: { balance: '7.00' },
    });
  });

  it('without `ca` the same call fails the certificate check, sends nothing and is not retried', async () => {
    const before = gateway.tokenRequests;
    const error = await testClient(gateway)
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /TLS certificate check \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
    );
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(gateway.tokenRequests).toBe(before);
  });

  it('withOptions keeps the CA connection pool and the token', async () => {
    const client = testClient(gateway, { ca });
    await client.call('getBalance', balanceParams);
    const tokens = gateway.tokenRequests;
    await client.withOptions({ language: 'fr-FR' }).call('getBalance', balanceParams);
    expect(gateway.tokenRequests).toBe(tokens);
    expect(gateway.calls.at(-1)?.headers['accept-language']).toBe('fr-FR');
  });
});
