// What the browser-side pieces of a card payment hand out, as the sandbox's stand-ins make them: card and CVC
// sessions (what the Worldpay Checkout SDK yields in the payer's browser: two URLs that name the card without
// carrying its number), the JWTs of device data collection and of the 3-D Secure challenge, and the `sessionId`s
// that device data collection yields. Only the sandbox can read them back; a card session keeps the card's brand,
// first six and last four digits and what the test card does — never the whole number, and never the CVC.

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { findTestCard, groupedCardNumber, TEST_CARDS, type CardAuthorization } from './test-cards.js';

export const CARD_SESSION_PATH = '/sandbox/verifiedTokens/sessions/';
export const CVC_SESSION_PATH = '/sandbox/sessions/';

/** How many sessions of each kind are kept (oldest forgotten first), so a long-running sandbox stays bounded. */
const MAX_SESSIONS = 10_000;

export interface CardSession {
  brand: string;
  bin: string;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
  authorization: CardAuthorization;
  alwaysChallenge: boolean;
}

export type SessionResult<T> = { ok: true; value: T } | { ok: false; message: string };

type Claims = Record<string, unknown>;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MAX_SESSIONS) map.delete(map.keys().next().value as K);
}

function integerField(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

/** The session id at the end of a session URL made by this sandbox (whatever host the URL names), or undefined. */
function sessionIdOf(url: unknown, path: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const { pathname } = new URL(url);
    return pathname.startsWith(path) ? pathname.slice(path.length) : undefined;
  } catch {
    return undefined;
  }
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class SandboxSessions {
  readonly #cards = new Map<string, CardSession>();
  readonly #cvcs = new Set<string>();
  /** sessionId from device data collection → the transactionReference its JWT named. */
  readonly #deviceData = new Map<string, string>();
  /** Signs the sandbox's JWTs (HS256). Not key material of the merchant account; still never shown. */
  readonly #jwtSecret = randomBytes(32);

  /** A card session for a test card: `{ cardNumber, expiryMonth, expiryYear }`. */
  createCardSession(
    input: Record<string, unknown>,
    baseUrl: string,
  ): SessionResult<{ sessionCard: string; brand: string; last4: string }> {
    const number = typeof input.cardNumber === 'string' ? input.cardNumber.replace(/[\s-]/g, '') : '';
    const card = findTestCard(number);
    if (!card) {
      const known = TEST_CARDS.map((c) => `${groupedCardNumber(c.number)} (${c.brand}: ${c.description})`).join('; ');
      return {
        ok: false,
        message: `cardNumber must be one of the sandbox's test cards: ${known}. Real card numbers are never accepted.`,
      };
    }
    const month = integerField(input.expiryMonth);
    const yearGiven = integerField(input.expiryYear);
    if (month === undefined || month < 1 || month > 12)
      return { ok: false, message: 'expiryMonth must be a month number from 1 to 12.' };
    if (yearGiven === undefined) return { ok: false, message: 'expiryYear must be a year, e.g. 2030 or 30.' };
    const year = yearGiven < 100 ? 2000 + yearGiven : yearGiven;
    const now = new Date();
    if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) {
      return {
        ok: false,
        message: `The card expired (${String(month).padStart(2, '0')}/${year}): use any expiry date in the future.`,
      };
    }
    const id = randomBytes(24).toString('base64url');
    remember(this.#cards, id, {
      brand: card.brand,
      bin: card.number.slice(0, 6),
      last4: card.number.slice(-4),
      expiryMonth: month,
      expiryYear: year,
      authorization: card.authorization,
      alwaysChallenge: card.alwaysChallenge ?? false,
    });
    return {
      ok: true,
      value: { sessionCard: `${baseUrl}${CARD_SESSION_PATH}${id}`, brand: card.brand, last4: card.number.slice(-4) },
    };
  }

  /** A CVC session: `{ cvc }`, three or four digits (any value: the sandbox does not check it against the card). */
  createCvcSession(input: Record<string, unknown>, baseUrl: string): SessionResult<{ sessionCvc: string }> {
    const cvc =
      typeof input.cvc === 'string' ? input.cvc.trim() : typeof input.cvc === 'number' ? String(input.cvc) : '';
    if (!/^\d{3,4}$/.test(cvc)) return { ok: false, message: 'cvc must be three or four digits, e.g. "123".' };
    const id = randomBytes(24).toString('base64url');
    this.#cvcs.add(id);
    if (this.#cvcs.size > MAX_SESSIONS) this.#cvcs.delete(this.#cvcs.values().next().value as string);
    return { ok: true, value: { sessionCvc: `${baseUrl}${CVC_SESSION_PATH}${id}` } };
  }

  cardSession(url: unknown): CardSession | undefined {
    const id = sessionIdOf(url, CARD_SESSION_PATH);
    return id === undefined ? undefined : this.#cards.get(id);
  }

  isCvcSession(url: unknown): boolean {
    const id = sessionIdOf(url, CVC_SESSION_PATH);
    return id !== undefined && this.#cvcs.has(id);
  }

  /** A JWT (HS256) with these claims plus `jti` and `iat`, as Worldpay's DDC and challenge JWTs are made. */
  signJwt(claims: Claims): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = base64url(
      JSON.stringify({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), iss: 'codepay-mock', ...claims }),
    );
    const mac = createHmac('sha256', this.#jwtSecret).update(`${header}.${body}`).digest('base64url');
    return `${header}.${body}.${mac}`;
  }

  /** The claims of a JWT this sandbox signed, or undefined. */
  verifyJwt(token: unknown): Claims | undefined {
    if (typeof token !== 'string') return undefined;
    const [header, body, mac, ...rest] = token.trim().split('.');
    if (!header || !body || !mac || rest.length > 0) return undefined;
    const expected = createHmac('sha256', this.#jwtSecret).update(`${header}.${body}`).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      return typeof claims === 'object' && claims !== null ? (claims as Claims) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Device data collection for the attempt `transactionReference`: a fresh `sessionId` (`0_<uuid>`). */
  collectDeviceData(transactionReference: string): string {
    const sessionId = `0_${randomUUID()}`;
    remember(this.#deviceData, sessionId, transactionReference);
    return sessionId;
  }

  /** The transactionReference whose device data collection yielded `sessionId`. */
  deviceDataFor(sessionId: unknown): string | undefined {
    return typeof sessionId === 'string' ? this.#deviceData.get(sessionId) : undefined;
  }
}
