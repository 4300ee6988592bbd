// How a call ended, for assertions that must hold whatever happens: a typed error or data, never a raw TypeError or
// SyntaxError. Every error seen here is also handed to the leak check.
import { expect } from 'vitest';
import { isCodePayError, type CodePayError } from '@codepay/sdk';
import { exposeForLeakCheck } from './leak-guard.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    exposeForLeakCheck('error', error);
    return { ok: false, error };
  }
}

export type ErrorClass<E extends CodePayError = CodePayError> = abstract new (...args: never[]) => E;

/** The call must fail with exactly this CodePayError subclass; returns the error for further checks. */
export async function expectTypedFailure<E extends CodePayError>(
  promise: Promise<unknown>,
  errorClass: ErrorClass<E>,
): Promise<E> {
  const error = await expectSomeTypedFailure(promise);
  expect(error, `expected ${errorClass.name}, got ${error.name}: ${error.message}`).toBeInstanceOf(errorClass);
  return error as E;
}

/** The call must fail with some CodePayError (never data, never a raw runtime error); returns it. */
export async function expectSomeTypedFailure(promise: Promise<unknown>): Promise<CodePayError> {
  const outcome = await settle(promise);
  if (outcome.ok) expect.fail(`expected a CodePayError, but the call returned data: ${JSON.stringify(outcome.value)}`);
  const { error } = outcome;
  expect(
    isCodePayError(error),
    `not a CodePayError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  ).toBe(true);
  return error as CodePayError;
}
