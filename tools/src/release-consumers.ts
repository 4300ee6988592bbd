// The projects `pnpm release:rehearse` installs the released packages into, from its local registry: what a user
// writes, in each module system.
// Each makes real calls through @codepay/sdk against a gateway from @codepay/mock (create a payer, create an order
// for them, check the balance), checks the answers, checks that invalid params are refused before anything is
// sent, prints one line and exits non-zero on any failure.
//   consumer.cjs  require(), mock started with the library's startMockGateway()
//   consumer.mjs  import, against the `codepay-mock` executable the rehearsal started (URL and keys file in
//                 CODEPAY_BASE_URL / CODEPAY_KEYS_FILE)
//   consumer.mts  TypeScript ESM, consumer.cts TypeScript CommonJS: type-checked by `tsc --noEmit` (module and
//                 moduleResolution nodenext, strict, declaration files checked too), then compiled and run; each
//                 also proves the types are not `any` and that type-only exports stay types (@ts-expect-error)

/** The calls and checks, shared by every consumer (plain JavaScript, valid in .cjs, .mjs, .mts and .cts). */
const exercise = (typed: boolean) => `
async function exercise(label${typed ? ': string' : ''}, client${typed ? ': CodePay' : ''}, sdk${typed ? ': typeof Sdk' : ''}) {
  const expectedVersion = process.env.CODEPAY_EXPECTED_VERSION;
  assert.equal(sdk.SDK_VERSION, expectedVersion, 'SDK_VERSION is the released version');

  const payer = await client.payers.create({
    firstName: 'Peter', lastName: 'Pan', email: 'peter.pan@example.com', areaCode: 852, phone: '98765432',
    address: 'Hong Kong', city: 'Hong Kong', province: 'Hong Kong', postcode: '95001', country: 'China',
  });
  assert.equal(typeof payer.payerID, 'number');
  assert.ok(payer.psn, 'a result carries its psn');

  const orderSn = \`RELEASE-\${label.replace(/\\W+/g, '-')}-\${Date.now()}\`;
  const order = await client.orders.create({
    order_sn: orderSn, currency: 'USD', amount: 99.99, payerID: payer.payerID, purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'Goods Payment', domain: 'www.example.com', product: 'Apple iPhone 14||Apple iPad Air',
  });
  assert.equal(order.order_sn, orderSn);
  assert.ok(order.psn);

  const balance = await client.balance.get({ currency: 'USD' });
  assert.equal(balance.currency, 'USD');
  assert.match(balance.balance, /^-?\\d+(\\.\\d+)?$/);

  await assert.rejects(
    client.balance.get({ currency: 'dollars' }),
    (error${typed ? ': unknown' : ''}) => error instanceof sdk.ValidationError && sdk.isCodePayError(error),
    'invalid params are refused with a ValidationError',
  );

  console.log(\`\${label}: @codepay/sdk \${sdk.SDK_VERSION}: payer \${payer.payerID} (psn \${payer.psn}), order \${order.order_sn} \${order.status} (psn \${order.psn}), balance \${balance.balance} \${balance.currency} (psn \${balance.psn}), invalid params refused with ValidationError\`);
}
`;

const fail = `(error) => {
  console.error(error);
  process.exitCode = 1;
}`;

export const consumerFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'codepay-release-consumer', version: '0.0.0', private: true, description: 'pnpm release:rehearse: the released packages as users install them' }, null, 2)}\n`,

  'consumer.cjs': `'use strict';
const assert = require('node:assert/strict');
const sdk = require('@codepay/sdk');
const { startMockGateway } = require('@codepay/mock');
${exercise(false)}
(async () => {
  const mock = await startMockGateway();
  try {
    await exercise('cjs', sdk.createCodePay({ baseUrl: mock.url, ...mock.clientKeys }), sdk);
  } finally {
    await mock.close();
  }
})().catch(${fail});
`,

  'consumer.mjs': `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sdk from '@codepay/sdk';
${exercise(false)}
// A gateway started by the installed \`codepay-mock\` executable (see release-rehearse.ts).
const keys = JSON.parse(readFileSync(process.env.CODEPAY_KEYS_FILE, 'utf8'));
const client = sdk.createCodePay({
  baseUrl: process.env.CODEPAY_BASE_URL,
  appId: keys.appId,
  merchantPrivateKey: keys.merchantPrivateKey,
  platformPublicKey: keys.platformPublicKey,
  aesKey: keys.aesKey,
});
await exercise('esm (codepay-mock bin)', client, sdk).catch(${fail});
`,

  'consumer.mts': `import assert from 'node:assert/strict';
import * as Sdk from '@codepay/sdk';
import { createCodePay, type CodePay, type CreateOrderResult, type WithPsn } from '@codepay/sdk';
import { startMockGateway, type MockGateway } from '@codepay/mock';
const sdk = Sdk;
${exercise(true)}
/** Never called: what must not compile. */
export function typesAreReal(client: CodePay): void {
  // @ts-expect-error a misspelt parameter is a compile error
  void client.balance.get({ curency: 'USD' });
  // @ts-expect-error the models' service registry is not part of @codepay/sdk's API
  void Sdk.services;
  const order = {} as WithPsn<CreateOrderResult>;
  // @ts-expect-error psn is readonly
  order.psn = 'x';
}

const mock: MockGateway = await startMockGateway();
try {
  await exercise('typescript esm', createCodePay({ baseUrl: mock.url, ...mock.clientKeys }), sdk);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await mock.close();
}
`,

  'consumer.cts': `import assert from 'node:assert/strict';
import * as Sdk from '@codepay/sdk';
import { startMockGateway } from '@codepay/mock';
const sdk = Sdk;
type CodePay = Sdk.CodePay;
${exercise(true)}
/** Never called: what must not compile. */
export function typesAreReal(client: CodePay): void {
  // @ts-expect-error a misspelt parameter is a compile error
  void client.orders.get({ order_sn: 1 });
}

async function main(): Promise<void> {
  const mock = await startMockGateway();
  try {
    await exercise('typescript cjs', sdk.createCodePay({ baseUrl: mock.url, ...mock.clientKeys }), sdk);
  } finally {
    await mock.close();
  }
}
main().catch(${fail});
`,

  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'out',
      },
      files: ['consumer.mts', 'consumer.cts'],
    },
    null,
    2,
  )}\n`,
};
