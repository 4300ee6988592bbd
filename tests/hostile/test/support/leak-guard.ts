// The secrets check shared by every file of the suite. Every client logs at `debug` into one capturing logger;
// every secret the suite comes across is registered here (keys when generated, tokens and plaintexts as the
// observing proxy sees them on the wire); every error or object a test wants checked is exposed here. After each
// file, no captured line and no exposed text may contain any registered secret.
import { createPrivateKey } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, expect } from 'vitest';
import type { Logger, LogLevel } from '@codepay/sdk';
import type { LogFields } from '@codepay/transport';

export type SecretKind = 'private key' | 'AES key' | 'token' | 'plaintext';

interface Secret {
  kind: SecretKind;
  /** Where it came from, for the failure message (never the secret itself). */
  origin: string;
  /** Texts whose presence anywhere means the secret leaked. */
  needles: string[];
}

export interface CapturedLine {
  level: Exclude<LogLevel, 'silent'>;
  message: string;
  fields: LogFields | undefined;
}

const secrets = new Map<string, Secret>();
const capturedLines: CapturedLine[] = [];
const exposedTexts: Array<{ label: string; text: string }> = [];
const trackedObjects: Array<{ label: string; value: unknown }> = [];

/**
 * Key material is long and a partial leak is still a leak: it is searched for in consecutive 24-character pieces,
 * so any leaked run of 47 characters or more contains a whole piece.
 */
const FRAGMENT_LENGTH = 24;

function fragments(text: string, from = 0): string[] {
  const body = text.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  if (body.length <= FRAGMENT_LENGTH * 2) return [body];
  const found: string[] = [];
  for (let start = from; start + FRAGMENT_LENGTH <= body.length; start += FRAGMENT_LENGTH)
    found.push(body.slice(start, start + FRAGMENT_LENGTH));
  return found;
}

function register(key: string, secret: Secret): void {
  if (!secrets.has(key)) secrets.set(key, secret);
}

/**
 * An RSA private key in the dashboard's form (Base64 PKCS#8 DER): searched for as Base64, hex, and the JWK private
 * components, so a leak in any common encoding is found. The DER's header, modulus and public exponent are public
 * (the public key holds them too), so the Base64 and hex pieces start after them.
 */
export function registerPrivateKey(base64Der: string, origin: string): void {
  const der = Buffer.from(base64Der, 'base64');
  const jwk = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  const modulus = Buffer.from(jwk.n ?? '', 'base64url');
  const exponent = Buffer.from(jwk.e ?? '', 'base64url');
  const privatePartAt = der.indexOf(modulus) + modulus.length + exponent.length + 2;
  const components = [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].filter(
    (value): value is string => typeof value === 'string',
  );
  register(`private:${base64Der}`, {
    kind: 'private key',
    origin,
    needles: [
      ...fragments(base64Der, Math.ceil(privatePartAt / 3) * 4),
      ...fragments(der.toString('hex'), privatePartAt * 2),
      ...components.flatMap((component) => fragments(component)),
    ],
  });
}

/** An AES key (Base64 of the raw bytes): short, so searched for whole, as Base64, Base64url and hex. */
export function registerAesKey(base64: string, origin: string): void {
  const raw = Buffer.from(base64, 'base64');
  register(`aes:${base64}`, {
    kind: 'AES key',
    origin,
    needles: [base64, raw.toString('base64url'), raw.toString('hex')],
  });
}

export function registerToken(token: string, origin: string): void {
  register(`token:${token}`, { kind: 'token', origin, needles: [token] });
}

/** A bare JSON number, boolean or null: not business content, and common enough to recur by coincidence. */
function isJsonPrimitive(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value === null || typeof value === 'number' || typeof value === 'boolean';
  } catch {
    return false;
  }
}

/**
 * Plaintext bizContent (params sent, payloads received): searched for whole. Texts shorter than `minLength` are
 * skipped, and so are bare numbers: a property test may seal `2147483647` as a payload and later see a gateway
 * errorCode of 2147483647 in a BusinessError message, which is the gateway's own value, not a leak.
 */
export function registerPlaintext(text: string, origin: string, minLength = 8): void {
  if (text.length < minLength || isJsonPrimitive(text)) return;
  register(`plaintext:${text}`, { kind: 'plaintext', origin, needles: [text, JSON.stringify(text)] });
}

export function registeredSecretCount(kind?: SecretKind): number {
  return [...secrets.values()].filter((secret) => kind === undefined || secret.kind === kind).length;
}

const lineWaiters: Array<{ matches: (line: CapturedLine) => boolean; resolve: (line: CapturedLine) => void }> = [];

function record(level: CapturedLine['level']) {
  return (message: string, fields?: LogFields) => {
    const line = { level, message, fields };
    capturedLines.push(line);
    for (const waiter of lineWaiters.filter((candidate) => candidate.matches(line))) {
      lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  };
}

/** Resolves when a client logs a line matching `matches`: lets a test act at an exact point of a call. */
export function whenLogged(matches: (line: CapturedLine) => boolean): Promise<CapturedLine> {
  return new Promise((resolve) => lineWaiters.push({ matches, resolve }));
}

/** The one logger every client of the suite gets, with `logLevel: 'debug'`. */
export const capturingLogger: Logger = {
  debug: record('debug'),
  info: record('info'),
  warn: record('warn'),
  error: record('error'),
};

export const verboseLogging = { logger: capturingLogger, logLevel: 'debug' } as const;

/** Every line captured so far in this file (a live array). */
export const capturedLog: readonly CapturedLine[] = capturedLines;

const lineText = (line: CapturedLine) =>
  `${line.level} ${line.message} ${line.fields === undefined ? '' : JSON.stringify(line.fields)}`;

/** What a user would see of an error or object: its message, its inspection (cause and all) and its JSON. */
export function exposeForLeakCheck(label: string, value: unknown): void {
  const parts = [inspect(value, { depth: 8, showHidden: false })];
  if (value instanceof Error) parts.push(value.message, String(value.stack));
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular or BigInt: the inspection above already covers it.
  }
  exposedTexts.push({ label, text: parts.join('\n') });
}

/** Inspected again at the end of the file, when it holds whatever it cached (tokens above all). */
export function trackForLeakCheck(label: string, value: unknown): void {
  trackedObjects.push({ label, value });
}

/** Which registered secrets (by kind and origin, never the value) occur in `text`. */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const secret of secrets.values()) {
    if (secret.needles.some((needle) => needle.length > 0 && text.includes(needle)))
      found.push(`${secret.kind} (${secret.origin})`);
  }
  return found;
}

function findLeaks(): string[] {
  for (const { label, value } of trackedObjects) exposedTexts.push({ label, text: inspect(value, { depth: 5 }) });
  trackedObjects.length = 0;
  const places = [{ label: 'log lines', text: capturedLines.map(lineText).join('\n') }, ...exposedTexts];
  return places.flatMap(({ label, text }) => leaksIn(text).map((leak) => `${leak} in ${label}`));
}

/**
 * Call once at the top of every test file: after the file, nothing registered may have leaked. A file whose
 * clients make calls also checks that the logger saw lines, so a check over nothing cannot pass by accident.
 */
export function checkForLeaksAfterAll(options: { expectLogLines: boolean } = { expectLogLines: true }): void {
  afterAll(() => {
    expect(registeredSecretCount(), 'no secret was registered: the check would be vacuous').toBeGreaterThan(0);
    if (options.expectLogLines)
      expect(capturedLines.length, 'the capturing logger saw nothing: is it wired to the clients?').toBeGreaterThan(0);
    expect(findLeaks(), 'secrets found in logs, error messages or inspected objects').toEqual([]);
    // Every secret against every text: a soak run (HOSTILE_RUNS) registers thousands of each.
  }, 600_000);
}
