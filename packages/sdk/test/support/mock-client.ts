// A mock gateway and an SDK client configured for it, for the tests of one file: started before them, closed after.
import { afterAll, beforeAll } from 'vitest';
import { startMockGateway, type MockGateway, type MockGatewayOptions } from '@codepay/mock';
import { createCodePay, type CodePay } from '../../src/index.js';

export interface MockAndClient {
  mock: MockGateway;
  codepay: CodePay;
}

export function useMockClient(options: MockGatewayOptions = {}): MockAndClient {
  const holder = {} as MockAndClient;
  beforeAll(async () => {
    holder.mock = await startMockGateway(options);
    holder.codepay = createCodePay({ baseUrl: holder.mock.url, ...holder.mock.clientKeys, logLevel: 'silent' });
  });
  afterAll(() => holder.mock?.close());
  return holder;
}
