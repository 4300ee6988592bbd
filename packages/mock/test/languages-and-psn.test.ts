// Messages in the four documented languages (Accept-Language, exact tag or primary language, else en-US); a fresh
// psn on every answer; error bodies signed over the sorted `code=…&msg=…&psn=…` text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRsaSha256 } from '@codepay/transport';
import { GATEWAY_ERROR_HTTP_STATUS, LANGUAGES, startMockGateway, type MockGateway } from '../src/index.js';
import { openapiDocument } from '../src/gen/openapi-document.gen.js';
import { GATEWAY_ERROR_MESSAGES, pickLanguage, TEXTS } from '../src/messages.js';
import { TestClient } from './support/test-client.js';

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

const specErrorCodes = (
  openapiDocument.components as {
    schemas: { GatewayErrorBody: { 'x-codepay-error-codes': Record<string, string> } };
  }
).schemas.GatewayErrorBody['x-codepay-error-codes'];

describe('the error-code table', () => {
  it.each(Object.entries(specErrorCodes))(
    '%s from the spec has a message in every language and its HTTP status',
    (code, description) => {
      const messages = (GATEWAY_ERROR_MESSAGES as Record<string, Record<string, string>>)[code];
      expect(messages, `no messages for ${code}`).toBeDefined();
      for (const language of LANGUAGES) expect(messages?.[language], `${code} ${language}`).toBeTruthy();
      const documentedStatus = /\(HTTP (\d{3})/.exec(description)?.[1];
      const status = (GATEWAY_ERROR_HTTP_STATUS as Record<string, number>)[code];
      expect(status).toBe(documentedStatus === undefined ? 200 : Number(documentedStatus));
    },
  );

  it('has a translation (not the English text) for every code and text', () => {
    for (const messages of [...Object.values(GATEWAY_ERROR_MESSAGES), ...Object.values(TEXTS)]) {
      for (const language of LANGUAGES.filter((tag) => tag !== 'en-US'))
        expect(messages[language]).not.toBe(messages['en-US']);
    }
  });
});

describe('Accept-Language', () => {
  it.each(LANGUAGES)('answers gateway errors, P0400 and business errors in %s', async (language) => {
    const headers = { 'accept-language': language };
    const unknownToken = await client.pay('getBalance', { currency: 'USD' }, { token: 'nope', headers });
    expect(unknownToken.json?.msg).toBe(GATEWAY_ERROR_MESSAGES.E01002[language]);
    expect(await client.verifyErrorBody(unknownToken.json)).toBe(true);

    const unknownService = await client.pay('deletePayer', {}, { headers });
    expect(unknownService.json?.msg).toBe(GATEWAY_ERROR_MESSAGES.E07303[language]);

    const invalid = await client.pay('getBalance', {}, { headers });
    expect(invalid.payload?.errorMessage).toMatch(new RegExp(`^${TEXTS.invalidParamsPrefix[language]}.*currency`));

    const business = await client.pay(
      'getBalance',
      { currency: 'USD' },
      { headers: { ...headers, 'x-mock-scenario': 'business-error' } },
    );
    expect(business.payload?.errorMessage).toBe(TEXTS.businessFailure[language]);

    const token = await client.requestToken({ appId: 'app_unknown', headers });
    expect(token.json?.msg).toBe(GATEWAY_ERROR_MESSAGES.E01010[language]);
    expect(mock.requests.at(-1)?.language).toBe(language);
  });

  it('falls back to en-US for other languages and without the header', async () => {
    const variants: Array<Record<string, string>> = [{ 'accept-language': 'de-DE' }, { 'accept-language': '*' }, {}];
    for (const headers of variants) {
      const answer = await client.pay('getBalance', { currency: 'USD' }, { token: 'nope', headers });
      expect(answer.json?.msg).toBe('Access token is invalid');
    }
  });

  it('matches exact tags case-insensitively, then primary languages, in q-value order', () => {
    expect(pickLanguage('ZH-cn')).toBe('zh-CN');
    expect(pickLanguage('fr')).toBe('fr-FR');
    expect(pickLanguage('fr-CA')).toBe('fr-FR');
    expect(pickLanguage('ja-JP-u-ca-japanese')).toBe('ja-JP');
    expect(pickLanguage('de-DE, ja;q=0.8, fr;q=0.9')).toBe('fr-FR');
    expect(pickLanguage('en-GB,zh-CN;q=0.5')).toBe('en-US');
    expect(pickLanguage('fr;q=0, ja')).toBe('ja-JP');
    expect(pickLanguage('de, pt-BR')).toBe('en-US');
    expect(pickLanguage('')).toBe('en-US');
    expect(pickLanguage(undefined)).toBe('en-US');
  });
});

describe('psn', () => {
  it('is fresh on every answer: successes, business and gateway errors, tokens, and across gateways', async () => {
    const other = await startMockGateway({ keys: mock.keys });
    const otherClient = new TestClient(other);
    try {
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, () => client.pay('getBalance', { currency: 'USD' })),
        ...Array.from({ length: 20 }, () => otherClient.pay('getBalance', { currency: 'USD' })),
        ...Array.from({ length: 10 }, () => client.pay('getBalance', {})),
        ...Array.from({ length: 10 }, () => client.pay('getBalance', { currency: 'USD' }, { token: 'nope' })),
        ...Array.from({ length: 10 }, () => client.requestToken()),
        ...Array.from({ length: 10 }, () => client.post('/nowhere', '{}')),
      ]);
      const psns = answers.map((answer) => answer.json?.psn);
      expect(psns.every((psn) => typeof psn === 'string' && /^PSN\d{20}$/.test(psn))).toBe(true);
      expect(new Set(psns).size).toBe(answers.length);
    } finally {
      otherClient.close();
      await other.close();
    }
  });
});

describe('error body signature', () => {
  it('verifies with the platform public key over exactly code=<code>&msg=<msg>&psn=<psn>', async () => {
    const answer = await client.pay(
      'getBalance',
      { currency: 'USD' },
      { token: 'nope', headers: { 'accept-language': 'ja-JP' } },
    );
    const { code, msg, psn, sign } = answer.json as Record<string, string>;
    const text = `code=${code}&msg=${msg}&psn=${psn}`;
    expect(await verifyRsaSha256(text, sign ?? '', client.platformPublicKey)).toBe(true);
    expect(await verifyRsaSha256(`code=${code}&psn=${psn}&msg=${msg}`, sign ?? '', client.platformPublicKey)).toBe(
      false,
    );
  });
});
