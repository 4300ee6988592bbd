import type { BusinessErrorCode, GatewayErrorCode } from '@codepay/models';

// The one error hierarchy of the SDK. Every error a caller can see is a CodePayError whose message says what
// happened and what to check. Messages never carry key material, tokens or decrypted business content: callers
// log them, and logs travel further than secrets should.

/**
 * Brand used by {@link isCodePayError}. `Symbol.for` returns the same symbol in every copy of this package, so the
 * check still works when an application ends up with two copies installed (where `instanceof` would fail).
 */
const CODEPAY_ERROR_BRAND = Symbol.for('codepay.error');

export interface CodePayErrorOptions {
  /** Request id (`psn`) when the gateway sent one. */
  psn?: string;
  /** The service of the call the error belongs to, e.g. `createOrder`; absent for errors outside a call. */
  service?: string;
  httpStatus?: number;
  cause?: unknown;
  /** See {@link CodePayError.outcomeUnknown}. */
  outcomeUnknown?: boolean;
}

// Optional fields are `declare`d and only assigned when given, so an absent psn or service stays absent instead of
// showing up as `undefined` in logs and inspected errors.
/** The base of every error the SDK raises; subclasses say what went wrong, their `name` says which. */
export class CodePayError extends Error {
  override readonly name: string = 'CodePayError';
  /**
   * Request id when known. Writable because errors raised deep in the pipeline (decryption, verification) do not
   * know it, and the transport fills it in on the way out instead of wrapping the error again.
   */
  declare psn?: string;
  /** The service of the call (e.g. `createOrder`) on every error a call raises; writable for the same reason as psn. */
  declare service?: string;
  declare readonly httpStatus?: number;
  /**
   * Whether the gateway may have acted on the call. Set on every error a call raises: `false` only when it
   * certainly did not (refused before sending, never sent, or a verified refusal: a signed gateway error body or a
   * `status: -1` business failure); `true` for everything else (timeouts and resets after the request was written,
   * 5xx, HTML, unsigned or unverifiable answers, cut-off bodies). For a state-changing service (createOrder,
   * refundOrder, createPayer, updatePayer), `true` means: do not send it again before learning what happened
   * (`codepay.resolveOutcome(error)`).
   */
  declare outcomeUnknown?: boolean;
  /** When the request was first handed to the network; absent when nothing was sent. */
  declare sentAt?: Date;

  constructor(message: string, options: CodePayErrorOptions = {}) {
    // Only pass `cause` when given: an explicit `cause: undefined` would show up in every inspected error.
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    // Non-enumerable so it stays out of toJSON, spreads and logs.
    Object.defineProperty(this, CODEPAY_ERROR_BRAND, { value: true });
    if (options.psn !== undefined) this.psn = options.psn;
    if (options.service !== undefined) this.service = options.service;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.outcomeUnknown !== undefined) this.outcomeUnknown = options.outcomeUnknown;
  }

  /** name, message, psn, httpStatus, service and the subclass's public fields; never `cause` or `stack`. */
  toJSON(): Record<string, unknown> {
    // Own enumerable properties are exactly the public fields: brand, cause and stack are non-enumerable.
    const publicFields: Record<string, unknown> = { ...(this as object) };
    return { name: this.name, message: this.message, psn: this.psn, httpStatus: this.httpStatus, ...publicFields };
  }
}

export interface ValidationIssue {
  /** JSON pointer into the business parameters, e.g. `/payer/firstName`; `''` for the root. */
  path: string;
  /** What is wrong, without echoing the offending value (it may be personal data). */
  message: string;
  keyword?: string;
}

export interface ValidationErrorOptions extends CodePayErrorOptions {
  issues: ValidationIssue[];
}

const MAX_LISTED_ISSUES = 10;

function formatIssues(issues: readonly ValidationIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.path || '(root)'} ${issue.message}`);
  const more = issues.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** Raised before anything is sent when the business parameters break the contract; `issues` says where and why. */
export class ValidationError extends CodePayError {
  override readonly name = 'ValidationError' as const;
  readonly issues: ValidationIssue[];

  constructor(message: string, options: ValidationErrorOptions) {
    super(options.issues.length > 0 ? `${message}: ${formatIssues(options.issues)}` : message, options);
    this.issues = options.issues;
  }
}

export interface ConfigurationErrorOptions extends CodePayErrorOptions {
  /** Name of the client option at fault, e.g. `merchantPrivateKey`. */
  option: string;
}

/**
 * Raised at construction when a client option is unusable (bad key, bad base URL). The message is prefixed with the
 * option name, so pass a message that says what was received and how to fix it, without repeating the name.
 */
export class ConfigurationError extends CodePayError {
  override readonly name = 'ConfigurationError' as const;
  readonly option: string;

  constructor(message: string, options: ConfigurationErrorOptions) {
    super(`${options.option}: ${message}`, options);
    this.option = options.option;
  }
}

export interface ConnectionErrorOptions extends CodePayErrorOptions {
  /** True when the request may have reached the server, so a state-changing call may have taken effect. */
  outcomeUnknown: boolean;
}

/** Raised when the connection failed (refused, reset, TLS, proxy) or the gateway was busy; `outcomeUnknown` is always set. */
export class ConnectionError extends CodePayError {
  override readonly name = 'ConnectionError' as const;
  declare outcomeUnknown: boolean;

  constructor(message: string, options: ConnectionErrorOptions) {
    super(message, options);
  }
}

export interface TimeoutErrorOptions extends ConnectionErrorOptions {
  timeoutMs: number;
}

/** Raised when no answer came within the time limit (`timeoutMs`: the per-attempt timeout or what the deadline left). */
export class TimeoutError extends CodePayError {
  override readonly name = 'TimeoutError' as const;
  readonly timeoutMs: number;
  declare outcomeUnknown: boolean;

  constructor(message: string, options: TimeoutErrorOptions) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}

export type AbortErrorOptions = CodePayErrorOptions;

/** Raised when the caller's AbortSignal fired. */
export class AbortError extends CodePayError {
  override readonly name = 'AbortError' as const;
}

export interface AuthenticationErrorOptions extends CodePayErrorOptions {
  /** Gateway error code, when the token endpoint answered with an error body. */
  code?: string;
}

/** Raised when the access token could not be obtained or was refused (`code`: the gateway's, when it sent one). */
export class AuthenticationError extends CodePayError {
  override readonly name = 'AuthenticationError' as const;
  declare readonly code?: string;

  constructor(message: string, options: AuthenticationErrorOptions = {}) {
    super(message, options);
    if (options.code !== undefined) this.code = options.code;
  }
}

export interface GatewayErrorOptions extends CodePayErrorOptions {
  /** `code` of the gateway error body, e.g. `E07303`. */
  code: GatewayErrorCode | (string & {});
  /** `msg` of the gateway error body, as sent (in the requested language). */
  msg: string;
}

/** Raised when the gateway answered with its error body `{ code, msg, psn, sign }`. */
export class GatewayError extends CodePayError {
  override readonly name = 'GatewayError' as const;
  /** A code of the spec's table (`gatewayErrorCodes`), or one the gateway sent that the table does not know. */
  readonly code: GatewayErrorCode | (string & {});
  readonly msg: string;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options);
    this.code = options.code;
    this.msg = options.msg;
  }
}

export type ServiceErrorOptions = CodePayErrorOptions;

/** Raised when a response or notification signature does not verify with the platform public key. */
export class SignatureVerificationError extends CodePayError {
  override readonly name = 'SignatureVerificationError' as const;
}

/** Why a `bizContent` could not be decrypted; lets callers and tests tell the cases apart without parsing text. */
export type DecryptionFailure = 'base64' | 'block-length' | 'padding' | 'utf8';

export interface DecryptionErrorOptions extends CodePayErrorOptions {
  reason?: DecryptionFailure;
}

/** Raised when a `bizContent` does not decrypt with the AES key (`reason` says which check failed). */
export class DecryptionError extends CodePayError {
  override readonly name = 'DecryptionError' as const;
  declare readonly reason?: DecryptionFailure;

  constructor(message: string, options: DecryptionErrorOptions = {}) {
    super(message, options);
    if (options.reason !== undefined) this.reason = options.reason;
  }
}

/** Raised when the response body is not what the contract says: HTML, empty, truncated, non-JSON, too large, missing fields. */
export class ResponseFormatError extends CodePayError {
  override readonly name = 'ResponseFormatError' as const;
}

export interface BusinessErrorOptions extends CodePayErrorOptions {
  service: string;
  errorCode: BusinessErrorCode | (string & {});
  errorMessage: string;
}

/** Raised when the call went through but its business result is a failure (`status: -1` in the decrypted payload). */
export class BusinessError extends CodePayError {
  override readonly name = 'BusinessError' as const;
  declare readonly service: string;
  /** A code of the spec's table (`businessErrorCodes`: the documented `-1` and the sandbox's), or another. */
  readonly errorCode: BusinessErrorCode | (string & {});
  readonly errorMessage: string;

  constructor(message: string, options: BusinessErrorOptions) {
    super(message, options);
    this.errorCode = options.errorCode;
    this.errorMessage = options.errorMessage;
  }
}

export interface CodePayErrorsByName {
  ValidationError: ValidationError;
  ConfigurationError: ConfigurationError;
  ConnectionError: ConnectionError;
  TimeoutError: TimeoutError;
  AbortError: AbortError;
  AuthenticationError: AuthenticationError;
  GatewayError: GatewayError;
  SignatureVerificationError: SignatureVerificationError;
  DecryptionError: DecryptionError;
  ResponseFormatError: ResponseFormatError;
  BusinessError: BusinessError;
}

export type CodePayErrorName = keyof CodePayErrorsByName;

/**
 * True for any CodePay error, including one created by another installed copy of the SDK (checked by brand, not
 * `instanceof`). With `name`, also narrows to that subclass, e.g. `isCodePayError(error, 'BusinessError')`.
 * A value from another copy is typed as this copy's class: read its fields, but do not use `instanceof` on it.
 */
export function isCodePayError(value: unknown): value is CodePayError;
export function isCodePayError<N extends CodePayErrorName>(value: unknown, name: N): value is CodePayErrorsByName[N];
export function isCodePayError(value: unknown, name?: CodePayErrorName): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { [CODEPAY_ERROR_BRAND]?: unknown })[CODEPAY_ERROR_BRAND] !== true) return false;
  return name === undefined || (value as { name?: unknown }).name === name;
}
