// The token endpoint and /api/v2/pay are read by one reader (envelope/read-gateway-answer.ts): the same bad answer
// is the same typed error, described the same way, from either — real loopback HTTP, real crypto.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRsaSha256 } from '../src/crypto/rsa.js';
import { gatewayErrorSigningText } from '../src/envelope/signing-texts.js';
import {
  AuthenticationError,
  GatewayError,
  ResponseFormatError,
  SignatureVerificationError,
  type CodePayError,
} from '../src/errors.js';
import { MAX_JSON_DEPTH } from '../src/json-exact.js';
import { balanceParams, testClient } from './support/test-client.js';
import { platformPrivateKey } from './support/test-keys.js';

let answer: { status: number; body: string } = { status: 200, body: '' };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function signedErrorBody(code: string, msg: string, key = platformPrivateKey): Promise<string> {
  const psn = 'PSN-READER-1';
  return JSON.stringify({
    code,
    msg,
    psn,
    sign: await signRsaSha256(gatewayErrorSigningText({ code, msg, psn }), key),
  });
}

/** The error of a call whose token request gets `answer`, and of one (with a token) whose pay request gets it. */
async function fromBothEndpoints(): Promise<{ token: CodePayError; pay: CodePayError }> {
  const token = await testClient({ url }, { maxRetries: 0 })
    .call('getBalance', balanceParams)
    .catch((e: unknown) => e);
  const pay = await testClient({ url }, { maxRetries: 0, tokenProvider: async () => 'token' })
    .call('getBalance', balanceParams)
    .catch((e: unknown) => e);
  return { token: token as CodePayError, pay: pay as CodePayError };
}

describe('one reader of gateway answers, for the token request and the call', () => {
  it.each([
    [
      'an HTML page',
      500,
      '<html><body>Internal Server Error</body></html>',
      'an HTML page (a proxy or load balancer answered, not the gateway)',
    ],
    ['an empty body', 500, '', 'an empty body'],
    ['cut-off JSON', 200, '{"statusCode":0,"da', 'JSON that is cut off or malformed'],
    ['a JSON array', 200, '[1,2]', 'JSON that is not an object'],
    [
      'JSON nested too deep',
      200,
      '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1),
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    ],
  ])('%s → ResponseFormatError with the HTTP status, described alike', async (_label, status, body, described) => {
    answer = { status, body };
    const { token, pay } = await fromBothEndpoints();
    for (const [error, what] of [
      [token, 'token request'],
      [pay, 'getBalance call'],
    ] as const) {
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect(error).toMatchObject({ httpStatus: status });
      expect(error.message).toContain(`The ${what} got HTTP ${status} with ${described}`);
    }
  });

  it('an error body signed with another key → SignatureVerificationError from both, with the psn', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    answer = { status: 400, body: await signedErrorBody('E02003', 'Bad body', privateKey) };
    const { token, pay } = await fromBothEndpoints();
    for (const error of [token, pay]) {
      expect(error).toBeInstanceOf(SignatureVerificationError);
      expect(error).toMatchObject({ psn: 'PSN-READER-1', httpStatus: 400 });
      expect(error.message).toMatch(
        /gateway error body \(code E02003\) for the (token request|getBalance call) has a signature that does not verify/,
      );
    }
  });

  it('a signed refusal → AuthenticationError for the token request, GatewayError (nothing happened) for the call', async () => {
    answer = { status: 400, body: await signedErrorBody('E02003', 'Bad body') };
    const { token, pay } = await fromBothEndpoints();
    expect(token).toBeInstanceOf(AuthenticationError);
    // The token request knows no service; the call it was for names its own on the way out.
    expect(token).toMatchObject({ code: 'E02003', psn: 'PSN-READER-1', httpStatus: 400, service: 'getBalance' });
    expect(pay).toBeInstanceOf(GatewayError);
    expect(pay).toMatchObject({
      code: 'E02003',
      msg: 'Bad body',
      psn: 'PSN-READER-1',
      service: 'getBalance',
      outcomeUnknown: false,
    });
  });

  it('a signed 401 refusal of a call → AuthenticationError naming the service, the code and the psn', async () => {
    answer = { status: 401, body: await signedErrorBody('E01010', 'Unknown appId') };
    const { pay } = await fromBothEndpoints();
    expect(pay).toBeInstanceOf(AuthenticationError);
    expect(pay).toMatchObject({
      service: 'getBalance',
      code: 'E01010',
      psn: 'PSN-READER-1',
      httpStatus: 401,
      outcomeUnknown: false,
    });
  });
});
