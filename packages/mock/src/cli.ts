// `codepay-mock`: runs the mock gateway until Ctrl-C. Prints the base URL (never key material; keys go to the
// --keys-out file only) and stops cleanly on SIGINT/SIGTERM, exiting 0.

import { readFileSync, writeFileSync } from 'node:fs';
import { CliUsageError, parseCliArguments, USAGE, type CliArguments } from './cli-arguments.js';
import type { MockGatewayKeys } from './keys.js';
import type { UnknownRecords } from './merchant-state.js';
import { startMockGateway, type MockGatewayOptions } from './server.js';

/** If closing hangs (it should not), exit anyway rather than ignore Ctrl-C. */
const FORCED_EXIT_AFTER_MS = 5000;

function gatewayOptions(args: CliArguments): MockGatewayOptions {
  return {
    port: args.port,
    host: args.host,
    dynamic: args.dynamic,
    ...(args.unknownRecords === undefined ? {} : { unknownRecords: args.unknownRecords }),
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds: args.tokenTtlSeconds }),
    ...(args.latencyMs === undefined ? {} : { latencyMs: args.latencyMs }),
    ...(args.notifyUrl === undefined ? {} : { notifyUrl: args.notifyUrl }),
    ...(args.notifyRetry === undefined ? {} : { notifyRetry: args.notifyRetry }),
    ...(args.keysIn === undefined ? {} : { keys: JSON.parse(readFileSync(args.keysIn, 'utf8')) as MockGatewayKeys }),
  };
}

function staticAnswers(unknownRecords: UnknownRecords): string {
  const unknown = unknownRecords === 'examples' ? 'answered from the examples' : 'not found';
  return `static examples from the spec; payers and orders it never created: ${unknown}`;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCliArguments(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const mock = await startMockGateway(gatewayOptions(args));
  if (args.keysOut) {
    // Owner-only: the file holds private keys.
    writeFileSync(args.keysOut, `${JSON.stringify(mock.keys, null, 2)}\n`, { mode: 0o600 });
  }
  const lines = [
    `CodePay mock gateway listening on ${mock.url}`,
    `  appId: ${mock.keys.appId}`,
    args.keysOut ? `  keys written to ${args.keysOut}` : '  keys: pass --keys-out <file> to save them',
    `  answers: ${args.dynamic ? `generated data (seed ${mock.seed})` : staticAnswers(args.unknownRecords ?? 'not-found')}`,
    `  dashboard: ${mock.url}/ (control API: ${mock.url}/sandbox/api)`,
    `  notifications: ${mock.notifyUrl ? `POSTed to ${mock.notifyUrl}` : 'recorded only; pass --notify-url <url> to deliver them'}`,
    '  press Ctrl-C to stop',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`${signal}: stopping\n`);
    setTimeout(() => process.exit(1), FORCED_EXIT_AFTER_MS).unref();
    mock.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`codepay-mock: close failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    process.stderr.write(`codepay-mock: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`codepay-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
