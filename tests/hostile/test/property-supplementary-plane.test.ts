// Property 1c: text with a character above U+FFFF (an emoji, say) in any text field of any service is refused with a
// ValidationError that names the field, before anything is sent: no token is asked for, no connection is opened.
// The error never repeats the offending text (it may be personal data).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '@codepay/models';
import { ValidationError, type CodePay } from '@codepay/sdk';
import { createHostileClient, generateRegisteredKeys } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { startLoopbackServer, type LoopbackServer } from './support/loopback-server.js';
import { expectTypedFailure } from './support/outcome.js';
import { propertyRuns } from './support/property-runs.js';
import { paramsArbitrary, textFieldsOf } from './support/schema-arbitraries.js';

checkForLeaksAfterAll({ expectLogLines: false });

const RUNS_PER_FIELD = propertyRuns(10);

let server: LoopbackServer;
let codepay: CodePay;
let tokenRequests = 0;

beforeAll(async () => {
  const keys = await generateRegisteredKeys('refusing client');
  server = await startLoopbackServer((_request, response) => response.writeHead(500).end());
  codepay = createHostileClient({
    baseUrl: server.url,
    appId: keys.appId,
    merchantPrivateKey: keys.merchantPrivateKey,
    platformPublicKey: keys.platformPublicKey,
    aesKey: keys.aesKey,
    tokenProvider: async () => {
      tokenRequests++;
      return 'x';
    },
  });
});
afterAll(() => server.close());

const supplementaryCharacter = fc
  .integer({ min: 0x10000, max: 0x10ffff })
  .map((codePoint) => String.fromCodePoint(codePoint));
const anyText = fc.string({ unit: 'binary', maxLength: 12 });

/** Arbitrary text around at least one supplementary-plane character (fast-check's 'binary' unit spans all planes). */
const textWithSupplementaryCharacter = fc.oneof(
  fc.tuple(anyText, supplementaryCharacter, anyText).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((text) => /[\u{10000}-\u{10FFFF}]/u.test(text)),
);

/** Half of a surrogate pair on its own: not a character at all, and refused just the same. */
const textWithLoneSurrogate = fc
  .tuple(anyText, fc.integer({ min: 0xd800, max: 0xdfff }), anyText)
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`)
  .filter((text) => /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/.test(text));

const cases = serviceNames.flatMap((service) => textFieldsOf(service).map((field) => [service, field] as const));

describe('supplementary-plane text is refused before anything is sent', () => {
  it('covers every text field of every service', () => {
    expect(new Set(cases.map(([service]) => service))).toEqual(new Set(serviceNames));
  });

  it.each(cases)('%s /%s', async (service, field) => {
    await fc.assert(
      fc.asyncProperty(
        paramsArbitrary(service),
        fc.oneof(textWithSupplementaryCharacter, textWithLoneSurrogate),
        async (valid, text) => {
          const error = await expectTypedFailure(
            codepay.call(service, { ...valid, [field]: text } as never),
            ValidationError,
          );
          expect(error.service).toBe(service);
          expect(error.issues.map((issue) => issue.path)).toContain(`/${field}`);
          expect(error.message).not.toContain(text);
          expect(JSON.stringify(error)).not.toContain(JSON.stringify(text).slice(1, -1));
        },
      ),
      { numRuns: RUNS_PER_FIELD },
    );
    expect(tokenRequests).toBe(0);
    expect(server.connections).toBe(0);
  });
});
