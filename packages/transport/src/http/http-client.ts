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
  /** Aborts the exchange: the caller's signal combined with the attempt's time limit. */
  signal: AbortSignal;
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
