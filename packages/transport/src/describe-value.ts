import { editDistance } from './option-names.js';

// How error messages name a value a caller or a gateway gave us (public: the SDK's messages use the same words). It must never throw and never run the value's
// own code (a `toString` or `valueOf` key, a getter), so it reads only typeof, Array.isArray and the prototype.

/** The kind of a value ("an array", "an object (Map)", "a bigint"); never any of its content. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = constructorName(value);
    return name === undefined || name === 'Object' ? 'an object' : `an object (${name})`;
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** A short string or a number shown as it is (`"verbose"`, `12.5`); anything else by its kind only. */
export function describeReceived(value: unknown): string {
  if (typeof value === 'string')
    return value.length <= 40 ? JSON.stringify(value) : `a ${value.length}-character string`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return kindOf(value);
}

/**
 * A value that should have been one of `allowed` (a language, a log level, an environment name). Text is shown only
 * when it is a near miss of one of them (`"en-us"`, `"warning"`): anything else may be text pasted into the wrong
 * option — a key, a token — and is described by its length alone.
 */
export function describeChoice(value: unknown, allowed: readonly string[]): string {
  if (typeof value !== 'string') return describeReceived(value);
  const lower = value.toLowerCase();
  const near = allowed.find((choice) => {
    const other = choice.toLowerCase();
    return (
      editDistance(lower, other) <= Math.min(2, Math.floor(other.length / 3)) ||
      (lower.length <= other.length + 4 && lower.startsWith(other))
    );
  });
  return near === undefined
    ? `a ${value.length}-character string that is none of them`
    : `${JSON.stringify(value)} (did you mean ${JSON.stringify(near)}?)`;
}

function constructorName(value: object): string | undefined {
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null) return 'no prototype';
    const descriptor = Object.getOwnPropertyDescriptor(prototype, 'constructor');
    const name: unknown =
      typeof descriptor?.value === 'function' ? (descriptor.value as { name?: unknown }).name : undefined;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
