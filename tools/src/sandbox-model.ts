// The sandbox's model of a merchant account, read from the spec: the records the mock keeps
// (`x-codepay-entities` in components), what each service does to them (`x-codepay-state` on its virtual
// operation) and the errorMessage of each code it answers (`x-codepay-sandbox-messages` on BusinessStatus).
// Every problem is reported in words, all at once: spec:check lists them, the generator refuses to run with any.
import type { JsonSchema } from './bundle.js';
import type { ServiceDescription } from './service-list.js';
import { componentSchemas, readErrorCodes, readLanguages, topLevelProperties } from './spec-extensions.js';

export const STATE_ACTIONS = ['create', 'read', 'update', 'move', 'list'] as const;
export type StateAction = (typeof STATE_ACTIONS)[number];

/** Actions that change a record: their service must be `x-retry: unsafe`, and they name the change they log. */
const CHANGING: readonly StateAction[] = ['create', 'update', 'move'];

export interface EntityModel {
  /** The component whose properties a record has. */
  schema: string;
  /** The field that identifies a record. */
  id: string;
  /** The top-level fields of `schema`: an update stores these of its params. */
  fields: string[];
  /** The component whose enum lists the record's statuses (kept in its `status` field), if it has any. */
  statuses?: string;
  /** The business error code for a record the key names none of. */
  notFound: string;
  /** Steps the mock's own code does for this entity, with what each does in words. */
  steps: Record<string, string>;
}

export interface ServiceState {
  entity: string;
  action: StateAction;
  /** Params fields that name the record (read, update, move) or must be unique among records (create). */
  key: string[];
  /** Statuses the record must be in (update, move). */
  from: string[];
  /** The status a created record starts in, or the statuses a move may end in. */
  to: string[];
  /** The business error code when the record is not in `from`, or (create) when the key is taken. */
  refusal?: string;
  /** An entity step that does the rest. */
  step?: string;
  /** Result fields answered from a record field of another name: `{ outcome: status }`. */
  answer: Record<string, string>;
  /** What the mock's request log calls the change (`StoredChange.kind`). */
  change?: string;
}

export interface SandboxModel {
  entities: Record<string, EntityModel>;
  /** By service name; `null` for a service that touches no record (`x-codepay-state: none`). */
  states: Record<string, ServiceState | null>;
  /** errorMessage per code, per language. */
  messages: Record<string, Record<string, string>>;
}

const ENTITY_KEYS = ['schema', 'id', 'statuses', 'notFound', 'steps'];
const STATE_KEYS = ['entity', 'action', 'key', 'from', 'to', 'refusal', 'step', 'answer', 'change'];
const NAME = /^[a-z]+(?:-[a-z]+)*$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isTextList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');
const listOf = (value: unknown): unknown => (typeof value === 'string' ? [value] : value);
const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
/** `a payer`, `an order`. */
const a = (name: string) => `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;

/** The languages of the Accept-Language parameter: every sandbox message must exist in each. */
const languagesOf = (bundle: JsonSchema): string[] => readLanguages(bundle).languages;

function readMessages(bundle: JsonSchema, problems: string[]): Record<string, Record<string, string>> {
  const where = 'components.schemas.BusinessStatus x-codepay-sandbox-messages';
  const table = componentSchemas(bundle).BusinessStatus?.['x-codepay-sandbox-messages'];
  if (!isObject(table)) {
    problems.push(`${where}: must map each business error code the sandbox answers to its message in every language`);
    return {};
  }
  const known = readErrorCodes(bundle).business;
  const languages = languagesOf(bundle);
  const messages: Record<string, Record<string, string>> = {};
  for (const [code, texts] of Object.entries(table)) {
    if (!Object.hasOwn(known, code)) problems.push(`${where}: ${code} is not a code of x-codepay-business-error-codes`);
    if (!isObject(texts)) {
      problems.push(`${where}: ${code} must map languages to messages`);
      continue;
    }
    const missing = languages.filter((language) => typeof texts[language] !== 'string' || texts[language] === '');
    const extra = Object.keys(texts).filter((language) => !languages.includes(language));
    if (missing.length > 0) problems.push(`${where}: ${code} has no message in ${missing.join(', ')}`);
    if (extra.length > 0)
      problems.push(`${where}: ${code} has a message in ${extra.join(', ')}, which Accept-Language does not offer`);
    messages[code] = Object.fromEntries(languages.map((language) => [language, String(texts[language] ?? '')]));
  }
  return messages;
}

function enumOf(bundle: JsonSchema, component: string): string[] | undefined {
  const values = componentSchemas(bundle)[component]?.enum;
  return isTextList(values) ? values : undefined;
}

function readEntities(
  bundle: JsonSchema,
  codeProblem: (code: unknown, where: string) => void,
  problems: string[],
): Record<string, EntityModel> {
  const declared = (bundle.components as JsonSchema)['x-codepay-entities'];
  if (!isObject(declared)) {
    problems.push('components.x-codepay-entities: must declare the records the sandbox keeps (payer, order, …)');
    return {};
  }
  const schemas = componentSchemas(bundle);
  const entities: Record<string, EntityModel> = {};
  for (const [name, raw] of Object.entries(declared)) {
    const where = `components.x-codepay-entities.${name}`;
    if (!NAME.test(name)) problems.push(`${where}: an entity name is lower-case words joined by "-"`);
    if (!isObject(raw)) {
      problems.push(`${where}: must be an object with schema, id and notFound`);
      continue;
    }
    for (const key of Object.keys(raw).filter((k) => !ENTITY_KEYS.includes(k)))
      problems.push(`${where}: "${key}" is not understood (known: ${ENTITY_KEYS.join(', ')})`);
    const { schema, id, statuses, notFound, steps = {} } = raw;
    if (typeof schema !== 'string' || !schemas[schema]) {
      problems.push(
        `${where}: schema must name a component whose properties a record has; ${JSON.stringify(schema)} is none`,
      );
    } else if (typeof id !== 'string' || !topLevelProperties(bundle, schema).has(id)) {
      problems.push(`${where}: id must name a field of ${schema}; ${JSON.stringify(id)} is not one`);
    }
    const fields = typeof schema === 'string' && schemas[schema] ? [...topLevelProperties(bundle, schema)] : [];
    if (statuses !== undefined && (typeof statuses !== 'string' || !enumOf(bundle, statuses))) {
      problems.push(
        `${where}: statuses must name a component with an enum of statuses; ${JSON.stringify(statuses)} is none`,
      );
    } else if (statuses !== undefined && !fields.includes('status')) {
      problems.push(`${where}: a record with statuses keeps them in its "status" field, which ${String(schema)} lacks`);
    }
    codeProblem(notFound, `${where}: notFound`);
    if (!isObject(steps) || !Object.values(steps).every((words) => typeof words === 'string' && words.trim() !== '')) {
      problems.push(`${where}: steps must map each step name to what it does, in words`);
    }
    entities[name] = {
      schema: String(schema),
      id: String(id),
      fields,
      ...(typeof statuses === 'string' ? { statuses } : {}),
      notFound: String(notFound),
      steps: isObject(steps) ? (steps as Record<string, string>) : {},
    };
  }
  return entities;
}

/** One service's `x-codepay-state`, checked against its params and result, its entity and its retry policy. */
function readState(
  bundle: JsonSchema,
  service: ServiceDescription,
  raw: unknown,
  entities: Record<string, EntityModel>,
  codeProblem: (code: unknown, where: string) => void,
  problems: string[],
): ServiceState | null {
  const where = `${service.service}: x-codepay-state`;
  const problem = (text: string) => problems.push(`${where}: ${text}`);
  if (raw === 'none') {
    if (service.retry !== 'safe') problem('is none (the service changes no record), so x-retry must be "safe"');
    return null;
  }
  if (!isObject(raw)) {
    problem(
      raw === undefined
        ? 'is missing: say which record the service creates, reads, updates, moves or lists, or "none" ' +
            '(see spec/README.md)'
        : 'must be "none" or an object with entity and action',
    );
    return null;
  }
  for (const key of Object.keys(raw).filter((k) => !STATE_KEYS.includes(k)))
    problem(`"${key}" is not understood (known: ${STATE_KEYS.join(', ')})`);
  const entityName = String(raw.entity);
  const entity = entities[entityName];
  if (!entity) {
    const declared = Object.keys(entities).join(', ');
    problem(
      `names the entity "${entityName}", which components.x-codepay-entities does not declare (it declares ${declared})`,
    );
  }
  const action = raw.action as StateAction;
  if (!STATE_ACTIONS.includes(action))
    problem(`action must be one of ${STATE_ACTIONS.join(', ')}; found ${JSON.stringify(raw.action)}`);
  const changing = CHANGING.includes(action);
  if (changing && service.retry !== 'unsafe')
    problem(`${action} changes a record, so x-retry must be "unsafe" (never retried automatically)`);
  if (!changing && STATE_ACTIONS.includes(action) && service.retry !== 'safe')
    problem(`${action} changes no record, so x-retry must be "safe"`);

  const fieldList = (name: 'key' | 'from' | 'to'): string[] => {
    const value = listOf(raw[name] ?? []);
    if (!isTextList(value)) {
      problem(`${name} must be a list of names`);
      return [];
    }
    return value;
  };
  const key = fieldList('key');
  const from = fieldList('from');
  const to = fieldList('to');
  const params = topLevelProperties(bundle, service.paramsType);
  const recordFields = entity ? topLevelProperties(bundle, entity.schema) : new Set<string>();
  for (const field of key) {
    if (!params.has(field)) problem(`key names "${field}", which is not a field of ${service.paramsType}`);
    if (entity && !recordFields.has(field))
      problem(`key names "${field}", which is not a field of ${a(entityName)} (${entity.schema})`);
  }
  if (['read', 'update', 'move'].includes(action) && key.length === 0)
    problem(`${action} needs key: the params fields that name the ${entityName}`);
  if (action === 'list' && key.length > 0) problem('list takes no key');

  const statuses = entity?.statuses ? (enumOf(bundle, entity.statuses) ?? []) : undefined;
  if ((from.length > 0 || to.length > 0) && entity && !statuses)
    problem(
      `${a(
        entityName,
      )} has no statuses (components.x-codepay-entities.${entityName}.statuses), so from and to do not apply`,
    );
  for (const status of [...from, ...to]) {
    if (statuses && !statuses.includes(status))
      problem(`"${status}" is not a status of ${a(entityName)} (${entity!.statuses}: ${statuses.join(', ')})`);
  }
  if (from.length > 0 && !['update', 'move'].includes(action)) problem('from applies to update and move only');
  if (action === 'move' && to.length === 0) problem('move needs to: the status the record moves to');
  if (action === 'create' && statuses && to.length !== 1)
    problem(`create needs to: the one status a new ${entityName} starts in`);
  if (!['create', 'move'].includes(action) && to.length > 0) problem('to applies to create and move only');
  if (action === 'move' && to.length > 1 && raw.step === undefined)
    problem('a move to one of several statuses needs a step that decides which');

  const refusal = raw.refusal;
  const refusable = from.length > 0 || (action === 'create' && key.length > 0);
  if (refusable) codeProblem(refusal, `${where}: refusal`);
  else if (refusal !== undefined)
    problem('refusal applies only with from (a move not allowed) or a create key (a key already taken)');
  if (action === 'move' && from.length === 0)
    problem('move needs from: the statuses the record may move from (and a refusal for the others)');

  const step = raw.step;
  if (step !== undefined && (typeof step !== 'string' || (entity && !Object.hasOwn(entity.steps, step)))) {
    problem(
      `step ${JSON.stringify(step)} is not a step of ${a(
        entityName,
      )} (components.x-codepay-entities.${entityName}.steps: ${Object.keys(entity?.steps ?? {}).join(', ') || 'none'})`,
    );
  }

  const answer = raw.answer ?? {};
  if (!isObject(answer) || !Object.values(answer).every((v) => typeof v === 'string'))
    problem('answer must map result fields to record fields');
  else {
    for (const [resultField, recordField] of Object.entries(answer as Record<string, string>)) {
      if (!service.resultFields.includes(resultField))
        problem(`answer names "${resultField}", which is not a field of ${service.resultType}`);
      if (entity && !recordFields.has(recordField))
        problem(`answer takes "${resultField}" from "${recordField}", which is not a field of ${a(entityName)}`);
    }
  }

  const change = raw.change;
  if (changing && (typeof change !== 'string' || !NAME.test(change)))
    problem(`${action} needs change: the name the request log gives the change, lower-case words joined by "-"`);
  if (!changing && change !== undefined) problem(`${action} changes nothing, so it takes no change`);

  return {
    entity: entityName,
    action,
    key,
    from,
    to,
    ...(typeof refusal === 'string' ? { refusal } : {}),
    ...(typeof step === 'string' ? { step } : {}),
    answer: isObject(answer) ? (answer as Record<string, string>) : {},
    ...(typeof change === 'string' ? { change } : {}),
  };
}

/** The sandbox model and every problem with it; a spec with problems must not be generated from. */
export function checkSandboxModel(
  bundle: JsonSchema,
  services: readonly ServiceDescription[],
): { model: SandboxModel; problems: string[] } {
  const problems: string[] = [];
  const messages = readMessages(bundle, problems);
  const codeProblem = (code: unknown, where: string) => {
    if (typeof code !== 'string') problems.push(`${where} must be a business error code`);
    else if (!Object.hasOwn(messages, code)) {
      problems.push(
        `${where} is ${code}, which has no message in components.schemas.BusinessStatus x-codepay-sandbox-messages`,
      );
    }
  };
  const entities = readEntities(bundle, codeProblem, problems);
  const paths = bundle.paths as Record<string, { post: JsonSchema }>;
  const states = Object.fromEntries(
    services.map((s) => [
      s.service,
      readState(bundle, s, paths[s.path]?.post['x-codepay-state'], entities, codeProblem, problems),
    ]),
  );
  return { model: { entities, states, messages }, problems };
}

export function readSandboxModel(bundle: JsonSchema, services: readonly ServiceDescription[]): SandboxModel {
  const { model, problems } = checkSandboxModel(bundle, services);
  if (problems.length > 0) throw new Error(`the sandbox model in the spec has problems:\n  ${problems.join('\n  ')}`);
  return model;
}

/** `components.schemas.ServiceName` must list exactly the services: the envelope's `service` is validated by it. */
export function serviceNameProblems(bundle: JsonSchema, services: readonly ServiceDescription[]): string[] {
  const where = 'components.schemas.ServiceName';
  const listed = enumOf(bundle, 'ServiceName');
  if (!listed) return [`${where}: must be an enum of the service names`];
  const names = services.map((s) => s.service);
  const missing = names.filter((name) => !listed.includes(name));
  const extra = listed.filter((name) => !names.includes(name));
  return [
    ...(missing.length > 0
      ? [`${where}: the enum lacks ${quoted(missing)}, which the spec has as a service (/services/<name>); add it`]
      : []),
    ...(extra.length > 0 ? [`${where}: the enum lists ${quoted(extra)}, which is no service of the spec`] : []),
  ];
}
