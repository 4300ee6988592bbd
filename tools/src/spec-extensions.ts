// Reads the facts the spec states in its own `x-codepay-*` extensions (beyond what JSON Schema can say) out of the
// bundle, and refuses any that contradict the rest of the spec: a generator must never turn a spec mistake into code.
import type { JsonSchema } from './bundle.js';

const COMPONENT_REF = '#/components/schemas/';

export function componentSchemas(bundle: JsonSchema): Record<string, JsonSchema> {
  return (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
}

function componentOf(schemas: Record<string, JsonSchema>, ref: unknown): JsonSchema | undefined {
  return typeof ref === 'string' && ref.startsWith(COMPONENT_REF)
    ? schemas[ref.slice(COMPONENT_REF.length)]
    : undefined;
}

/**
 * The top-level property names a component's objects have, following `$ref` and `allOf` (a result such as
 * GetPayerResult is only `$ref: Payer`).
 */
export function topLevelProperties(bundle: JsonSchema, componentName: string): Set<string> {
  const schemas = componentSchemas(bundle);
  const names = new Set<string>();
  const seen = new Set<JsonSchema>();
  const visit = (schema: JsonSchema | undefined): void => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    for (const name of Object.keys((schema.properties ?? {}) as JsonSchema)) names.add(name);
    visit(componentOf(schemas, schema.$ref));
    for (const part of (schema.allOf ?? []) as JsonSchema[]) visit(part);
  };
  visit(schemas[componentName]);
  return names;
}

/** A schema is money when it carries `x-codepay-money: true` itself or is a `$ref` to a component that does. */
function isMoney(schemas: Record<string, JsonSchema>, schema: JsonSchema): boolean {
  return schema['x-codepay-money'] === true || componentOf(schemas, schema.$ref)?.['x-codepay-money'] === true;
}

/** Components marked `x-codepay-money: true` (spec/bizcontent/common/money.json today). */
export function moneyComponents(bundle: JsonSchema): [name: string, schema: JsonSchema][] {
  return Object.entries(componentSchemas(bundle)).filter(([, schema]) => schema['x-codepay-money'] === true);
}

/**
 * The top-level params fields that are money. The decimal places an amount may have depend on its currency, read
 * from the params' `currency` field; so a service with money must have one whose schema states minor units.
 */
export function moneyFieldsOf(bundle: JsonSchema, service: string, paramsType: string): string[] {
  const schemas = componentSchemas(bundle);
  const properties = (schemas[paramsType]?.properties ?? {}) as Record<string, JsonSchema>;
  const fields = Object.entries(properties)
    .filter(([, schema]) => isMoney(schemas, schema))
    .map(([name]) => name);
  if (fields.length > 0) {
    const currency = properties.currency;
    const units =
      currency && (currency['x-codepay-minor-units'] ?? componentOf(schemas, currency.$ref)?.['x-codepay-minor-units']);
    if (!units) {
      throw new Error(
        `${service}: has money fields (${fields.join(', ')}) but no top-level "currency" field whose schema has x-codepay-minor-units; ` +
          'the decimal places of an amount are checked against its currency',
      );
    }
  }
  return fields;
}

/** `x-codepay-echo` must name fields that both the params and the result of the service have. */
export function checkEcho(
  bundle: JsonSchema,
  service: string,
  echo: readonly string[],
  paramsType: string,
  resultType: string,
): void {
  const params = topLevelProperties(bundle, paramsType);
  const result = topLevelProperties(bundle, resultType);
  const wrong = echo.filter((field) => !params.has(field) || !result.has(field));
  if (wrong.length > 0) {
    throw new Error(
      `${service}: x-codepay-echo names ${wrong.map((f) => `"${f}"`).join(', ')}, which must be a top-level field of both ${paramsType} and ${resultType}`,
    );
  }
  if (new Set(echo).size !== echo.length) throw new Error(`${service}: x-codepay-echo lists a field twice`);
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Decimal places per currency, merged from every component's `x-codepay-minor-units`. Each entry must be a
 * three-letter code with a non-negative integer, and where the component has an `enum`, the two must list the
 * same currencies: adding a currency to the enum forces deciding its minor units.
 */
export function readCurrencyMinorUnits(bundle: JsonSchema): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const [name, schema] of Object.entries(componentSchemas(bundle))) {
    const units = schema['x-codepay-minor-units'];
    if (units === undefined) continue;
    const where = `components.schemas.${name} x-codepay-minor-units`;
    if (units === null || typeof units !== 'object' || Array.isArray(units))
      throw new Error(`${where}: must map currency codes to decimal places`);
    for (const [currency, places] of Object.entries(units as Record<string, unknown>)) {
      if (!CURRENCY_CODE.test(currency)) throw new Error(`${where}: "${currency}" is not a three-letter currency code`);
      if (!Number.isInteger(places) || (places as number) < 0)
        throw new Error(`${where}: ${currency} must have a whole, non-negative number of decimal places`);
      if (Object.hasOwn(merged, currency) && merged[currency] !== places)
        throw new Error(
          `${where}: ${currency} has ${String(places)} decimal places here and ${merged[currency]} elsewhere`,
        );
      merged[currency] = places as number;
    }
    const allowed = schema.enum as unknown[] | undefined;
    if (allowed) {
      const missing = allowed.filter((currency) => typeof currency !== 'string' || !Object.hasOwn(units, currency));
      const extra = Object.keys(units).filter((currency) => !allowed.includes(currency));
      if (missing.length > 0) throw new Error(`${where}: no entry for ${missing.map(String).join(', ')} of the enum`);
      if (extra.length > 0) throw new Error(`${where}: ${extra.join(', ')} is not in the enum`);
    }
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Gateway error codes that mean the bearer token was refused before any processing; each must be a known code sent
 * with HTTP 401, the only status on which the client looks for a token refusal.
 */
export function readTokenRefusalCodes(bundle: JsonSchema): string[] {
  const where = 'components.schemas.GatewayErrorBody';
  const known = readGatewayErrorCodes(bundle);
  const codes = componentSchemas(bundle).GatewayErrorBody!['x-codepay-token-refusal-codes'];
  if (!Array.isArray(codes) || !codes.every((code) => typeof code === 'string')) {
    throw new Error(`${where}: x-codepay-token-refusal-codes must be a list of error codes`);
  }
  const unknown = codes.filter((code) => !Object.hasOwn(known, code));
  if (unknown.length > 0)
    throw new Error(
      `${where}: x-codepay-token-refusal-codes lists ${unknown.join(', ')}, which x-codepay-error-codes does not`,
    );
  const not401 = codes.filter((code) => known[code]!.httpStatus !== 401);
  if (not401.length > 0) {
    throw new Error(
      `${where}: x-codepay-token-refusal-codes lists ${not401.join(', ')}, whose httpStatus is not 401 (a token refusal is a 401)`,
    );
  }
  return codes;
}

export interface MoneyLimits {
  exclusiveMinimum: number;
  maximum: number;
}

// The limits are compared with an amount's digits as text, so they must be written without an exponent.
const PLAIN_NUMBER = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * The range every money field must be in: `exclusiveMinimum` and `maximum` of the money schema. The schema enforces
 * them on numbers only (JSON Schema has no range for strings), so the generated code carries them for decimal text.
 */
export function readMoneyLimits(bundle: JsonSchema): MoneyLimits {
  const found = moneyComponents(bundle).map(([name, schema]): MoneyLimits => {
    const { exclusiveMinimum, maximum } = schema;
    for (const [keyword, limit] of [
      ['exclusiveMinimum', exclusiveMinimum],
      ['maximum', maximum],
    ] as const) {
      if (typeof limit !== 'number' || !PLAIN_NUMBER.test(String(limit))) {
        throw new Error(
          `components.schemas.${name}: a money schema needs a non-negative "${keyword}" written without an exponent`,
        );
      }
    }
    return { exclusiveMinimum: exclusiveMinimum as number, maximum: maximum as number };
  });
  if (found.length === 0) throw new Error('no component has x-codepay-money: true (spec/bizcontent/common/money.json)');
  const [first, ...others] = found;
  if (others.some((l) => l.exclusiveMinimum !== first!.exclusiveMinimum || l.maximum !== first!.maximum)) {
    throw new Error(
      'the x-codepay-money schemas state different ranges; one range for all money fields is all the generator supports',
    );
  }
  return first!;
}

/**
 * Calls `found` for every `pattern` (a string) in a schema tree, with the schema that has it and where it is; the
 * `examples` (data, not schemas) are not searched.
 */
export function forEachPattern(
  node: unknown,
  where: string,
  found: (pattern: string, schema: JsonSchema, where: string) => void,
): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      forEachPattern(item, `${where}/${i}`, found);
    });
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  if (typeof schema.pattern === 'string') found(schema.pattern, schema, where);
  for (const [key, value] of Object.entries(schema))
    if (key !== 'examples') forEachPattern(value, `${where}/${key}`, found);
}

/**
 * Every pattern of the spec's schemas with its rule in words (`x-codepay-rule` beside the `pattern`): validation
 * messages name the rule instead of showing a regular expression. A pattern without words is an error, so a new
 * one cannot reach users as a raw regex.
 */
export function readPatternRules(bundle: JsonSchema): Record<string, string> {
  const rules: Record<string, string> = {};
  forEachPattern(componentSchemas(bundle), 'components.schemas', (pattern, schema, where) => {
    const rule = schema['x-codepay-rule'];
    if (typeof rule !== 'string' || rule.trim() === '')
      throw new Error(`${where}: a pattern needs its rule in words (x-codepay-rule)`);
    if (rules[pattern] !== undefined && rules[pattern] !== rule)
      throw new Error(`${where}: the pattern ${pattern} has two different rules in words`);
    rules[pattern] = rule;
  });
  return Object.fromEntries(Object.entries(rules).sort(([a], [b]) => a.localeCompare(b)));
}

export interface StatusInfo {
  final: boolean;
  moneyReceived: boolean;
  refund: boolean;
  meaning: string;
}

/** What each order status means (`x-codepay-statuses` on OrderStatus); every enum value must have an entry. */
export function readOrderStatuses(bundle: JsonSchema): Record<string, StatusInfo> {
  const where = 'components.schemas.OrderStatus';
  const schema = componentSchemas(bundle).OrderStatus;
  const table = schema?.['x-codepay-statuses'] as Record<string, StatusInfo> | undefined;
  if (!schema || !table) throw new Error(`${where}: x-codepay-statuses is missing`);
  const values = (schema.enum ?? []) as string[];
  const missing = values.filter((value) => !Object.hasOwn(table, value));
  const extra = Object.keys(table).filter((value) => !values.includes(value));
  if (missing.length > 0 || extra.length > 0)
    throw new Error(
      `${where}: x-codepay-statuses must describe exactly the enum (missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'})`,
    );
  for (const [status, info] of Object.entries(table)) {
    if (
      typeof info.final !== 'boolean' ||
      typeof info.moneyReceived !== 'boolean' ||
      typeof info.refund !== 'boolean' ||
      typeof info.meaning !== 'string'
    ) {
      throw new Error(
        `${where}: x-codepay-statuses.${status} needs final, moneyReceived, refund (booleans) and meaning (text)`,
      );
    }
  }
  return Object.fromEntries(values.map((value) => [value, table[value]!]));
}

export interface GatewayErrorCodeInfo {
  /** The HTTP status the gateway sends this code with. */
  httpStatus: number;
  meaning: string;
}

/**
 * The gateway's known error codes (`x-codepay-error-codes` on GatewayErrorBody), each with the HTTP status it is sent
 * with (a status a server answers with: 200 to 599) and its meaning in words.
 */
export function readGatewayErrorCodes(bundle: JsonSchema): Record<string, GatewayErrorCodeInfo> {
  const where = 'components.schemas.GatewayErrorBody x-codepay-error-codes';
  const table = componentSchemas(bundle).GatewayErrorBody?.['x-codepay-error-codes'];
  if (table === null || typeof table !== 'object' || Array.isArray(table))
    throw new Error(`${where}: must map each error code to { httpStatus, meaning }`);
  for (const [code, info] of Object.entries(table as Record<string, unknown>)) {
    const { httpStatus, meaning } = (info ?? {}) as { httpStatus?: unknown; meaning?: unknown };
    if (!Number.isInteger(httpStatus) || (httpStatus as number) < 200 || (httpStatus as number) > 599) {
      throw new Error(`${where}: ${code} needs httpStatus, the HTTP status (200 to 599) the gateway sends it with`);
    }
    if (typeof meaning !== 'string' || meaning.trim() === '')
      throw new Error(`${where}: ${code} needs meaning, what the code says in words`);
  }
  return table as Record<string, GatewayErrorCodeInfo>;
}

/** The known error codes with their meaning: the gateway's (`x-codepay-error-codes`) and the business ones. */
export function readErrorCodes(bundle: JsonSchema): {
  gateway: Record<string, string>;
  business: Record<string, string>;
} {
  const gateway = Object.fromEntries(
    Object.entries(readGatewayErrorCodes(bundle)).map(([code, info]) => [code, info.meaning]),
  );
  const business = componentSchemas(bundle).BusinessStatus?.['x-codepay-business-error-codes'] as
    | Record<string, string>
    | undefined;
  if (!business) throw new Error('components.schemas.BusinessStatus: x-codepay-business-error-codes is missing');
  return { gateway, business };
}

export interface Languages {
  languages: string[];
  defaultLanguage: string;
}

/**
 * The languages of gateway messages: the `enum` of the `Accept-Language` parameter (components.parameters
 * AcceptLanguage), and its `default`, which must be one of them.
 */
export function readLanguages(bundle: JsonSchema): Languages {
  const where = 'components.parameters.AcceptLanguage';
  const parameter = (bundle.components as { parameters?: Record<string, JsonSchema> }).parameters?.AcceptLanguage;
  if (parameter?.in !== 'header' || String(parameter.name).toLowerCase() !== 'accept-language') {
    throw new Error(`${where}: must be the Accept-Language header parameter`);
  }
  const schema = (parameter.schema ?? {}) as JsonSchema;
  const languages = schema.enum;
  if (
    !Array.isArray(languages) ||
    languages.length === 0 ||
    !languages.every((tag) => typeof tag === 'string' && tag !== '')
  ) {
    throw new Error(`${where}: its schema needs an enum of the language tags gateway messages come in`);
  }
  if (new Set(languages).size !== languages.length) throw new Error(`${where}: its enum lists a language twice`);
  if (typeof schema.default !== 'string' || !languages.includes(schema.default)) {
    throw new Error(`${where}: its default must be one of its enum (${languages.join(', ')})`);
  }
  return { languages, defaultLanguage: schema.default };
}

/** The operations that go over the wire, by operationId: `requestToken` and `pay`. */
export const WIRE_OPERATIONS = { token: 'requestToken', pay: 'pay' } as const;

/** The path of each wire operation (a POST); the virtual `/services/…` operations never go over the wire. */
export function readWirePaths(bundle: JsonSchema): { [K in keyof typeof WIRE_OPERATIONS]: string } {
  const paths = Object.entries((bundle.paths ?? {}) as Record<string, { post?: JsonSchema }>);
  const pathOf = (operationId: string): string => {
    const found = paths.filter(([, item]) => item.post?.operationId === operationId).map(([path]) => path);
    if (found.length !== 1 || found[0]!.startsWith('/services/')) {
      throw new Error(
        `paths: exactly one POST operation outside /services/ must have operationId "${operationId}" (found ${found.length})`,
      );
    }
    return found[0]!;
  };
  return { token: pathOf(WIRE_OPERATIONS.token), pay: pathOf(WIRE_OPERATIONS.pay) };
}
