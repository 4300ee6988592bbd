// A tiny node:http server on 127.0.0.1, port 0, that counts what reaches it: the stand-in for a hostile gateway
// (scripted answers), a listener that hangs up on every connection, and a closed port.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  readonly url: string;
  readonly server: Server;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** HTTP requests whose head arrived so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive sockets would otherwise hold the server (and the test process) open.
    server.closeAllConnections();
  });
}

export async function startLoopbackServer(listener?: RequestListener): Promise<LoopbackServer> {
  const counts = { connections: 0, requests: 0 };
  const server = createServer((request, response) => {
    counts.requests++;
    listener?.(request, response);
  });
  server.on('connection', () => counts.connections++);
  const url = await listenOnLoopback(server);
  return {
    url,
    server,
    get connections() {
      return counts.connections;
    },
    get requests() {
      return counts.requests;
    },
    close: () => closeServer(server),
  };
}

/** Accepts every connection and destroys it at once: the client's request never gets an answer. */
export async function startHangUpServer(): Promise<LoopbackServer> {
  const loopback = await startLoopbackServer();
  loopback.server.prependListener('connection', (socket: Socket) => socket.destroy());
  return loopback;
}

/** A loopback URL where nothing listens (a port that was free a moment ago): connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listenOnLoopback(server);
  await closeServer(server);
  return url;
}

export function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    // A peer that hangs up mid-body: settle instead of waiting for an 'end' that never comes.
    request.on('close', () => {
      if (!request.complete) reject(new Error('the connection closed before the whole body arrived'));
    });
  });
}

/** Writes `body` with an honest Content-Length. */
export function answer(
  response: ServerResponse,
  status: number,
  body: string | Uint8Array,
  contentType = 'application/json',
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length) });
  response.end(bytes);
}
