// Date-time params accept a `Date`, sent as the gateway's UTC `yyyy-MM-dd HH:mm:ss`. Text must already be in that
// format: the service's validator checks it, so `2024-01-01T00:00:00Z` is a ValidationError, never reinterpreted.
import { formatUtcDateTime, ValidationError } from '@codepay/transport';
import type { ServiceName } from '@codepay/models';
import { dateTimeFields } from './gen/resources.gen.js';

export function withDatesAsGatewayText(service: ServiceName, params: unknown): unknown {
  const fields =
    typeof service === 'string' && Object.hasOwn(dateTimeFields, service) ? dateTimeFields[service] : undefined;
  if (!fields || fields.length === 0 || typeof params !== 'object' || params === null) return params;
  const record = params as Record<string, unknown>;
  if (!fields.some((field) => record[field] instanceof Date)) return params;
  const copy: Record<string, unknown> = { ...record };
  for (const field of fields) {
    const value = copy[field];
    if (!(value instanceof Date)) continue;
    if (Number.isNaN(value.getTime())) {
      throw new ValidationError(`Invalid ${service} params, nothing was sent`, {
        service,
        issues: [{ path: `/${field}`, message: 'is an Invalid Date', keyword: 'format' }],
      });
    }
    copy[field] = formatUtcDateTime(value);
  }
  return copy;
}
