import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BusinessError,
  CodePayError,
  ConfigurationError,
  ConnectionError,
  DecryptionError,
  GatewayError,
  isCodePayError,
  ResponseFormatError,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
} from '../src/errors.js';

const cause = new Error('socket hang up');

const examples: Array<[string, CodePayError, Record<string, unknown>]> = [
  [
    'ValidationError',
    new ValidationError('createPayer parameters are invalid', {
      service: 'createPayer',
      issues: [{ path: '/payer/firstName', message: 'must be string', keyword: 'type' }],
    }),
    { service: 'createPayer', issues: [{ path: '/payer/firstName', message: 'must be string', keyword: 'type' }] },
  ],
  ['ConfigurationError', new ConfigurationError('must use https://', { option: 'baseUrl' }), { option: 'baseUrl' }],
  [
    'ConnectionError',
    new ConnectionError('connection reset', { service: 'createOrder', outcomeUnknown: true, cause }),
    { service: 'createOrder', outcomeUnknown: true },
  ],
  [
    'TimeoutError',
    new TimeoutError('no answer within 30000 ms', { service: 'getBalance', timeoutMs: 30_000, outcomeUnknown: true }),
    { service: 'getBalance', timeoutMs: 30_000, outcomeUnknown: true },
  ],
  ['AbortError', new AbortError('aborted by the caller', { service: 'queryOrder' }), { service: 'queryOrder' }],
  [
    'AuthenticationError',
    new AuthenticationError('token request refused', { code: 'E01001', psn: 'P1', httpStatus: 401 }),
    { code: 'E01001' },
  ],
  [
    'GatewayError',
    new GatewayError('gateway refused the call', {
      code: 'E07303',
      msg: 'API not authorized',
      psn: 'P2',
      httpStatus: 403,
    }),
    { code: 'E07303', msg: 'API not authorized' },
  ],
  [
    'SignatureVerificationError',
    new SignatureVerificationError('bad sign', { service: 'getPayer' }),
    { service: 'getPayer' },
  ],
  ['DecryptionError', new DecryptionError('bad padding', { reason: 'padding' }), { reason: 'padding' }],
  ['ResponseFormatError', new ResponseFormatError('HTML instead of JSON', { httpStatus: 502 }), {}],
  [
    'BusinessError',
    new BusinessError('getPayer failed: Payer not found', {
      service: 'getPayer',
      errorCode: 'P0001',
      errorMessage: 'Payer not found',
      psn: 'P3',
    }),
    { service: 'getPayer', errorCode: 'P0001', errorMessage: 'Payer not found' },
  ],
];

describe.each(examples)('%s', (name, error, fields) => {
  it('is a branded CodePayError and an Error, named after its class', () => {
    expect(error).toBeInstanceOf(CodePayError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(isCodePayError(error)).toBe(true);
    expect(isCodePayError(error, name as never)).toBe(true);
    expect(String(error).startsWith(`${name}: `)).toBe(true);
  });

  it('is not mistaken for another subclass', () => {
    const other = name === 'BusinessError' ? 'GatewayError' : 'BusinessError';
    expect(isCodePayError(error, other)).toBe(false);
  });

  it('carries its public fields and serialises them (never the cause or the stack)', () => {
    expect(error).toMatchObject(fields);
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({ name, message: error.message, ...fields });
    expect(json).not.toHaveProperty('cause');
    expect(json).not.toHaveProperty('stack');
    expect(Object.keys(json)).not.toContain(Symbol.for('codepay.error').toString());
  });
});

describe('CodePayError', () => {
  it('keeps psn, httpStatus and cause', () => {
    const error = new CodePayError('failed', { psn: 'PSN-1', httpStatus: 500, cause });
    expect(error).toMatchObject({ psn: 'PSN-1', httpStatus: 500, cause });
    expect(error.toJSON()).toEqual({ name: 'CodePayError', message: 'failed', psn: 'PSN-1', httpStatus: 500 });
  });

  it('leaves absent options absent rather than undefined', () => {
    const error = new SignatureVerificationError('bad sign');
    expect(Object.keys(error)).toEqual(['name']);
    expect('cause' in error).toBe(false);
  });

  it('lets the transport fill in the psn later', () => {
    const error = new DecryptionError('bad padding', { reason: 'padding' });
    error.psn = 'PSN-2';
    expect(error.toJSON()).toMatchObject({ psn: 'PSN-2', reason: 'padding' });
  });
});

describe('messages', () => {
  it('ConfigurationError names the option', () => {
    expect(new ConfigurationError('must use https://', { option: 'baseUrl' }).message).toBe(
      'baseUrl: must use https://',
    );
  });

  it('ValidationError lists each issue with its JSON pointer ("(root)" for the root)', () => {
    const error = new ValidationError('createPayer parameters are invalid', {
      service: 'createPayer',
      issues: [
        { path: '', message: "must have required property 'email'" },
        { path: '/payer/firstName', message: 'must be string' },
      ],
    });
    expect(error.message).toBe(
      "createPayer parameters are invalid: (root) must have required property 'email'; /payer/firstName must be string",
    );
  });

  it('ValidationError shortens a long list of issues', () => {
    const issues = Array.from({ length: 13 }, (_, index) => ({ path: `/items/${index}`, message: 'must be integer' }));
    const error = new ValidationError('invalid', { issues });
    expect(error.message).toContain('/items/9 must be integer; and 3 more');
    expect(error.message).not.toContain('/items/10');
    expect(error.issues).toHaveLength(13);
  });
});

describe('isCodePayError', () => {
  it('recognises an error from a different copy of the package by its brand', () => {
    class ForeignCodePayError extends Error {
      override name = 'BusinessError';
      readonly errorCode = 'P0001';
      constructor() {
        super('from another copy');
        Object.defineProperty(this, Symbol.for('codepay.error'), { value: true });
      }
    }
    const foreign = new ForeignCodePayError();
    expect(foreign).not.toBeInstanceOf(CodePayError);
    expect(isCodePayError(foreign)).toBe(true);
    expect(isCodePayError(foreign, 'BusinessError')).toBe(true);
    expect(isCodePayError(foreign, 'GatewayError')).toBe(false);
    expect(isCodePayError({ [Symbol.for('codepay.error')]: true, name: 'GatewayError' }, 'GatewayError')).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an Error named like a CodePay error', Object.assign(new Error('x'), { name: 'BusinessError' })],
    ['a different brand value', { [Symbol.for('codepay.error')]: 'yes' }],
    ['a string-keyed look-alike', { 'codepay.error': true }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'CodePayError'],
  ])('is false for %s', (_case, value) => {
    expect(isCodePayError(value)).toBe(false);
  });

  it('narrows to the named subclass', () => {
    const error: unknown = examples.find(([name]) => name === 'BusinessError')![1];
    if (isCodePayError(error, 'BusinessError')) {
      expectTypeOf(error).toEqualTypeOf<BusinessError>();
      expect(error.errorCode).toBe('P0001');
    } else {
      expect.unreachable();
    }
  });
});
