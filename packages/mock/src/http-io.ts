// The node:http edges: reading a request body and writing the gateway's answers. Handlers return an `Answer` value
// instead of writing to the socket, which keeps them free of HTTP plumbing and lets one place apply latency.

import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers?: Readonly<Record<string, string>> }
  | { kind: 'html'; status: number; html: string; headers?: Readonly<Record<string, string>> }
  /** A status and headers without a body (a CORS preflight's 204). */
  | { kind: 'empty'; status: number; headers?: Readonly<Record<string, string>> }
  /** Destroy the connection without answering (the `drop` scenario). */
  | { kind: 'drop' }
  /**
   * The JSON answer's status line, headers and full Content-Length, then only the first half of its body before the
   * connection is destroyed (the `commit-truncated` scenario).
   */
  | { kind: 'truncated'; status: number; body: unknown; headers?: Readonly<Record<string, string>> };

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
  if (answer.kind === 'empty') {
    response.writeHead(answer.status, { ...answer.headers, 'content-length': '0' });
    response.end();
    return;
  }
  const isHtml = answer.kind === 'html';
  const payload = Buffer.from(isHtml ? answer.html : JSON.stringify(answer.body), 'utf8');
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': isHtml ? HTML_CONTENT_TYPE : JSON_CONTENT_TYPE,
    'content-length': String(payload.length),
  });
  if (answer.kind !== 'truncated') {
    response.end(payload);
    return;
  }
  // Destroyed only once the half is handed to the kernel, so the client does receive it before the connection ends.
  response.write(payload.subarray(0, payload.length >> 1), () => response.socket?.destroy());
}

export function headerValue(request: { headers: IncomingMessage['headers'] }, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
