// Reads the services out of the bundled spec: one virtual operation per service at /services/<service>.
import type { JsonSchema } from './bundle.js';
import { checkEcho, moneyFieldsOf, topLevelProperties } from './spec-extensions.js';

export type RetryPolicy = 'safe' | 'unsafe';

export interface ServiceDescription {
  service: string;
  operationId: string;
  path: string;
  retry: RetryPolicy;
  /** SDK grouping, e.g. `orders` + `list` → `client.orders.list()`. */
  resource: string;
  method: string;
  summary: string;
  description: string;
  /** Component names of the plaintext params and of the result (`data`). */
  paramsType: string;
  resultType: string;
  /** Set for paginated services: where the items, the page number and the page counters are. */
  pagination?: PaginationHint;
  /** Top-level result fields that echo the request field of the same name (`x-codepay-echo`). */
  echo: string[];
  /** Top-level params fields whose schema is money (`x-codepay-money`). */
  moneyFields: string[];
  /** Top-level fields the result schema declares: an answer sharing none of them is not an answer of this service. */
  resultFields: string[];
}

export interface PaginationHint {
  items: string;
  pageParam: string;
  currentPage: string;
  lastPage: string;
}

const VIRTUAL_PREFIX = '/services/';

function readEcho(op: JsonSchema, where: string): string[] {
  const echo = op['x-codepay-echo'];
  // Required even when empty, so every service states its decision.
  if (!Array.isArray(echo) || !echo.every((field) => typeof field === 'string')) {
    throw new Error(`${where}: x-codepay-echo must list the result fields that echo a request field ([] for none)`);
  }
  return echo;
}

function componentName(ref: unknown, where: string): string {
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
    throw new Error(`${where}: expected a $ref to a bizcontent schema, found ${JSON.stringify(ref)}`);
  }
  return ref.slice('#/components/schemas/'.length);
}

export function listServices(bundle: JsonSchema): ServiceDescription[] {
  const paths = bundle.paths as Record<string, Record<string, JsonSchema>>;
  const services: ServiceDescription[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith(VIRTUAL_PREFIX)) continue;
    const op = item.post;
    if (!op) throw new Error(`${path}: a virtual service operation must be a POST`);
    const where = `paths["${path}"].post`;
    const service = op['x-service'];
    const retry = op['x-retry'];
    const sdk = op['x-codepay-sdk'] as
      | { resource?: unknown; method?: unknown; pagination?: PaginationHint }
      | undefined;
    if (typeof service !== 'string') throw new Error(`${where}: x-service is missing`);
    if (retry !== 'safe' && retry !== 'unsafe') throw new Error(`${where}: x-retry must be "safe" or "unsafe"`);
    if (typeof sdk?.resource !== 'string' || typeof sdk.method !== 'string') {
      throw new Error(`${where}: x-codepay-sdk must name a resource and a method`);
    }
    const body = (op.requestBody as JsonSchema | undefined)?.content as Record<string, JsonSchema> | undefined;
    const paramsRef = (body?.['application/json']?.schema as JsonSchema | undefined)?.$ref;
    const ok = (
      (op.responses as Record<string, JsonSchema>)['200']?.content as Record<string, JsonSchema> | undefined
    )?.['application/json']?.schema as JsonSchema | undefined;
    const dataSchema = (ok?.properties as Record<string, JsonSchema> | undefined)?.data;
    const dataRef = ((dataSchema?.anyOf as JsonSchema[] | undefined) ?? []).find(
      (s) => typeof s.$ref === 'string',
    )?.$ref;
    const paramsType = componentName(paramsRef, `${where}.requestBody`);
    const resultType = componentName(dataRef, `${where}.responses.200 data`);
    const echo = readEcho(op, where);
    checkEcho(bundle, service, echo, paramsType, resultType);
    services.push({
      service,
      operationId: String(op.operationId),
      path,
      retry,
      resource: sdk.resource,
      method: sdk.method,
      summary: String(op.summary ?? ''),
      description: String(op.description ?? ''),
      paramsType,
      resultType,
      ...(sdk.pagination ? { pagination: sdk.pagination } : {}),
      echo,
      moneyFields: moneyFieldsOf(bundle, service, paramsType),
      resultFields: [...topLevelProperties(bundle, resultType)],
    });
  }
  return services;
}
