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
}

export interface RawAnswer {
  status: number;
  headers: AnswerHeaders;
  body: Uint8Array;
}

export interface HttpClient {
  exchange(request: HttpExchange): Promise<RawAnswer>;
}

/** Thrown by a client when the answer is larger than `maxBytes`; sendHttp turns it into a ResponseFormatError. */
export class AnswerTooLarge extends Error {
  constructor(readonly status: number) {
    super('answer too large');
  }
}

/** Thrown by a client when the exchange ran past `timeoutMs`. */
export class ExchangeTimedOut extends Error {
  constructor() {
    super('the exchange timed out');
  }
}

/** Thrown by a client when the caller's signal aborted the exchange. */
export class ExchangeAborted extends Error {
  constructor() {
    super('the exchange was aborted');
  }
}
