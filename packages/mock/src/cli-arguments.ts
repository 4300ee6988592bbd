// The command line of `codepay-mock`, parsed into gateway options. Kept apart from cli.ts (which runs on import) so
// it can be tested on its own.

import { parseArgs } from 'node:util';
import { UNKNOWN_RECORDS_MODES, type UnknownRecords } from './merchant-state.js';
import { checkNotifyUrl, retryDelays, type NotifyRetry } from './webhooks.js';

/** The CLI's port when none is given: where `createCodePay({ environment: 'local' })` looks for the mock. */
export const DEFAULT_CLI_PORT = 4010;

export const USAGE = `Usage: codepay-mock [options]

Starts a local CodePay gateway that speaks the encrypted, signed envelope.

Options:
  --port <n>          TCP port (default 4010, where the SDK's environment 'local' looks; 0 picks a free port)
  --host <host>       interface to listen on (default 127.0.0.1)
  --keys-out <file>   write the merchant account's keys as JSON (dashboard format) to <file>
  --keys <file>       use the keys in <file> (a JSON file written by --keys-out) instead of fresh ones
  --dynamic           answer with data generated from the schemas instead of the static examples
  --unknown-records <mode>
                      a payer or order the mock never created: 'not-found' (default; business failure P0404 or
                      P0405) or 'examples' (answered with the spec's example data)
  --seed <s>          seed of the generated data, so runs repeat (with --dynamic)
  --token-ttl <s>     access-token lifetime in seconds (default 7200)
  --latency <ms>      delay added before every answer (default 0)
  --notify-url <url>  POST every order status change to <url> as the signed, encrypted PaymentOrderStatus
                      notification, retried until it answers {"code":0} (at most 10 attempts)
  --notify-retry <s>  the waits between attempts: 'standard' (default: 15s, 30s, 1m, 2m, 5m, 10m, 30m, 1h, 2h),
                      'fast' (50ms, 100ms, 200ms, 400ms, 800ms, then 1s) or milliseconds, e.g. 100,500,1000
  -h, --help          print this help
`;

export interface CliArguments {
  help: boolean;
  port: number;
  host: string;
  keysOut?: string;
  keysIn?: string;
  dynamic: boolean;
  unknownRecords?: UnknownRecords;
  seed?: string;
  tokenTtlSeconds?: number;
  latencyMs?: number;
  notifyUrl?: string;
  notifyRetry?: NotifyRetry;
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

function integerOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min) {
    throw new CliUsageError(`--${name} must be an integer of at least ${min}; received "${value}".`);
  }
  return Number(value);
}

function unknownRecordsOption(value: string | undefined): UnknownRecords | undefined {
  if (value === undefined) return undefined;
  const mode = UNKNOWN_RECORDS_MODES.find((known) => known === value);
  if (!mode)
    throw new CliUsageError(`--unknown-records must be ${UNKNOWN_RECORDS_MODES.join(' or ')}; received "${value}".`);
  return mode;
}

function notifyUrlOption(value: string | undefined): string | undefined {
  try {
    return checkNotifyUrl(value, '--notify-url');
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

function notifyRetryOption(value: string | undefined): NotifyRetry | undefined {
  if (value === undefined) return undefined;
  if (value === 'standard' || value === 'fast') return value;
  const waits = value.split(',').map((part) => part.trim());
  if (!waits.every((part) => /^[0-9]+$/.test(part))) {
    throw new CliUsageError(
      `--notify-retry must be standard, fast, or waits in milliseconds such as 100,500,1000; received "${value}".`,
    );
  }
  try {
    return retryDelays(waits.map(Number));
  } catch (error) {
    throw new CliUsageError((error as Error).message.replace('notifyRetry', '--notify-retry'));
  }
}

export function parseCliArguments(argv: readonly string[]): CliArguments {
  const parse = () =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'keys-out': { type: 'string' },
        keys: { type: 'string' },
        dynamic: { type: 'boolean' },
        'unknown-records': { type: 'string' },
        seed: { type: 'string' },
        'token-ttl': { type: 'string' },
        latency: { type: 'string' },
        'notify-url': { type: 'string' },
        'notify-retry': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse());
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const port = integerOption(values.port, 'port', 0) ?? DEFAULT_CLI_PORT;
  if (port > 65535) throw new CliUsageError(`--port must be at most 65535; received ${port}.`);
  const tokenTtlSeconds = integerOption(values['token-ttl'], 'token-ttl', 1);
  const latencyMs = integerOption(values.latency, 'latency', 0);
  const unknownRecords = unknownRecordsOption(values['unknown-records']);
  const notifyUrl = notifyUrlOption(values['notify-url']);
  const notifyRetry = notifyRetryOption(values['notify-retry']);
  return {
    help: values.help ?? false,
    port,
    host: values.host ?? '127.0.0.1',
    dynamic: values.dynamic ?? false,
    ...(values['keys-out'] === undefined ? {} : { keysOut: values['keys-out'] }),
    ...(values.keys === undefined ? {} : { keysIn: values.keys }),
    ...(unknownRecords === undefined ? {} : { unknownRecords }),
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    ...(tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(notifyUrl === undefined ? {} : { notifyUrl }),
    ...(notifyRetry === undefined ? {} : { notifyRetry }),
  };
}
