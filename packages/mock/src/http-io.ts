// The node:http edges: reading a request body and writing the gateway's answers. Handlers return an `Answer` value
// instead of writing to the socket, which keeps them free of HTTP plumbing and lets one place apply latency.

import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers?: Readonly<Record<string, string>> }
  | { kind: 'html'; status: number; html: string }
  /** Destroy the connection without answering (the `drop` scenario). */
  | { kind: 'drop' };

export interface ReceivedBody {
  text: string;
  /** The body was larger than the limit; `text` is empty. */
  tooLarge: boolean;
}

/**
 * Reads the whole body. Past `limitBytes` the rest is still read (and discarded) rather than the socket closed,
 * so the client gets an answer instead of a broken pipe.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      const tooLarge = size > limitBytes;
      resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge });
    });
    request.on('error', reject);
  });
}

export function writeAnswer(response: ServerResponse, answer: Answer): void {
  if (answer.kind === 'drop') {
    response.socket?.destroy();
    return;
  }
  const isJson = answer.kind === 'json';
  const payload = Buffer.from(isJson ? JSON.stringify(answer.body) : answer.html, 'utf8');
  response.writeHead(answer.status, {
    ...(isJson ? answer.headers : {}),
    'content-type': isJson ? JSON_CONTENT_TYPE : HTML_CONTENT_TYPE,
    'content-length': String(payload.length),
  });
  response.end(payload);
}

export function headerValue(request: { headers: IncomingMessage['headers'] }, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
