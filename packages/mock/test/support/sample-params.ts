// Valid parameters for every service: the first request example of each service's params schema in the spec, so a
// new service needs no entry here.
import { services, type ServiceName, type ServiceParams } from '@codepay/models';
import { openapiDocument } from '../../src/gen/openapi-document.gen.js';

const schemas = (openapiDocument.components as { schemas: Record<string, { examples?: unknown[] }> }).schemas;

function requestExample<S extends ServiceName>(service: S): ServiceParams<S> {
  const example = schemas[`${service[0]!.toUpperCase()}${service.slice(1)}Params`]?.examples?.[0];
  if (example === undefined) throw new Error(`the spec has no request example for ${service}`);
  return example as ServiceParams<S>;
}

export const sampleParams = Object.fromEntries(
  Object.keys(services).map((service) => [service, requestExample(service as ServiceName)]),
) as {
  readonly [S in ServiceName]: ServiceParams<S>;
};
