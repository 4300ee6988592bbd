// The gateway-and-client lifecycle shared by the fault test files: one hostile gateway per file, a client of it,
// and between tests a wait for stragglers so a request a test gave up on cannot take the next test's scenario.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ServiceName } from '@codepay/models';
import type { CodePay, RequestOptions } from '@codepay/sdk';
import { observeCall, type ObservedCall } from './call-observation.js';
import { startHostileGateway, type HostileGateway } from './hostile-gateway.js';
import { sampleParams } from './sample-params.js';

export interface FaultGateway {
  readonly gateway: HostileGateway;
  readonly codepay: CodePay;
  /** Calls `service` with its sample params. */
  call(service: ServiceName, options?: RequestOptions, client?: CodePay): Promise<unknown>;
  /** Runs a call and reports what reached the gateway. */
  observe(run: () => Promise<unknown>): Promise<ObservedCall>;
}

export function useFaultGateway(): FaultGateway {
  const state = {} as { gateway: HostileGateway; codepay: CodePay };
  beforeAll(async () => {
    state.gateway = await startHostileGateway();
    state.codepay = state.gateway.client();
  });
  afterEach(async () => {
    await state.gateway.proxy.idle();
    state.gateway.mock.clearScenarios();
  });
  afterAll(() => state.gateway.close());
  return {
    get gateway() {
      return state.gateway;
    },
    get codepay() {
      return state.codepay;
    },
    call: (service, options = {}, client = state.codepay) =>
      client.call(service, sampleParams(service) as never, options),
    observe: (run) => observeCall(state.gateway.proxy, run),
  };
}
