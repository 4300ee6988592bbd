// Whatever a client sends, the mock answers like a gateway: a signed error body with the documented code and HTTP
// status, or (for a genuine envelope) a signed, encrypted answer — never its own crash (E05000 with a TypeError),
// and it keeps serving. Users point their integration tests at this mock, so a malformed request of theirs must get
// the gateway's refusal, not a mock bug.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '@codepay/models';
import { aesEncrypt, signRsaSha256 } from '@codepay/transport';
import { GATEWAY_ERROR_HTTP_STATUS, isKnownGatewayErrorCode } from '../src/gateway-error.js';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { expectGatewayError, TestClient, utcTimestamp, type RawAnswer } from './support/test-client.js';

let mock: MockGateway;
let client: TestClient;

beforeAll(async () => {
  mock = await startMockGateway();
  client = new TestClient(mock);
});

afterAll(async () => {
  client.close();
  await mock.close();
});

/** A signed error body whose HTTP status is the one its code is documented with, and which is not a mock crash. */
async function expectRefusal(answer: RawAnswer, allowed: readonly string[]): Promise<string> {
  const code = answer.json?.code;
  expect(
    typeof code === 'string' && isKnownGatewayErrorCode(code),
    `unexpected answer ${answer.status} ${answer.text.slice(0, 200)}`,
  ).toBe(true);
  expect(allowed, `code ${String(code)}: ${String(answer.json?.msg)}`).toContain(code);
  await expectGatewayError(
    client,
    answer,
    GATEWAY_ERROR_HTTP_STATUS[code as keyof typeof GATEWAY_ERROR_HTTP_STATUS],
    code as string,
  );
  return code as string;
}

const anyText = fc.string({ unit: 'binary', maxLength: 48 });
const base64 = (max: number) => fc.uint8Array({ maxLength: max }).map((bytes) => Buffer.from(bytes).toString('base64'));
const rawBodies = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
);

describe('arbitrary requests to the mock get a gateway answer, never a crash', () => {
  it('POST /api/v2/token: any body, and token requests with random fields, are refused with E02003 or E01010–E01012', async () => {
    const tokenShaped = fc.record(
      {
        appId: fc.oneof(fc.constant(mockAppId()), anyText, fc.jsonValue()),
        timestamp: fc.oneof(
          fc.constant('now'),
          anyText,
          fc.jsonValue(),
          fc.date({ noInvalidDate: true }).map(utcTimestamp),
        ),
        sign: fc.oneof(base64(300), anyText, fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          rawBodies,
          tokenShaped.map((fields) =>
            JSON.stringify(fields.timestamp === 'now' ? { ...fields, timestamp: utcTimestamp() } : fields),
          ),
        ),
        async (body) => {
          await expectRefusal(await client.post('/api/v2/token', body), ['E02003', 'E01010', 'E01011', 'E01012']);
        },
      ),
      { numRuns: Number(process.env.MOCK_PROPERTY_RUNS ?? 150) },
    );
    // Still serving: a correct token request succeeds.
    expect((await client.requestToken()).status).toBe(200);
  });

  it('POST /api/v2/pay with a valid token: any body and envelopes with random parts get E02001–E02003 or E07303, or a signed answer', async () => {
    const authorization = `Bearer ${await client.token()}`;
    // A plaintext the merchant really encrypted (and, when `signed`, really signed): arbitrary JSON or text.
    const sealed = fc.record({
      text: fc.oneof(
        fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
        anyText,
      ),
      signed: fc.boolean(),
    });
    const envelope = fc.record(
      {
        // Weighted towards genuine parts, so that the genuine-envelope branch is drawn in every run (it was drawn
        // about 4 times in 200 at equal weights, and none at all in roughly one run in fifty).
        service: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...serviceNames) }, anyText, fc.jsonValue()),
        bizContent: fc.oneof(base64(96), anyText, fc.jsonValue(), { weight: 3, arbitrary: sealed }),
        sign: fc.oneof(base64(300), anyText, fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(rawBodies, envelope), async (request) => {
        let body: string;
        if (typeof request === 'string') body = request;
        else {
          const fields: Record<string, unknown> = { ...request };
          const part = request.bizContent;
          if (typeof part === 'object' && part !== null && 'signed' in part && typeof part.text === 'string') {
            fields.bizContent = aesEncrypt(part.text, client.aesKey);
            if (part.signed) fields.sign = await signRsaSha256(part.text, client.merchantPrivateKey);
          }
          body = JSON.stringify(fields);
        }
        const answer = await client.open(await client.post('/api/v2/pay', body, { authorization }));
        if (answer.json?.statusCode === 0) {
          // A genuine envelope of a known service: the gateway's signed answer, success or business failure.
          expect(answer.status).toBe(200);
          expect(answer.signatureValid).toBe(true);
          expect([0, -1]).toContain(answer.payload?.status);
          answered++;
          return;
        }
        await expectRefusal(answer, ['E02001', 'E02002', 'E02003', 'E07303']);
      }),
      { numRuns: Number(process.env.MOCK_PROPERTY_RUNS ?? 200) },
    );
    expect(mock.requests.some((entry) => String(entry.outcome).includes('E05000'))).toBe(false);
    // The genuine-envelope branch was exercised, not only refusals; and the mock still serves a genuine call.
    expect(answered).toBeGreaterThan(0);
    expect((await client.pay('getBalance', { currency: 'USD' })).payload?.status).toBe(0);
  });
});

function mockAppId(): string {
  return mock.keys.appId;
}
