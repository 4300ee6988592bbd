// Property 1b: whatever comes back as a response body — arbitrary bytes, arbitrary JSON, envelopes with random
// fields, genuine envelopes cut at any length — the SDK raises a CodePayError subclass: never a raw TypeError or
// SyntaxError, never data that did not verify.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '@codepay/models';
import type { MockGatewayKeys } from '@codepay/mock';
import { isCodePayError, ResponseFormatError, type CodePay, type CodePayOptions } from '@codepay/sdk';
import { generateRegisteredKeys } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { expectSomeTypedFailure, expectTypedFailure, settle } from './support/outcome.js';
import { businessSuccess, seal, sealText, successEnvelopeText } from './support/platform-seal.js';
import { propertyRuns } from './support/property-runs.js';
import { startScriptedGateway, type ScriptedGateway } from './support/scripted-gateway.js';

checkForLeaksAfterAll();

const BALANCE = { currency: 'USD', balance: '2024.12' };

let keys: MockGatewayKeys;
let gateway: ScriptedGateway;
let codepay: CodePay;
/** A genuine signed success answer to getBalance, as the wire carries it. */
let genuineEnvelope: string;

beforeAll(async () => {
  keys = await generateRegisteredKeys('scripted gateway');
  gateway = await startScriptedGateway(keys);
  genuineEnvelope = await successEnvelopeText(businessSuccess(BALANCE), keys);
});
afterAll(() => gateway.close());

const getBalance = () => codepay.balance.get({ currency: 'USD' });
const statuses = fc.constantFrom(200, 200, 200, 400, 401, 404, 500, 502, 503);

/** Both HTTP clients the transport has: each maps failures on its own, so each gets every case. */
const httpClients: Array<[string, Partial<CodePayOptions>]> = [
  ['node:http (the default)', {}],
  ['fetch (the `fetch` option)', { fetch: (input, init) => globalThis.fetch(input, init) }],
];

describe.each(httpClients)('with %s', (_name, httpClient) => {
  beforeAll(() => {
    codepay = gateway.client(httpClient);
  });

  describe('arbitrary response bodies only ever produce a CodePayError', () => {
    it('the genuine envelope itself is accepted (the control for every case below)', async () => {
      gateway.script({ status: 200, body: genuineEnvelope });
      expect(await getBalance()).toEqual(BALANCE);
    });

    it('arbitrary bytes', async () => {
      await fc.assert(
        fc.asyncProperty(statuses, fc.uint8Array({ maxLength: 2048 }), async (status, body) => {
          gateway.script({ status, body });
          await expectSomeTypedFailure(getBalance());
        }),
      );
    });

    it('arbitrary JSON values', async () => {
      await fc.assert(
        fc.asyncProperty(statuses, fc.jsonValue(), async (status, value) => {
          gateway.script({ status, body: JSON.stringify(value) ?? '' });
          await expectSomeTypedFailure(getBalance());
        }),
      );
    });

    it('the envelope shape with random fields (random ciphertexts, signatures of other texts, wrong types)', async () => {
      const base64Bytes = (min: number, max: number) =>
        fc.uint8Array({ minLength: min, maxLength: max }).map((bytes) => Buffer.from(bytes).toString('base64'));
      const anyText = fc.string({ unit: 'binary', maxLength: 64 });
      // `{ encrypt }`: a ciphertext that decrypts with the client's key; `{ signOver }`: a valid signature of another text.
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              statusCode: fc.oneof(fc.constant(0), fc.jsonValue()),
              psn: fc.oneof(anyText, fc.jsonValue()),
              bizContent: fc.oneof(
                base64Bytes(0, 96),
                anyText,
                fc.jsonValue(),
                anyText.map((text) => ({ encrypt: text })),
              ),
              sign: fc.oneof(
                base64Bytes(256, 256),
                anyText,
                fc.jsonValue(),
                anyText.map((text) => ({ signOver: text })),
              ),
              code: anyText,
              msg: anyText,
            },
            { requiredKeys: [] },
          ),
          statuses,
          async (shape, status) => {
            const body: Record<string, unknown> = { ...shape };
            if (typeof shape.bizContent === 'object' && shape.bizContent !== null && 'encrypt' in shape.bizContent) {
              body.bizContent = (await sealText(String(shape.bizContent.encrypt), keys)).bizContent;
            }
            if (typeof shape.sign === 'object' && shape.sign !== null && 'signOver' in shape.sign) {
              body.sign = (await sealText(`other:${String(shape.sign.signOver)}`, keys)).sign;
            }
            gateway.script({ status, body: JSON.stringify(body) });
            await expectSomeTypedFailure(getBalance());
          },
        ),
      );
    });

    it('genuinely sealed payloads with random content: a typed error, or data that passes the result validator or comes with its drift listed', async () => {
      const payload = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            status: fc.oneof(fc.constantFrom(0, -1), fc.jsonValue()),
            errorCode: fc.jsonValue(),
            errorMessage: fc.jsonValue(),
            data: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.record({
          status: fc.constant(0),
          data: fc.record(
            { currency: fc.jsonValue(), balance: fc.oneof(fc.jsonValue(), fc.stringMatching(/^-?[0-9]+(\.[0-9]+)?$/)) },
            { requiredKeys: [] },
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(payload, async (content) => {
          const { bizContent, sign } = await seal(content, keys);
          gateway.script({ status: 200, body: JSON.stringify({ statusCode: 0, psn: 'PSN-RANDOM', bizContent, sign }) });
          const outcome = await settle(getBalance());
          // A verified answer is never thrown away: data that departs from the schema is returned with `drift`.
          if (outcome.ok)
            expect(
              services.getBalance.validateResult(outcome.value) ||
                (outcome.value as { drift?: unknown[] }).drift!.length > 0,
            ).toBe(true);
          else expect(isCodePayError(outcome.error), `not a CodePayError: ${String(outcome.error)}`).toBe(true);
        }),
        // A counterexample a CI run once found (String() of an object with its own `toString` key threw a TypeError).
        { examples: [[{ status: -1, errorCode: { toString: {} } }]] },
      );
    });

    it('a sealed plaintext that is not JSON at all', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 64 }), async (text) => {
          const { bizContent, sign } = await sealText(`${text}}`, keys);
          gateway.script({ status: 200, body: JSON.stringify({ statusCode: 0, psn: 'PSN-TEXT', bizContent, sign }) });
          await expectTypedFailure(getBalance(), ResponseFormatError);
        }),
        { numRuns: propertyRuns(30) },
      );
    });
  });

  describe('arbitrary token endpoint answers only ever produce a CodePayError', () => {
    // A client that asks the (scripted) token endpoint for its token: every answer below reaches the token manager.
    const getBalanceWithTokenRequest = () =>
      gateway.client({ ...httpClient, tokenProvider: undefined }).balance.get({ currency: 'USD' });

    it('arbitrary JSON values, bytes and token-shaped bodies with random fields', async () => {
      const tokenShaped = fc.record(
        {
          statusCode: fc.oneof(fc.constant(0), fc.jsonValue()),
          psn: fc.jsonValue(),
          data: fc.oneof(
            fc.jsonValue(),
            fc.record({ accessToken: fc.jsonValue(), expiresIn: fc.jsonValue() }, { requiredKeys: [] }),
          ),
        },
        { requiredKeys: [] },
      );
      const body = fc.oneof(
        fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
        tokenShaped.map((value) => JSON.stringify(value)),
        fc.uint8Array({ maxLength: 256 }),
      );
      await fc.assert(
        fc.asyncProperty(statuses, body, async (status, answerBody) => {
          gateway.script({ status, body: answerBody });
          await expectSomeTypedFailure(getBalanceWithTokenRequest());
        }),
        {
          numRuns: propertyRuns(60),
          examples: [
            [200, 'null'],
            [200, '[]'],
            [200, '{"statusCode":0,"data":"x"}'],
          ],
        },
      );
    });
  });

  describe('a genuine envelope cut at every length', () => {
    it('with an honest Content-Length (a proxy that truncated it): every prefix is refused', async () => {
      const refusedAs = new Set<string>();
      for (let length = 0; length < genuineEnvelope.length; length++) {
        gateway.script({ status: 200, body: genuineEnvelope.slice(0, length) });
        refusedAs.add((await expectSomeTypedFailure(getBalance())).name);
      }
      // Every prefix of a JSON object is unparseable: each one must be reported as a malformed answer.
      expect([...refusedAs]).toEqual(['ResponseFormatError']);
    });

    it('cut short on the wire (the full length declared, then a hang-up): every prefix is refused', async () => {
      const refusedAs = new Set<string>();
      for (let length = 0; length < genuineEnvelope.length; length++) {
        gateway.script({
          status: 200,
          body: genuineEnvelope.slice(0, length),
          delivery: 'cut-short',
          declaredLength: genuineEnvelope.length,
        });
        refusedAs.add((await expectSomeTypedFailure(getBalance())).name);
      }
      expect([...refusedAs]).toEqual(['ConnectionError']);
    });
  });

  describe('malformed bodies a real network produces', () => {
    const cases: Array<[string, () => { status: number; body: string | Uint8Array }]> = [
      [
        'an HTML error page with HTTP 200',
        () => ({ status: 200, body: '<!DOCTYPE html><html><body>Service Unavailable</body></html>' }),
      ],
      ['an empty body', () => ({ status: 200, body: '' })],
      ['bytes that are not UTF-8', () => ({ status: 200, body: Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]) })],
      ['JSON nested 100,000 levels deep', () => ({ status: 200, body: '['.repeat(100_000) + ']'.repeat(100_000) })],
      ['a body over the 10 MB cap', () => ({ status: 200, body: `{"pad":"${'x'.repeat(10 * 1024 * 1024 + 16)}"}` })],
      [
        'the genuine envelope with a UTF-8 BOM and trailing garbage',
        () => ({ status: 200, body: `\uFEFF${genuineEnvelope}garbage` }),
      ],
    ];

    it.each(cases)('%s is a ResponseFormatError', async (_name, body) => {
      gateway.script(body());
      await expectTypedFailure(getBalance(), ResponseFormatError);
    });
  });
});
