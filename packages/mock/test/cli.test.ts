// The codepay-mock command: prints its URL, writes the keys in the dashboard format, serves, and exits 0 on Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAesKey, loadPrivateKey, loadPublicKey } from '@codepay/transport';
import type { MockGatewayKeys } from '../src/index.js';
import { parseCliArguments } from '../src/cli-arguments.js';
import { TestClient } from './support/test-client.js';

const BIN = fileURLToPath(new URL('../bin/codepay-mock.js', import.meta.url));
let dir: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'codepay-cli-'));
});

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[]): Promise<Started> {
  const process = spawn(globalThis.process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = process;
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    process.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 15 s; stderr: ${stderr}`)), 15_000);
    process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    process.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, output: () => stdout, exited });
      }
    });
    void exited.then(({ code }) => reject(new Error(`exited with ${code} before printing a URL; stderr: ${stderr}`)));
  });
}

function expectBase64Der(text: string, load: (der: Buffer) => unknown): void {
  expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  expect(() => load(Buffer.from(text, 'base64'))).not.toThrow();
}

describe('codepay-mock', () => {
  it('prints the URL, writes the keys, answers getBalance and exits 0 on SIGINT', async () => {
    const keysFile = path.join(dir, 'keys.json');
    const cli = await startCli(['--port', '0', '--keys-out', keysFile]);
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as MockGatewayKeys;
    expect(Object.keys(keys).sort()).toEqual(
      ['aesKey', 'appId', 'merchantPrivateKey', 'merchantPublicKey', 'platformPrivateKey', 'platformPublicKey'].sort(),
    );
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    expectBase64Der(keys.merchantPrivateKey, (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    expectBase64Der(keys.platformPrivateKey, (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    expectBase64Der(keys.merchantPublicKey, (der) => createPublicKey({ key: der, format: 'der', type: 'spki' }));
    expectBase64Der(keys.platformPublicKey, (der) => createPublicKey({ key: der, format: 'der', type: 'spki' }));
    expect(loadPrivateKey(keys.merchantPrivateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(loadPublicKey(keys.platformPublicKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(loadAesKey(keys.aesKey).symmetricKeySize).toBe(16);
    expect(Buffer.from(keys.aesKey, 'base64')).toHaveLength(16);
    // No key material on the console.
    expect(cli.output()).toContain(keys.appId);
    expect(cli.output()).not.toContain(keys.merchantPrivateKey.slice(0, 40));
    expect(cli.output()).not.toContain(keys.aesKey);

    expect(cli.output()).toContain('payers and orders it never created: not found');
    const client = new TestClient({ url: cli.url, keys });
    try {
      const answer = await client.pay('getBalance', { currency: 'USD' });
      expect(answer.signatureValid).toBe(true);
      expect(answer.payload?.data).toEqual({ currency: 'USD', balance: '2024.12' });
      expect((await client.pay('getPayer', { email: 'nobody@example.com' })).payload?.errorCode).toBe('P0404');
    } finally {
      client.close();
    }

    child?.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('reuses a keys file and honours --dynamic, --seed and --token-ttl; exits 0 on SIGTERM', async () => {
    const keysFile = path.join(dir, 'keys.json');
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as MockGatewayKeys;
    const cli = await startCli([
      '--port',
      '0',
      '--keys',
      keysFile,
      '--dynamic',
      '--seed',
      'cli-seed',
      '--token-ttl',
      '60',
    ]);
    expect(cli.output()).toContain('seed cli-seed');
    const client = new TestClient({ url: cli.url, keys });
    try {
      expect((await client.requestToken()).json?.data).toMatchObject({ expiresIn: 60 });
      const answer = await client.pay('getBalance', { currency: 'USD' });
      expect(answer.signatureValid).toBe(true);
      expect(answer.payload?.data).not.toEqual({ currency: 'USD', balance: '2024.12' });
    } finally {
      client.close();
    }
    child?.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('answers unknown records from the examples with --unknown-records examples', async () => {
    const keysFile = path.join(dir, 'keys.json');
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as MockGatewayKeys;
    const cli = await startCli(['--port', '0', '--keys', keysFile, '--unknown-records', 'examples']);
    expect(cli.output()).toContain('payers and orders it never created: answered from the examples');
    const client = new TestClient({ url: cli.url, keys });
    try {
      expect((await client.pay('getPayer', { email: 'nobody@example.com' })).payload?.data).toMatchObject({
        payerID: 157774,
      });
    } finally {
      client.close();
    }
    child?.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('prints usage for --help (exit 0) and for bad arguments (exit 2)', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: codepay-mock');
    expect(help.stdout).toContain('--unknown-records <mode>');
    const bad = spawnSync(process.execPath, [BIN, '--port', 'eighty'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer');
    const badMode = spawnSync(process.execPath, [BIN, '--unknown-records', 'none'], { encoding: 'utf8' });
    expect(badMode.status).toBe(2);
    expect(badMode.stderr).toContain('--unknown-records must be not-found or examples; received "none"');
  });
});

describe('parseCliArguments', () => {
  it('reads every option', () => {
    expect(
      parseCliArguments([
        '--port',
        '8080',
        '--host',
        '0.0.0.0',
        '--keys-out',
        'k.json',
        '--dynamic',
        '--seed',
        's',
        '--token-ttl',
        '5',
        '--latency',
        '20',
      ]),
    ).toEqual({
      help: false,
      port: 8080,
      host: '0.0.0.0',
      keysOut: 'k.json',
      dynamic: true,
      seed: 's',
      tokenTtlSeconds: 5,
      latencyMs: 20,
    });
    expect(parseCliArguments([])).toEqual({ help: false, port: 4010, host: '127.0.0.1', dynamic: false });
    expect(parseCliArguments(['--unknown-records', 'examples'])).toMatchObject({ unknownRecords: 'examples' });
    expect(parseCliArguments(['--unknown-records', 'not-found'])).toMatchObject({ unknownRecords: 'not-found' });
  });

  it('refuses unknown options and bad numbers', () => {
    expect(() => parseCliArguments(['--prot', '1'])).toThrow(/Unknown option/);
    expect(() => parseCliArguments(['--port', '70000'])).toThrow(/65535/);
    expect(() => parseCliArguments(['--token-ttl', '0'])).toThrow(/at least 1/);
    expect(() => parseCliArguments(['--unknown-records', 'Examples'])).toThrow(
      /--unknown-records must be not-found or examples/,
    );
    expect(() => parseCliArguments(['--unknown-records'])).toThrow(/argument missing/);
  });
});
