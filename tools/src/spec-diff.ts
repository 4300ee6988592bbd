// The wire contract's breaking changes: spec/dist/openapi.bundled.json now compared with the same file at the base
// (the last release), operation by operation. What a user sends (request bodies, parameters, and the answers a
// webhook receiver writes) is compared as written; what a user gets (responses, webhook payloads) as read:
//
//   written  major: a value accepted before is refused now — a narrowed constraint (maxLength 512 → 255, a higher
//                   minimum, a new pattern or format), a removed enum value, a new required field, an optional
//                   field made required, a field no longer accepted by a closed object, a type no longer accepted;
//            minor: a new optional field, a wider constraint, a new enum value or type.
//   read     major: a result field removed or no longer always there, a value of a new type (null where there was
//                   none), a constraint that no longer holds (a longer string, a removed pattern);
//            minor: a new field, a new enum value, a tighter constraint.
//   A removed operation is major, a new one minor. Descriptions, examples, titles and x- extensions are not compared.
//
// (No maintained tool runs here for OpenAPI 3.1: oasdiff is a Go binary; @useoptic/optic 1.0.9 does not start on
// Node 20 — its ajv-errors fails to compile a schema; api-smart-diff 1.0.6 reports breaking changes between a spec
// and an unchanged copy of it, and misses a new required request field. So this one is ours, small and tested.)

export type JsonSchema = boolean | { [keyword: string]: unknown };
export type SpecChangeLevel = 'major' | 'minor';

export interface SpecChange {
  level: SpecChangeLevel;
  /** `createOrder request .description`, `POST /api/v2/pay response 200 .data`… */
  where: string;
  message: string;
}

type Direction = 'read' | 'write';
type Doc = {
  paths?: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  components?: unknown;
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
/** Constraints compared as "present or not, and equal": adding one narrows, removing one widens, changing does both. */
const OPAQUE = ['pattern', 'format', 'multipleOf'] as const;

/** One schema with its $ref and allOf merged in (constraints intersected). */
interface Flat {
  types?: Set<string>;
  enum?: unknown[];
  bounds: Map<string, number>;
  opaque: Map<string, unknown[]>;
  properties: Map<string, JsonSchema[]>;
  required: Set<string>;
  closed: boolean;
  items: JsonSchema[];
  /** Each anyOf/oneOf: its alternatives. */
  alternatives: JsonSchema[][];
}

/** One alternative of a schema with a single JSON type ('*' when the schema names none). */
interface Alternative {
  type: string;
  flat: Flat;
}

function resolvePointer(doc: unknown, ref: string): JsonSchema {
  if (!ref.startsWith('#')) throw new Error(`spec-diff: only local $refs are supported, got ${ref}`);
  let node: unknown = doc;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined) throw new Error(`spec-diff: $ref ${ref} does not resolve`);
  return node as JsonSchema;
}

const jsonType = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
const show = (value: unknown) => JSON.stringify(value);

function flatten(doc: unknown, schema: JsonSchema, flat: Flat = emptyFlat(), seen = new Set<unknown>()): Flat {
  if (typeof schema === 'boolean') {
    if (!schema) flat.types = new Set();
    return flat;
  }
  if (seen.has(schema)) return flat;
  seen.add(schema);
  if (typeof schema.$ref === 'string') flatten(doc, resolvePointer(doc, schema.$ref), flat, seen);
  for (const part of (schema.allOf as JsonSchema[] | undefined) ?? []) flatten(doc, part, flat, seen);
  if (schema.type !== undefined) {
    const types = new Set(Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]);
    flat.types = flat.types
      ? new Set([...flat.types].filter((t) => types.has(t) || (t === 'integer' && types.has('number'))))
      : types;
    if (flat.types.has('number') && types.has('integer') && !types.has('number'))
      flat.types = new Set([...flat.types].map((t) => (t === 'number' ? 'integer' : t)));
  }
  const values = schema.const !== undefined ? [schema.const] : (schema.enum as unknown[] | undefined);
  if (values) flat.enum = flat.enum ? flat.enum.filter((v) => values.some((w) => show(w) === show(v))) : [...values];
  for (const keyword of LOWER_BOUNDS) {
    if (typeof schema[keyword] === 'number')
      flat.bounds.set(keyword, Math.max(flat.bounds.get(keyword) ?? -Infinity, schema[keyword] as number));
  }
  for (const keyword of UPPER_BOUNDS) {
    if (typeof schema[keyword] === 'number')
      flat.bounds.set(keyword, Math.min(flat.bounds.get(keyword) ?? Infinity, schema[keyword] as number));
  }
  for (const keyword of OPAQUE) {
    if (schema[keyword] !== undefined) flat.opaque.set(keyword, [...(flat.opaque.get(keyword) ?? []), schema[keyword]]);
  }
  for (const [name, property] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) {
    flat.properties.set(name, [...(flat.properties.get(name) ?? []), property]);
  }
  for (const name of (schema.required as string[] | undefined) ?? []) flat.required.add(name);
  if (schema.additionalProperties === false || schema.unevaluatedProperties === false) flat.closed = true;
  if (schema.items !== undefined && typeof schema.items !== 'boolean' && !Array.isArray(schema.items))
    flat.items.push(schema.items as JsonSchema);
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[keyword])) flat.alternatives.push(schema[keyword] as JsonSchema[]);
  }
  return flat;
}

function emptyFlat(): Flat {
  return {
    bounds: new Map(),
    opaque: new Map(),
    properties: new Map(),
    required: new Set(),
    closed: false,
    items: [],
    alternatives: [],
  };
}

/** The schema as a list of single-typed alternatives (anyOf/oneOf and `type: [a, b]` spread out). */
function alternativesOf(doc: unknown, schema: JsonSchema): Alternative[] {
  const flat = flatten(doc, schema);
  if (flat.alternatives.length > 0) {
    const [first, ...rest] = flat.alternatives;
    return first!.flatMap((alternative) =>
      alternativesOf(doc, {
        allOf: [stripAlternatives(doc, schema, first!), alternative, ...rest.map((group) => ({ anyOf: group }))],
      }),
    );
  }
  const types = flat.types ?? (flat.enum ? new Set(flat.enum.map(jsonType)) : undefined);
  if (!types) return [{ type: '*', flat }];
  return [...types].map((type) => ({
    type,
    flat: {
      ...flat,
      enum: flat.enum?.filter((v) => jsonType(v) === type || (type === 'number' && jsonType(v) === 'integer')),
    },
  }));
}

/** The schema without the anyOf/oneOf group `group` (wherever it sits in its $ref/allOf chain). */
function stripAlternatives(doc: unknown, schema: JsonSchema, group: JsonSchema[]): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  const copy: Record<string, unknown> = { ...schema };
  for (const keyword of ['anyOf', 'oneOf']) if (copy[keyword] === group) delete copy[keyword];
  if (typeof copy.$ref === 'string') {
    const target = resolvePointer(doc, copy.$ref);
    delete copy.$ref;
    copy.allOf = [...((copy.allOf as JsonSchema[] | undefined) ?? []), stripAlternatives(doc, target, group)];
  }
  if (Array.isArray(copy.allOf))
    copy.allOf = (copy.allOf as JsonSchema[]).map((part) => stripAlternatives(doc, part, group));
  return copy;
}

class SpecComparer {
  readonly changes: SpecChange[] = [];
  private readonly compared = new Set<string>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  constructor(
    private readonly before: unknown,
    private readonly after: unknown,
  ) {}

  private id(schema: JsonSchema): string {
    if (typeof schema === 'boolean') return String(schema);
    if (!this.ids.has(schema)) this.ids.set(schema, this.nextId++);
    return String(this.ids.get(schema));
  }

  add(level: SpecChangeLevel, where: string, message: string): void {
    if (!this.changes.some((c) => c.where === where && c.message === message))
      this.changes.push({ level, where, message });
  }

  compare(before: JsonSchema, after: JsonSchema, direction: Direction, where: string): void {
    const mark = `${this.id(before)}|${this.id(after)}|${direction}|${where}`;
    if (this.compared.has(mark)) return;
    this.compared.add(mark);
    const [alternativesBefore, alternativesAfter] = [
      alternativesOf(this.before, before),
      alternativesOf(this.after, after),
    ];
    const left = [...alternativesAfter];
    const pairs: Array<[Alternative, Alternative]> = [];
    const unpaired: Alternative[] = [];
    const family = (type: string) => (type === 'integer' ? 'number' : type);
    for (const alternative of alternativesBefore) {
      const candidates = left.filter(
        (a) => family(a.type) === family(alternative.type) || a.type === '*' || alternative.type === '*',
      );
      const best = candidates.sort((x, y) => this.likeness(alternative, y) - this.likeness(alternative, x))[0];
      if (best) {
        left.splice(left.indexOf(best), 1);
        pairs.push([alternative, best]);
      } else unpaired.push(alternative);
    }
    for (const alternative of unpaired) {
      if (direction === 'write') this.add('major', where, `no longer accepts ${this.describe(alternative)}`);
      else this.add('minor', where, `is no longer ${this.describe(alternative)}`);
    }
    for (const alternative of left) {
      if (direction === 'write') this.add('minor', where, `now also accepts ${this.describe(alternative)}`);
      else this.add('major', where, `may now be ${this.describe(alternative)}: code reading it does not expect that`);
    }
    for (const [b, a] of pairs) this.compareAlternatives(b, a, direction, where);
  }

  private describe(alternative: Alternative): string {
    if (alternative.flat.enum) return alternative.flat.enum.map(show).join(' or ');
    return alternative.type === '*'
      ? 'any value'
      : alternative.type === 'null'
        ? 'null'
        : `a value of type ${alternative.type}`;
  }

  private likeness(b: Alternative, a: Alternative): number {
    const [namesB, namesA] = [[...b.flat.properties.keys()], new Set(a.flat.properties.keys())];
    return (b.type === a.type ? 1 : 0) + namesB.filter((n) => namesA.has(n)).length;
  }

  private compareAlternatives(before: Alternative, after: Alternative, direction: Direction, where: string): void {
    const write = direction === 'write';
    const narrowed = (message: string) =>
      this.add(
        write ? 'major' : 'minor',
        where,
        `${message} (${write ? 'values accepted before are refused now' : 'narrower'})`,
      );
    const widened = (message: string) =>
      this.add(
        write ? 'minor' : 'major',
        where,
        `${message} (${write ? 'wider' : 'results may not be what code expects'})`,
      );

    if (before.type !== after.type) {
      if (before.type === '*') narrowed(`now only ${after.type}`);
      else if (after.type === '*') widened('now any value');
      else if (before.type === 'integer' && after.type === 'number') widened('integer → number');
      else if (before.type === 'number' && after.type === 'integer') narrowed('number → integer');
    }

    const [enumBefore, enumAfter] = [before.flat.enum, after.flat.enum];
    if (enumBefore && enumAfter) {
      const removed = enumBefore.filter((v) => !enumAfter.some((w) => show(w) === show(v)));
      const added = enumAfter.filter((v) => !enumBefore.some((w) => show(w) === show(v)));
      if (removed.length > 0) {
        if (write) this.add('major', where, `no longer accepts ${removed.map(show).join(', ')} (enum value removed)`);
        else this.add('minor', where, `is no longer ${removed.map(show).join(', ')}`);
      }
      if (added.length > 0)
        this.add(
          'minor',
          where,
          `${write ? 'now also accepts' : 'may now also be'} ${added.map(show).join(', ')} (new enum value)`,
        );
    } else if (enumAfter) narrowed(`now limited to ${enumAfter.map(show).join(', ')}`);
    else if (enumBefore) this.add('minor', where, `no longer limited to ${enumBefore.map(show).join(', ')}`);

    for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
      const [b, a] = [before.flat.bounds.get(keyword), after.flat.bounds.get(keyword)];
      if (b === a) continue;
      const lower = (LOWER_BOUNDS as readonly string[]).includes(keyword);
      const tighter = a !== undefined && (b === undefined || (lower ? a > b : a < b));
      const text = `${keyword} ${b ?? '(none)'} → ${a ?? '(none)'}`;
      if (tighter) narrowed(text);
      else widened(text);
    }
    for (const keyword of OPAQUE) {
      const [b, a] = [show(before.flat.opaque.get(keyword)), show(after.flat.opaque.get(keyword))];
      if (b === a) continue;
      const [had, has] = [before.flat.opaque.has(keyword), after.flat.opaque.has(keyword)];
      const text = `${keyword} ${had ? before.flat.opaque.get(keyword)!.map(show).join(' and ') : '(none)'} → ${has ? after.flat.opaque.get(keyword)!.map(show).join(' and ') : '(none)'}`;
      if (!had) narrowed(text);
      else if (!has) widened(text);
      else {
        // Changed: it may accept less, and results may differ; both directions count.
        this.add('major', where, `${text} (changed: cannot tell whether it only widened)`);
      }
    }

    if (before.type === 'object' || before.type === '*' || after.type === 'object')
      this.compareObjects(before.flat, after.flat, direction, where);
    if (before.type === 'array' || after.type === 'array') {
      const [b, a] = [before.flat.items, after.flat.items];
      if (b.length > 0 && a.length > 0) this.compare({ allOf: b }, { allOf: a }, direction, `${where}[]`);
      else if (b.length === 0 && a.length > 0) narrowed('items now constrained');
      else if (b.length > 0 && a.length === 0) widened('items no longer constrained');
    }
  }

  private compareObjects(before: Flat, after: Flat, direction: Direction, where: string): void {
    const write = direction === 'write';
    const names = new Set([
      ...before.properties.keys(),
      ...after.properties.keys(),
      ...before.required,
      ...after.required,
    ]);
    for (const name of names) {
      const place = `${where}.${name}`;
      const [had, has] = [
        before.properties.has(name) || before.required.has(name),
        after.properties.has(name) || after.required.has(name),
      ];
      const [requiredBefore, requiredAfter] = [before.required.has(name), after.required.has(name)];
      if (had && !has) {
        if (!write) this.add('major', place, 'result field removed: code reading it breaks');
        else if (after.closed)
          this.add('major', place, 'field no longer accepted (the object is closed): requests sending it are refused');
        else this.add('minor', place, 'field no longer described');
        continue;
      }
      if (!had && has) {
        if (!write) this.add('minor', place, 'new result field');
        else if (requiredAfter) this.add('major', place, 'new required field: requests without it are refused');
        else this.add('minor', place, 'new optional field');
        continue;
      }
      if (requiredBefore !== requiredAfter) {
        if (write && requiredAfter) this.add('major', place, 'now required: requests without it are refused');
        else if (write) this.add('minor', place, 'now optional');
        else if (requiredBefore) this.add('major', place, 'no longer always present in the result');
        else this.add('minor', place, 'now always present in the result');
      }
      const [b, a] = [before.properties.get(name), after.properties.get(name)];
      if (b && a) this.compare({ allOf: b }, { allOf: a }, direction, place);
    }
    if (write && !before.closed && after.closed)
      this.add('major', where, 'no longer accepts fields it does not describe (additionalProperties: false)');
    if (write && before.closed && !after.closed) this.add('minor', where, 'now accepts fields it does not describe');
  }
}

function operationsOf(doc: Doc): Map<string, { operation: Record<string, unknown>; webhook: boolean }> {
  const operations = new Map<string, { operation: Record<string, unknown>; webhook: boolean }>();
  for (const [group, webhook] of [
    [doc.paths, false],
    [doc.webhooks, true],
  ] as const) {
    for (const [route, item] of Object.entries(group ?? {})) {
      for (const method of METHODS) {
        const operation = item[method] as Record<string, unknown> | undefined;
        if (!operation) continue;
        const service = operation['x-service'];
        const name =
          typeof service === 'string' ? service : webhook ? `webhook ${route}` : `${method.toUpperCase()} ${route}`;
        operations.set(name, { operation, webhook });
      }
    }
  }
  return operations;
}

function jsonSchemaOf(content: unknown): JsonSchema | undefined {
  const media = content as Record<string, { schema?: JsonSchema }> | undefined;
  if (!media) return undefined;
  const json = media['application/json'] ?? Object.values(media)[0];
  return json?.schema;
}

/** The breaking (major) and additive (minor) changes from one bundled spec to another. */
export function specChanges(before: Doc, after: Doc): SpecChange[] {
  const comparer = new SpecComparer(before, after);
  const [operationsBefore, operationsAfter] = [operationsOf(before), operationsOf(after)];
  for (const [name, { operation, webhook }] of operationsBefore) {
    const now = operationsAfter.get(name)?.operation;
    if (!now) {
      comparer.add('major', name, 'operation removed');
      continue;
    }
    // A webhook's request is what users receive (read); their answer is what they write.
    const [requestDirection, responseDirection]: [Direction, Direction] = webhook
      ? ['read', 'write']
      : ['write', 'read'];
    const label = (part: string) => `${name} ${part}`;

    const [bodyBefore, bodyAfter] = [
      operation.requestBody as Record<string, unknown> | undefined,
      now.requestBody as Record<string, unknown> | undefined,
    ];
    const [requestBefore, requestAfter] = [jsonSchemaOf(bodyBefore?.content), jsonSchemaOf(bodyAfter?.content)];
    if (requestBefore && requestAfter)
      comparer.compare(requestBefore, requestAfter, requestDirection, label('request'));
    else if (requestBefore && !requestAfter)
      comparer.add(requestDirection === 'write' ? 'minor' : 'major', label('request'), 'request body removed');
    else if (!requestBefore && requestAfter)
      comparer.add(
        requestDirection === 'write' && bodyAfter?.required ? 'major' : 'minor',
        label('request'),
        'new request body',
      );
    if (requestDirection === 'write' && !bodyBefore?.required && bodyAfter?.required && requestBefore)
      comparer.add('major', label('request'), 'request body now required');

    const parametersOf = (op: Record<string, unknown>, doc: Doc) =>
      new Map(
        ((op.parameters as Array<Record<string, unknown>> | undefined) ?? [])
          .map((p) => (typeof p.$ref === 'string' ? (resolvePointer(doc, p.$ref) as Record<string, unknown>) : p))
          .map((p) => [`${p.in} ${p.name}`, p]),
      );
    const [parametersBefore, parametersAfter] = [parametersOf(operation, before), parametersOf(now, after)];
    for (const [key, parameter] of parametersBefore) {
      const current = parametersAfter.get(key);
      const place = `${label('parameter')} ${key}`;
      if (!current) comparer.add('minor', place, 'parameter no longer described');
      else {
        if (!parameter.required && current.required) comparer.add('major', place, 'parameter now required');
        if (parameter.schema !== undefined && current.schema !== undefined)
          comparer.compare(parameter.schema as JsonSchema, current.schema as JsonSchema, 'write', place);
      }
    }
    for (const [key, parameter] of parametersAfter) {
      if (!parametersBefore.has(key))
        comparer.add(
          parameter.required ? 'major' : 'minor',
          `${label('parameter')} ${key}`,
          parameter.required ? 'new required parameter' : 'new optional parameter',
        );
    }

    const [responsesBefore, responsesAfter] = [
      (operation.responses ?? {}) as Record<string, Record<string, unknown>>,
      (now.responses ?? {}) as Record<string, Record<string, unknown>>,
    ];
    for (const [status, response] of Object.entries(responsesBefore)) {
      const current = responsesAfter[status];
      const place = label(`response ${status}`);
      const [schemaBefore, schemaAfter] = [jsonSchemaOf(response.content), jsonSchemaOf(current?.content)];
      if (!current) comparer.add(responseDirection === 'read' ? 'major' : 'minor', place, 'response removed');
      else if (schemaBefore && schemaAfter) comparer.compare(schemaBefore, schemaAfter, responseDirection, place);
    }
    for (const status of Object.keys(responsesAfter).filter((s) => !(s in responsesBefore)))
      comparer.add('minor', label(`response ${status}`), 'new response');
  }
  for (const name of operationsAfter.keys())
    if (!operationsBefore.has(name)) comparer.add('minor', name, 'new operation');
  return comparer.changes;
}
