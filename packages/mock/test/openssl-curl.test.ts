// The mock speaks the envelope as the documentation describes it, not just as our own code does: a client made of
// the OpenSSL command line and curl gets a token, calls getBalance and verifies the answer.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { utcTimestamp } from './support/test-client.js';

const OPENSSL = '/usr/bin/openssl';
const CURL = '/usr/bin/curl';

let mock: MockGateway;
let dir: string;
let aesKeyHex: string;
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): string {
  return execFileSync(OPENSSL, args, { encoding: 'utf8' });
}

const execFileAsync = promisify(execFile);

// Asynchronous: the gateway runs in this process, so a synchronous curl would block the very server it calls.
async function curlPost(url: string, bodyFile: string, headers: string[] = []): Promise<string> {
  const headerArgs = ['content-type: application/json', ...headers].flatMap((header) => ['-H', header]);
  const args = ['-sS', '--max-time', '10', '-X', 'POST', ...headerArgs, '--data-binary', `@${bodyFile}`, url];
  return (await execFileAsync(CURL, args, { encoding: 'utf8' })).stdout;
}

/** Base64 SHA256withRSA of the file's bytes with the merchant key. */
function signFile(input: string): string {
  openssl('dgst', '-sha256', '-sign', file('merchant.pem'), '-out', file('sig.bin'), input);
  return openssl('base64', '-A', '-in', file('sig.bin')).trim();
}

/** Whether `signatureBase64` verifies over the file's bytes with the platform public key. */
function verifyWithPlatformKey(input: string, signatureBase64: string): boolean {
  writeFileSync(file('answer-sig.b64'), signatureBase64);
  openssl('base64', '-d', '-A', '-in', file('answer-sig.b64'), '-out', file('answer-sig.bin'));
  try {
    return openssl(
      'dgst',
      '-sha256',
      '-verify',
      file('platform-public.pem'),
      '-signature',
      file('answer-sig.bin'),
      input,
    ).includes('Verified OK');
  } catch {
    return false;
  }
}

beforeAll(async () => {
  mock = await startMockGateway();
  dir = mkdtempSync(path.join(tmpdir(), 'codepay-openssl-'));
  // Key files: the dashboard's Base64 DER turned into PEM by OpenSSL itself.
  writeFileSync(file('merchant.der'), Buffer.from(mock.keys.merchantPrivateKey, 'base64'));
  writeFileSync(file('platform-public.der'), Buffer.from(mock.keys.platformPublicKey, 'base64'));
  openssl('pkey', '-inform', 'DER', '-in', file('merchant.der'), '-out', file('merchant.pem'));
  openssl('pkey', '-pubin', '-inform', 'DER', '-in', file('platform-public.der'), '-out', file('platform-public.pem'));
  aesKeyHex = Buffer.from(mock.keys.aesKey, 'base64').toString('hex');
});

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

async function getToken(): Promise<string> {
  const timestamp = utcTimestamp();
  writeFileSync(file('token-text.txt'), `appId=${mock.keys.appId}&timestamp=${timestamp}`);
  const sign = signFile(file('token-text.txt'));
  writeFileSync(file('token.json'), JSON.stringify({ appId: mock.keys.appId, timestamp, sign }));
  const answer = JSON.parse(await curlPost(`${mock.url}/api/v2/token`, file('token.json'))) as {
    statusCode: number;
    data: { accessToken: string; expiresIn: number };
  };
  expect(answer.statusCode).toBe(0);
  expect(answer.data.expiresIn).toBe(7200);
  return answer.data.accessToken;
}

it('gets a token and calls getBalance with openssl + curl, and verifies the answer with openssl', async () => {
  const token = await getToken();

  writeFileSync(file('params.json'), '{"currency":"USD"}');
  const sign = signFile(file('params.json'));
  openssl('enc', '-aes-128-ecb', '-K', aesKeyHex, '-nosalt', '-in', file('params.json'), '-out', file('params.enc'));
  const bizContent = openssl('base64', '-A', '-in', file('params.enc')).trim();
  writeFileSync(file('envelope.json'), JSON.stringify({ service: 'getBalance', bizContent, sign }));

  const answer = JSON.parse(
    await curlPost(`${mock.url}/api/v2/pay`, file('envelope.json'), [`Authorization: Bearer ${token}`]),
  ) as {
    statusCode: number;
    psn: string;
    bizContent: string;
    sign: string;
  };
  expect(answer.statusCode).toBe(0);

  writeFileSync(file('answer.b64'), answer.bizContent);
  openssl('base64', '-d', '-A', '-in', file('answer.b64'), '-out', file('answer.enc'));
  openssl(
    'enc',
    '-d',
    '-aes-128-ecb',
    '-K',
    aesKeyHex,
    '-nosalt',
    '-in',
    file('answer.enc'),
    '-out',
    file('answer.json'),
  );
  expect(verifyWithPlatformKey(file('answer.json'), answer.sign)).toBe(true);
  expect(JSON.parse(readFileSync(file('answer.json'), 'utf8'))).toEqual({
    status: 0,
    errorCode: null,
    errorMessage: null,
    data: { currency: 'USD', balance: '2024.12' },
  });
  expect(mock.requests.at(-1)).toMatchObject({ service: 'getBalance', params: { currency: 'USD' }, outcome: 'ok' });
});

it('signs gateway error bodies so that openssl verifies them over code=…&msg=…&psn=…', async () => {
  writeFileSync(file('empty-envelope.json'), '{}');
  const body = JSON.parse(
    await curlPost(`${mock.url}/api/v2/pay`, file('empty-envelope.json'), ['Authorization: Bearer nope']),
  ) as Record<string, string>;
  expect(body.code).toBe('E01002');
  writeFileSync(file('error-text.txt'), `code=${body.code}&msg=${body.msg}&psn=${body.psn}`);
  expect(verifyWithPlatformKey(file('error-text.txt'), body.sign ?? '')).toBe(true);
});
