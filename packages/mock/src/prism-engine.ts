// Prism, in process, on the plaintext. The gateway has already verified and decrypted the envelope; Prism then
// validates the business parameters against the service's virtual operation (`/services/<service>`, found by its
// `x-service`) and mocks its 200 answer, so the mock's idea of a valid request and a plausible answer is the spec's.

import type { IHttpConfig, createInstance, getHttpOperationsFromSpec } from '@stoplight/prism-http';
import { openapiDocument } from './gen/openapi-document.gen.js';
import type { MockPreferences } from './prefer-header.js';

type HttpOperation = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>[number];
type PrismInstance = ReturnType<typeof createInstance>;

export type PrismOutcome =
  /** `data` of the mocked success payload. */
  | { kind: 'mocked'; data: unknown }
  /** Prism's validation messages, each naming the field (e.g. "bizContent property currency must match …"). */
  | { kind: 'invalid-params'; messages: string[] }
  /** Prism could not produce an answer (e.g. `Prefer: example=<key>` names no example). */
  | { kind: 'prism-error'; detail: string };

export interface PrismEngineOptions {
  dynamic: boolean;
  /** Seed of the generated data; the n-th call of a service with a given seed always gets the same data. */
  seed: string;
}

const VIRTUAL_PATH_PREFIX = '/services/';

interface LoadedPrism {
  prism: PrismInstance;
  operations: readonly HttpOperation[];
}

let loading: Promise<LoadedPrism> | undefined;

/**
 * Prism and the spec's operations as Prism sees them, loaded once per process and only when a gateway starts:
 * Prism takes about two seconds to import and dereferencing the spec ~70 ms, which importing `@codepay/mock` for
 * its types, or running `codepay-mock --help`, should not pay. The document is cloned because the dereferencer
 * resolves `$ref`s in place and `openapiDocument` is a shared module constant.
 */
function loadPrism(): Promise<LoadedPrism> {
  loading ??= (async () => {
    const [{ createInstance, getHttpOperationsFromSpec }, { createLogger }] = await Promise.all([
      import('@stoplight/prism-http'),
      import('@stoplight/prism-core'),
    ]);
    const operations = await getHttpOperationsFromSpec(structuredClone(openapiDocument));
    operations.forEach(answerWithSuccessOnly);
    // Prism logs every request at info level with its body: the decrypted business parameters. Keep it silent.
    const prism = createInstance(requestConfig(false, undefined, {}), {
      logger: createLogger('codepay-mock', { level: 'silent' }),
    });
    return { prism, operations };
  })();
  return loading;
}

/**
 * A virtual operation's 200 schema says `data` is the result *or null* (null on a business failure). Generated data
 * would then sometimes be `null`, which is not a success; business failures are the `business-error` scenario's
 * job. So the mock keeps only the non-null branch of `data`.
 */
function answerWithSuccessOnly(operation: HttpOperation): void {
  if (!operation.path.startsWith(VIRTUAL_PATH_PREFIX)) return;
  for (const response of operation.responses) {
    for (const content of response.contents ?? []) {
      const data = (content.schema as { properties?: { data?: { anyOf?: Array<{ type?: unknown }> } } } | undefined)
        ?.properties?.data;
      const success = data?.anyOf?.find((branch) => branch.type !== 'null');
      if (data && success) {
        delete data.anyOf;
        Object.assign(data, success);
      }
    }
  }
}

function requestConfig(dynamic: boolean, seed: string | undefined, preferences: MockPreferences): IHttpConfig {
  return {
    mock: {
      dynamic,
      ...(seed === undefined ? {} : { seed }),
      ...(preferences.code === undefined ? {} : { code: preferences.code }),
      ...(preferences.exampleKey === undefined ? {} : { exampleKey: preferences.exampleKey }),
    },
    // The gateway checks the bearer token itself; the virtual operations inherit a security requirement that
    // Prism would otherwise enforce on a request that has no Authorization header.
    checkSecurity: false,
    validateRequest: true,
    validateResponse: false,
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
  };
}

function serviceOf(operation: HttpOperation): string | undefined {
  const service = (operation as { extensions?: Record<string, unknown> }).extensions?.['x-service'];
  return typeof service === 'string' ? service : undefined;
}

interface ProblemJson {
  name?: string;
  message?: string;
  status?: number;
  detail?: string;
  additional?: { validation?: Array<{ message?: string }> };
}

export class PrismEngine {
  readonly #prism: PrismInstance;
  readonly #operations: HttpOperation[];
  readonly #byService: ReadonlyMap<string, HttpOperation>;
  readonly #options: PrismEngineOptions;
  readonly #callsByService = new Map<string, number>();

  private constructor({ prism, operations }: LoadedPrism, options: PrismEngineOptions) {
    this.#prism = prism;
    this.#operations = [...operations];
    this.#options = options;
    this.#byService = new Map(
      operations.flatMap((operation) => {
        const service = serviceOf(operation);
        return service ? [[service, operation] as const] : [];
      }),
    );
  }

  static async create(options: PrismEngineOptions): Promise<PrismEngine> {
    return new PrismEngine(await loadPrism(), options);
  }

  /** The services the spec's virtual operations name, in the spec's order. */
  get services(): string[] {
    return [...this.#byService.keys()];
  }

  /** Whether a virtual operation has `x-service: <service>` (case-sensitive, like the gateway's). */
  hasService(service: string): boolean {
    return this.#byService.has(service);
  }

  async mock(service: string, params: unknown, preferences: MockPreferences = {}): Promise<PrismOutcome> {
    const operation = this.#byService.get(service);
    if (!operation) throw new Error(`no virtual operation has x-service "${service}"`);
    const dynamic = preferences.dynamic ?? this.#options.dynamic;
    const call = (this.#callsByService.get(service) ?? 0) + 1;
    this.#callsByService.set(service, call);
    const seed = `${this.#options.seed}/${service}/${call}`;
    const request = {
      method: 'post' as const,
      url: { path: operation.path },
      headers: { 'content-type': 'application/json' },
      body: params,
    };
    // A fresh config per request: Prism's mocker writes negotiated media types into the config it is given.
    const result = await this.#prism.request(request, this.#operations, requestConfig(dynamic, seed, preferences))();
    if (result._tag === 'Left') return PrismEngine.#fromProblem(result.left as ProblemJson);
    const body = result.right.output.body as { data?: unknown } | undefined;
    if (body === null || typeof body !== 'object' || !('data' in body) || body.data === undefined) {
      return { kind: 'prism-error', detail: 'the mocked response has no data' };
    }
    return { kind: 'mocked', data: body.data };
  }

  static #fromProblem(problem: ProblemJson): PrismOutcome {
    const validation = problem.additional?.validation;
    if (problem.status === 422 && Array.isArray(validation) && validation.length > 0) {
      // Prism says "Request body …"; for the merchant the request body is the bizContent.
      const messages = validation.map((issue) =>
        String(issue.message ?? 'is invalid').replace(/^Request body\b/, 'bizContent'),
      );
      return { kind: 'invalid-params', messages };
    }
    return { kind: 'prism-error', detail: problem.detail ?? problem.message ?? String(problem.name) };
  }
}
