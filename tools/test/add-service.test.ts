// "A service is a spec change": on a temporary copy of the repository's spec, generated files and packages, adds a
// service `closeOrder` (order_sn, linkID, optional reason → order_sn, linkID, status; it moves an order New →
// Closed, refused with P0425 otherwise) by editing spec files only, then runs codegen and spec:check there and uses the
// result: the SDK has `orders.close`, the registry marks it unsafe, and the mock answers it from its declared state
// change. The real tree is never touched.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../src/check-spec.js';
import { findCodegenDrift } from '../src/codegen-check.js';
import { writeGenerated } from '../src/codegen.js';
import { GENERATED_DIRS } from '../src/generate-all.js';
import { README_FILES } from '../src/generate-readmes.js';
import { METHODS_MAP } from '../src/generate-sdk.js';
import { repoRoot } from '../src/paths.js';

const PACKAGES = ['models', 'transport', 'sdk', 'mock'] as const;

/** The packages' sources (generated files included), each with node_modules whose @codepay links are the copies. */
function copyPackages(root: string): void {
  for (const name of PACKAGES) {
    const from = path.join(repoRoot, 'packages', name);
    const to = path.join(root, 'packages', name);
    cpSync(from, to, { recursive: true, filter: (source) => !/[/\\](node_modules|dist|test)$/.test(source) });
    const modules = path.join(from, 'node_modules');
    mkdirSync(path.join(to, 'node_modules', '@codepay'), { recursive: true });
    for (const entry of readdirSync(modules)) {
      if (entry === '.bin') continue;
      if (entry === '@codepay') {
        for (const sibling of readdirSync(path.join(modules, entry))) {
          symlinkSync(path.join(root, 'packages', sibling), path.join(to, 'node_modules', '@codepay', sibling));
        }
      } else {
        symlinkSync(realpathSync(path.join(modules, entry)), path.join(to, 'node_modules', entry));
      }
    }
  }
}

/** Every file under the tree except node_modules, with a hash of its content. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        files.set(
          path.relative(root, full).split(path.sep).join('/'),
          createHash('sha256').update(readFileSync(full)).digest('hex'),
        );
    }
  };
  walk(root);
  return files;
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

function edit(root: string, file: string, change: (text: string) => string): void {
  const full = path.join(root, file);
  const before = readFileSync(full, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`${file}: the edit changed nothing`);
  writeFileSync(full, after);
}

const replaceOnce = (text: string, from: string | RegExp, to: string): string => {
  if (!(typeof from === 'string' ? text.includes(from) : from.test(text)))
    throw new Error(`not found: ${String(from)}`);
  return text.replace(from, to);
};

/** What a maintainer writes for closeOrder: two bizContent schemas, the operation, a status and a refusal code. */
function addCloseOrder(root: string): void {
  const schema = (kind: 'request' | 'response', body: Record<string, unknown>) =>
    writeFileSync(
      path.join(root, `spec/bizcontent/closeOrder.${kind}.json`),
      `${JSON.stringify(
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $id: `https://schemas.codepay.dev/bizcontent/closeOrder.${kind}.json`,
          ...body,
        },
        null,
        2,
      )}\n`,
    );
  const linkID = '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C';
  schema('request', {
    title: 'CloseOrderParams',
    description: 'closeOrder: close a New order so that it can no longer be paid.',
    type: 'object',
    additionalProperties: false,
    required: ['order_sn', 'linkID'],
    properties: {
      order_sn: { $ref: 'common/order-sn.json' },
      linkID: { $ref: 'common/link-id.json' },
      reason: { $ref: 'common/text.json', type: 'string', maxLength: 255 },
    },
    examples: [{ order_sn: 'ABC123456789', linkID, reason: 'Out of stock' }],
  });
  schema('response', {
    title: 'CloseOrderResult',
    description: "closeOrder's `data`: the order and its new status.",
    type: 'object',
    required: ['order_sn', 'linkID', 'status'],
    properties: {
      order_sn: { type: 'string' },
      linkID: { type: 'string' },
      status: { $ref: 'common/order-status.json' },
    },
    examples: [{ order_sn: 'ABC123456789', linkID, status: 'Closed' }],
  });

  edit(root, 'spec/bizcontent/common/order-status.json', (text) => {
    const status = JSON.parse(text);
    status.enum.push('Closed');
    status['x-codepay-statuses'].Closed = {
      final: true,
      moneyReceived: false,
      refund: false,
      meaning: 'Closed by the merchant before it was paid.',
    };
    return `${JSON.stringify(status, null, 2)}\n`;
  });

  edit(root, 'spec/openapi.yaml', (yaml) => {
    // The operation: a copy of refundOrder's, as a maintainer would make it.
    const start = yaml.indexOf('  /services/refundOrder:');
    const end = yaml.indexOf('  /services/', start + 1);
    let operation = yaml.slice(start, end).replaceAll('refundOrder', 'closeOrder');
    operation = replaceOnce(operation, /summary: .*/, 'summary: Close an order');
    operation = replaceOnce(
      operation,
      /description: >-\n\s+Refunds a paid order[^.]*\./,
      'description: >-\n        Closes a New order so that it can no longer be paid.',
    );
    operation = replaceOnce(operation, /x-codepay-echo: \[\]/, 'x-codepay-echo: [order_sn, linkID]');
    operation = replaceOnce(
      operation,
      / {6}# Decided \(sandbox\)[^\n]*\n {6}x-codepay-state:\n( {8}[^\n]*\n)+/,
      [
        '      x-codepay-state:',
        '        entity: order',
        '        action: move',
        '        key: [order_sn, linkID]',
        '        from: [New]',
        '        to: Closed',
        '        refusal: P0425',
        '        change: order-closed',
        '',
      ].join('\n'),
    );
    operation = replaceOnce(operation, 'method: refund', 'method: close');
    let spec = yaml.slice(0, end) + operation + yaml.slice(end);
    spec = replaceOnce(spec, /(ServiceName:\n(?:.*\n)*?\s+enum: \[[^\]]*)\]/, '$1, closeOrder]');
    spec = replaceOnce(
      spec,
      /( {8}P0424: 'Sandbox[^\n]*\n)/,
      "$1        P0425: 'Sandbox (decided): only a New order can be closed.'\n",
    );
    return replaceOnce(
      spec,
      /( {6}x-codepay-sandbox-messages:\n)/,
      [
        '$1        P0425:',
        '          en-US: Only a New order can be closed',
        '          zh-CN: 只有新订单可以关闭',
        '          ja-JP: 閉じられるのは新規の注文のみです',
        '          fr-FR: Seule une commande nouvelle peut être clôturée',
        '',
      ].join('\n'),
    );
  });
}

/** Runs against the copies: the mock started from them, the SDK built from them, over loopback. */
const CLIENT_SCRIPT = `
import { startMockGateway } from './packages/mock/src/index.ts';
import { createCodePay } from './packages/sdk/src/index.ts';
import { services } from './packages/models/src/index.ts';

const failure = (error) => ({ name: error.name, errorCode: error.errorCode, errorMessage: error.errorMessage });
const mock = await startMockGateway();
try {
  const codepay = createCodePay({ baseUrl: mock.url, ...mock.clientKeys, logLevel: 'silent' });
  const order = await codepay.orders.create({
    order_sn: 'CLOSE-1', currency: 'USD', amount: 10.5, payerID: 157774, purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'Goods', domain: 'www.example.com', product: 'Book',
  });
  const key = { order_sn: order.order_sn, linkID: order.linkID };
  const closed = await codepay.orders.close({ ...key, reason: 'Out of stock' });
  const change = mock.requests.at(-1).change;
  const again = await codepay.orders.close(key).catch(failure);
  const queried = await codepay.orders.get(key);
  const unknown = await codepay.orders.close({ ...key, order_sn: 'NEVER-CREATED' }).catch(failure);
  const { retry, resultFields } = services.closeOrder;
  console.log(JSON.stringify({ retry, resultFields, closed: { ...closed }, change, again, queried: { ...queried }, unknown }));
} finally {
  await mock.close();
}
`;

describe('adding a service takes only spec files', () => {
  let root: string;
  let handEdited: string[];
  let generated: string[];
  let written: string[];

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'codepay-add-service-'));
    cpSync(path.join(repoRoot, 'spec'), path.join(root, 'spec'), { recursive: true });
    copyPackages(root);
    for (const file of README_FILES) cpSync(path.join(repoRoot, file), path.join(root, file));
    const pristine = snapshot(root);
    addCloseOrder(root);
    const edited = snapshot(root);
    handEdited = changedFiles(pristine, edited);
    written = await writeGenerated(root);
    generated = changedFiles(edited, snapshot(root));
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the change is four spec files; codegen rewrites only generated files and README tables', () => {
    expect(handEdited).toEqual([
      'spec/bizcontent/closeOrder.request.json',
      'spec/bizcontent/closeOrder.response.json',
      'spec/bizcontent/common/order-status.json',
      'spec/openapi.yaml',
    ]);
    const owned = (file: string) =>
      GENERATED_DIRS.some((dir) => file.startsWith(`${dir}/`)) ||
      (README_FILES as readonly string[]).includes(file) ||
      file === METHODS_MAP;
    expect(generated.filter((file) => !owned(file))).toEqual([]);
    expect(generated).toEqual(
      expect.arrayContaining([
        'packages/sdk/src/gen/resources.gen.ts',
        'packages/sdk/src/gen/types.gen.ts',
        'packages/mock/src/gen/merchant-model.gen.ts',
        METHODS_MAP,
        'packages/sdk/README.md',
      ]),
    );
    expect(written.filter((line) => line.startsWith('removed'))).toEqual([]);
  });

  it('codegen:check and spec:check pass on it', async () => {
    expect(await findCodegenDrift(root)).toEqual([]);
    const result = await checkSpec(root);
    expect(result.problems).toEqual([]);
    expect(result.lintOk).toBe(true);
  }, 60_000);

  it('the generated SDK has orders.close, api/methods.md and the README list it, the mock knows the change', () => {
    const types = readFileSync(path.join(root, 'packages/sdk/src/gen/types.gen.ts'), 'utf8');
    expect(types).toMatch(
      /\bclose\(params: CloseOrderParams, options\?: RequestOptions\): Promise<WithPsn<CloseOrderResult>>;/,
    );
    expect(readFileSync(path.join(root, METHODS_MAP), 'utf8')).toMatch(
      /^\| `orders\.close\(\)` \| `closeOrder` \| `CloseOrderParams` \| `CloseOrderResult` \| changes state \| Close an order\./m,
    );
    expect(readFileSync(path.join(root, 'packages/sdk/README.md'), 'utf8')).toContain(
      '| `orders.close()` | `closeOrder` | only if never sent | Close an order |',
    );
    expect(readFileSync(path.join(root, 'packages/mock/src/gen/merchant-model.gen.ts'), 'utf8')).toContain(
      "order: 'order-created' | 'order-refunded' | 'order-closed' | 'card-checkout' | 'card-payment';",
    );
  });

  it('the SDK calls it against the mock, which moves the order from its declared state change', () => {
    const script = path.join(root, 'close-order.mts');
    writeFileSync(script, CLIENT_SCRIPT);
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const run = spawnSync(process.execPath, [tsx, script], { cwd: root, encoding: 'utf8', timeout: 45_000 });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(seen.retry).toBe('unsafe'); // state-changing: never retried automatically
    expect(seen.resultFields).toEqual(['order_sn', 'linkID', 'status']);
    expect(seen.closed).toEqual({
      order_sn: 'CLOSE-1',
      linkID: expect.stringMatching(/^[0-9A-F-]{36}$/),
      status: 'Closed',
    });
    expect(seen.change).toMatchObject({ kind: 'order-closed', order: { order_sn: 'CLOSE-1', status: 'Closed' } });
    expect(seen.again).toEqual({
      name: 'BusinessError',
      errorCode: 'P0425',
      errorMessage: 'Only a New order can be closed',
    });
    expect(seen.queried).toEqual({ outcome: 'Closed' });
    expect(seen.unknown).toMatchObject({ name: 'BusinessError', errorCode: 'P0405' });
  }, 60_000);

  it('left the real tree alone', () => {
    expect(existsSync(path.join(repoRoot, 'spec/bizcontent/closeOrder.request.json'))).toBe(false);
  });
});
