// The one thing the transport needs from HTTP: POST a body and get the whole answer back, at most `maxBytes` of
// it. Two implementations: node:http/https with a keep-alive pool (the default), and any `fetch` the user passes.

/** The few header reads the pipeline makes (`Retry-After`, `Content-Length`). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

export interface HttpExchange {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The attempt's time limit, covering the whole exchange (connect, send, read the answer). */
  timeoutMs: number;
  /** The caller's signal, when there is one. */
  signal: AbortSignal | undefined;
  maxBytes: number;
  /**
   * Called once, at the moment the first byte of the request is handed to the network. Before it, the request
   * certainly never reached the server; after it, it may have.
   */
  onWritten?: (() => void) | undefined;
  /**
   * A state-changing call: on a reused keep-alive socket, hold the request back for one turn of the event loop and
   * send it on a fresh connection if the server closed the idle socket meanwhile (the keep-alive race).
   */
  unsafe?: boolean | undefined;
}

export interface RawAnswer {
  status: number;
  headers: AnswerHeaders;
  body: Uint8Array;
}

export interface HttpClient {
  exchange(request: HttpExchange): Promise<RawAnswer>;
  /** Ends the connection pool: open connections are closed, later exchanges fail without sending anything. */
  close?(): void;
}

/** Thrown by a client when the answer is larger than `maxBytes`; sendHttp turns it into a ResponseFormatError. */
export class AnswerTooLarge extends Error {
  constructor(readonly status: number) {
    super('answer too large');
  }
}

/**
 * Whether the request may have reached the server when an exchange failed, decided from the phase of the exchange
 * (never from an error code alone): `false` only when no byte of the request was handed to the network.
 * `undefined` when the client cannot tell (a user's `fetch`).
 */
export type MayHaveReached = boolean | undefined;

/** Thrown by a client when the exchange ran past `timeoutMs`. */
export class ExchangeTimedOut extends Error {
  constructor(readonly mayHaveReached: MayHaveReached) {
    super('the exchange timed out');
  }
}

/** Thrown by a client when the caller's signal aborted the exchange. */
export class ExchangeAborted extends Error {
  constructor(readonly mayHaveReached: MayHaveReached) {
    super('the exchange was aborted');
  }
}

/** Thrown by a client when the connection failed; `cause` is the network error. */
export class ExchangeFailed extends Error {
  constructor(
    readonly mayHaveReached: MayHaveReached,
    cause: unknown,
  ) {
    super('the exchange failed', { cause });
  }
}
