// The pipeline packaged as a `fetch`, for hey-api's generated client: a POST to `/services/<service>` with the
// plaintext params as its JSON body goes out as the `/api/v2/pay` envelope, and comes back as a 200 whose JSON is
// the verified business payload `{status, errorCode, errorMessage, data}` (the virtual operation's response).
// Failures are thrown as the typed errors, exactly as `client.call` throws them.
import { services, type ServiceName } from '@codepay/models';
import type { FetchFunction, TransportOptions } from './config.js';
import { createEnvelopeClient, type EnvelopeClient } from './envelope-client.js';
import { ValidationError } from './errors.js';

const VIRTUAL_PATH = /\/services\/([A-Za-z0-9]+)$/;

/** Response header carrying the gateway's request id of the call. */
export const PSN_HEADER = 'x-codepay-psn';

export function createEnvelopeFetch(clientOrOptions: EnvelopeClient | TransportOptions): FetchFunction {
  const client = 'call' in clientOrOptions ? clientOrOptions : createEnvelopeClient(clientOrOptions);
  return async (input, init) => {
    const request = new Request(input, init);
    const service = VIRTUAL_PATH.exec(new URL(request.url).pathname)?.[1];
    if (service === undefined || !Object.hasOwn(services, service)) {
      throw new ValidationError(`No CodePay service at ${new URL(request.url).pathname}, nothing was sent`, {
        issues: [
          {
            path: '',
            message: `the path must be /services/<service>, one of ${Object.keys(services).join(', ')}`,
            keyword: 'service',
          },
        ],
      });
    }
    let params: unknown;
    try {
      params = JSON.parse(await request.text());
    } catch {
      throw new ValidationError(`The ${service} body is not JSON, nothing was sent`, {
        service,
        issues: [{ path: '', message: 'must be a JSON object' }],
      });
    }
    const extra: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (name.startsWith('x-') || name === 'prefer') extra[name] = value;
    });
    const { data, psn } = await client.call(service as ServiceName, params as never, {
      signal: request.signal,
      headers: extra,
    });
    return new Response(JSON.stringify({ status: 0, errorCode: null, errorMessage: null, data }), {
      status: 200,
      headers:
        psn === undefined
          ? { 'content-type': 'application/json' }
          : { 'content-type': 'application/json', [PSN_HEADER]: psn },
    });
  };
}
