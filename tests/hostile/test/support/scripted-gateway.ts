// A hostile "gateway" on loopback that answers every request with whatever the test scripted: arbitrary bytes,
// honest truncations, or a body cut short on the wire. Clients use `tokenProvider: async () => 'x'`, so no token
// endpoint is involved and every request is a pay request.
import type { MockGatewayKeys } from '@codepay/mock';
import type { CodePay, CodePayOptions } from '@codepay/sdk';
import { createHostileClient } from './hostile-gateway.js';
import { answer, readRequestBody, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

export interface ScriptedAnswer {
  status: number;
  body: string | Uint8Array;
  /** `honest`: Content-Length matches the body. `cut-short`: Content-Length of `declaredLength`, then a hang-up. */
  delivery?: 'honest' | 'cut-short';
  declaredLength?: number;
}

export interface ScriptedGateway {
  readonly server: LoopbackServer;
  /** What every following request is answered with. */
  script(next: ScriptedAnswer): void;
  client(overrides?: Partial<CodePayOptions>): CodePay;
  close(): Promise<void>;
}

export async function startScriptedGateway(keys: MockGatewayKeys): Promise<ScriptedGateway> {
  let current: ScriptedAnswer = { status: 500, body: '' };
  const server = await startLoopbackServer((request, response) => {
    const scripted = current;
    // Read the request first, as a gateway would, so the answer never races the client's upload.
    void readRequestBody(request).then(() => {
      if (scripted.delivery !== 'cut-short') return answer(response, scripted.status, scripted.body);
      response.writeHead(scripted.status, {
        'content-type': 'application/json',
        'content-length': String(scripted.declaredLength),
      });
      response.write(scripted.body, () => response.socket?.destroy());
    });
  });
  return {
    server,
    script(next) {
      current = next;
    },
    client: (overrides = {}) =>
      createHostileClient({
        baseUrl: server.url,
        appId: keys.appId,
        merchantPrivateKey: keys.merchantPrivateKey,
        platformPublicKey: keys.platformPublicKey,
        aesKey: keys.aesKey,
        tokenProvider: async () => 'x',
        // Retries would only repeat the same scripted answer, after a backoff.
        maxRetries: 0,
        ...overrides,
      }),
    close: () => server.close(),
  };
}
