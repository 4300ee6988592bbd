// JSON.parse without silent rounding. JSON.parse turns every number into a double, so an integer id beyond 2^53
// (9007199254740993) arrives as a different id (9007199254740992) and nothing says so. Decided rule, "exact": such an
// integer is delivered as its exact decimal string instead; where a result schema expects a number, the mismatch is
// then reported as drift rather than hidden. Numbers with a fraction or an exponent are decimals, not ids: they stay
// numbers, as JSON.parse makes them.

// Every integer above Number.MAX_SAFE_INTEGER (16 digits) has at least 16 digits, and in JSON a number starts the
// text or follows ':', '[', ',' or whitespace. Text without such a run of digits there — nearly every answer,
// including those whose ids are long digit strings such as "SS20240101121210000001" — is exactly JSON.parse: one
// regular-expression scan is all it costs (the second expression looks at the start only; folding it into the first
// as an alternation with `^` makes the scan of a long text about a quarter slower).
const LONG_NUMBER = /[\s:[,]-?[0-9]{16}/;
const LONG_NUMBER_FIRST = /^-?[0-9]{16}/;

// A JSON number token, sticky so it matches at one position: integer part, fraction, exponent.
const NUMBER_TOKEN = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * How deep JSON answers may nest. CodePay's nest four levels at most; JSON.parse of a body nested millions deep (10 MiB
 * of `[[[[…`) blocks the event loop for seconds, so such a body is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether `text` opens more than `maxDepth` arrays or objects inside one another (strings skipped). Builds nothing,
 * and stops at the first level too deep: a pathological body costs `maxDepth` characters of scanning.
 */
export function jsonNestingExceeds(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  // Nesting deeper than maxDepth needs more than maxDepth characters.
  if (text.length <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = endOfString(text, i) - 1;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return false;
}

/** Thrown instead of parsing JSON nested deeper than MAX_JSON_DEPTH. */
export class JsonTooDeep extends SyntaxError {
  constructor(readonly maxDepth: number) {
    super(`JSON nested deeper than ${maxDepth} levels; refused before parsing`);
  }
}

/** `JSON.parse(text)` of an answer: refused (JsonTooDeep, a SyntaxError) when nested deeper than MAX_JSON_DEPTH. */
export function parseJsonBounded(text: string): unknown {
  if (jsonNestingExceeds(text)) throw new JsonTooDeep(MAX_JSON_DEPTH);
  return JSON.parse(text);
}

/**
 * `JSON.parse(text)`, except that integers beyond ±Number.MAX_SAFE_INTEGER become their exact decimal strings, and
 * that text nested deeper than 64 levels is refused with a SyntaxError before any parsing (see MAX_JSON_DEPTH).
 */
export function parseJsonExact(text: string): unknown {
  if (jsonNestingExceeds(text)) throw new JsonTooDeep(MAX_JSON_DEPTH);
  if (!LONG_NUMBER.test(text) && !LONG_NUMBER_FIRST.test(text)) return JSON.parse(text);
  const unsafe = findUnsafeIntegers(text);
  return JSON.parse(unsafe.length === 0 ? text : quoteTokens(text, unsafe));
}

function isUnsafeInteger(token: string): boolean {
  const digits = token.charCodeAt(0) === MINUS ? token.slice(1) : token;
  // No leading zeros (the token grammar), so more digits means larger; equal lengths compare as text.
  return (
    digits.length > MAX_SAFE_DIGITS.length || (digits.length === MAX_SAFE_DIGITS.length && digits > MAX_SAFE_DIGITS)
  );
}

/** Index just past the string literal that opens at `start` (a quote), honouring backslash escapes. */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length; // unterminated: JSON.parse will say so
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * Whether a token after `previous` (the last character outside strings and whitespace; '' at the start) is a value.
 * Only values are ever quoted: quoting a number where JSON allows none (an object key) would turn invalid text into
 * valid JSON, and the text must be refused exactly when JSON.parse refuses it.
 */
function isValuePosition(previous: string, containers: readonly string[]): boolean {
  return previous === '' || previous === ':' || previous === '[' || (previous === ',' && containers.at(-1) === '[');
}

/** [start, end) of every integer literal outside strings, in value position, whose magnitude is unsafe. */
function findUnsafeIntegers(text: string): [number, number][] {
  const found: [number, number][] = [];
  const containers: string[] = [];
  let previous = '';
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = endOfString(text, i);
      previous = '"';
    } else if (code === MINUS || (code >= ZERO && code <= NINE)) {
      NUMBER_TOKEN.lastIndex = i;
      const match = NUMBER_TOKEN.exec(text);
      if (match === null) {
        // A lone '-' or similar: not JSON; JSON.parse will refuse it.
        i++;
        previous = '-';
        continue;
      }
      const end = i + match[0].length;
      const isInteger = match[1] === undefined && match[2] === undefined;
      if (
        isInteger &&
        end - i >= MAX_SAFE_DIGITS.length &&
        isValuePosition(previous, containers) &&
        isUnsafeInteger(match[0])
      )
        found.push([i, end]);
      i = end;
      previous = '0';
    } else {
      const char = text[i]!;
      if (char === '{' || char === '[') containers.push(char);
      else if (char === '}' || char === ']') containers.pop();
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') previous = char;
      i++;
    }
  }
  return found;
}

function quoteTokens(text: string, tokens: readonly [number, number][]): string {
  let out = '';
  let from = 0;
  for (const [start, end] of tokens) {
    out += `${text.slice(from, start)}"${text.slice(start, end)}"`;
    from = end;
  }
  return out + text.slice(from);
}
