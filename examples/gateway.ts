// Where the examples send their calls. With CODEPAY_BASE_URL, CODEPAY_APP_ID, CODEPAY_MERCHANT_PRIVATE_KEY,
// CODEPAY_PLATFORM_PUBLIC_KEY and CODEPAY_AES_KEY set, a real gateway; otherwise a mock gateway started on
// 127.0.0.1 with fresh keys, so every example runs anywhere without credentials.
import { startMockGateway, type MockGateway } from '@codepay/mock';
import { createCodePay, type CodePay } from '@codepay/sdk';

export interface ExampleGateway {
  client: CodePay;
  /** The mock gateway, when the example runs against one. */
  mock: MockGateway | undefined;
  close(): Promise<void>;
}

export async function connect(): Promise<ExampleGateway> {
  const env = process.env;
  if (env.CODEPAY_BASE_URL) {
    const client = createCodePay({
      baseUrl: env.CODEPAY_BASE_URL,
      appId: env.CODEPAY_APP_ID ?? '',
      merchantPrivateKey: env.CODEPAY_MERCHANT_PRIVATE_KEY ?? '',
      platformPublicKey: env.CODEPAY_PLATFORM_PUBLIC_KEY ?? '',
      aesKey: env.CODEPAY_AES_KEY ?? '',
    });
    return { client, mock: undefined, close: async () => {} };
  }
  // poll-order and refund use the spec's example order, which a fresh mock never created: answer it from the examples.
  const mock = await startMockGateway({ unknownRecords: 'examples' });
  const client = createCodePay({ baseUrl: mock.url, ...mock.clientKeys });
  return { client, mock, close: () => mock.close() };
}

/** Runs an example and exits non-zero with the error's name and message if it fails. */
export function run(example: (gateway: ExampleGateway) => Promise<void>): void {
  connect()
    .then(async (gateway) => {
      try {
        await example(gateway);
      } finally {
        await gateway.close();
      }
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
      process.exitCode = 1;
    });
}
