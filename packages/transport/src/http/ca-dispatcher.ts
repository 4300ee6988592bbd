// A connection pool that trusts extra CA certificates, for the global fetch.
//
// Node's fetch is undici, bundled inside Node; it takes a `dispatcher` to configure TLS. Depending on the undici
// npm package for its Agent would add ~400 KB to every install and risk a version that does not match Node's own
// fetch, so the Agent class is taken from Node's bundled undici itself: undici registers its global dispatcher
// under a well-known symbol that the npm package also uses for interoperability.
import { ConfigurationError } from '../errors.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface UndiciAgent {
  close(): Promise<void>;
}
type AgentConstructor = new (options: { connect: { ca: ReadonlyArray<string | Buffer> } }) => UndiciAgent;

async function bundledAgentClass(): Promise<AgentConstructor | undefined> {
  const holder = globalThis as Record<symbol, unknown>;
  // The global dispatcher is created by the first fetch; a data: URL makes one without any network traffic.
  if (!holder[GLOBAL_DISPATCHER]) await fetch('data:,');
  const dispatcher = holder[GLOBAL_DISPATCHER] as { constructor?: unknown } | undefined;
  return typeof dispatcher?.constructor === 'function' ? (dispatcher.constructor as AgentConstructor) : undefined;
}

export async function createCaDispatcher(ca: ReadonlyArray<string | Buffer>): Promise<UndiciAgent> {
  const Agent = await bundledAgentClass();
  if (!Agent) {
    throw new ConfigurationError(
      "cannot be applied: this runtime's fetch exposes no connection pool to configure. Pass a `fetch` that trusts your CA instead.",
      { option: 'ca' },
    );
  }
  return new Agent({ connect: { ca } });
}
