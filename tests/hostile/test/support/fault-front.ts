// A hostile network in front of the mock gateway, for the exactly-once matrix: an HTTP front on 127.0.0.1 that
// forwards to the mock and, for /api/v2/pay, can misbehave at a chosen point of the exchange. Also the places a
// request can fail before it is written: a port where nothing listens, a listener whose accept queue is full (the
// TCP connect never completes), and a TLS port that resets the handshake.
import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { closeServer, listenOnLoopback, readRequestBody } from './loopback-server.js';

export type FrontMode =
  /** Forward untouched. */
  | 'forward'
  /** Read the whole request, do not forward it, reset the connection. */
  | 'reset-after-write'
  /** Forward, let the mock answer (it processed the request), then fail the client's socket with EHOSTUNREACH, as an ICMP error arriving after delivery would. */
  | 'unreachable-after-delivery';

export interface FaultFront {
  readonly url: string;
  mode: FrontMode;
  /** Resets (RST) every idle keep-alive connection the front holds with clients: their next request meets a dead socket. */
  resetIdleConnections(): void;
  close(): Promise<void>;
}

// Client sockets by local port, from Node's own diagnostics channel: the only way to make one fail the way the
// kernel would report an ICMP error, since no real one can be had on loopback.
const clientSockets = new Set<Socket>();
const onClientSocket = (message: unknown) => {
  const socket = (message as { socket: Socket }).socket;
  clientSockets.add(socket);
  socket.once('close', () => clientSockets.delete(socket));
};

function failClientSocket(localPort: number | undefined): void {
  for (const socket of clientSockets) {
    if (socket.localPort === localPort) {
      socket.destroy(
        Object.assign(new Error('read EHOSTUNREACH'), { code: 'EHOSTUNREACH', errno: -113, syscall: 'read' }),
      );
    }
  }
}

function forward(
  target: string,
  request: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${target}${request.url}`,
      { method: request.method, headers: { ...request.headers, host: new URL(target).host } },
      (answer) => {
        readRequestBody(answer).then(
          (bytes) =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers as Record<string, string>,
              body: bytes,
            }),
          reject,
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function startFaultFront(target: string): Promise<FaultFront> {
  subscribe('net.client.socket', onClientSocket);
  const idle = new Set<Socket>();
  const front = { mode: 'forward' as FrontMode };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    idle.delete(request.socket);
    // Whatever breaks between the front and the mock (the mock dropping or cutting off an answer) reaches the client
    // as the same break: its connection is destroyed.
    handle(request, response).catch(() => request.socket.destroy());
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    const mode = request.url === '/api/v2/pay' ? front.mode : 'forward';
    if (mode === 'reset-after-write') {
      request.socket.resetAndDestroy();
      return;
    }
    const answer = await forward(target, request, body);
    if (mode === 'unreachable-after-delivery') {
      failClientSocket(request.socket.remotePort);
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body, () => idle.add(request.socket));
  }
  server.on('connection', (socket: Socket) => socket.once('close', () => idle.delete(socket)));
  const url = await listenOnLoopback(server);
  return {
    url,
    get mode() {
      return front.mode;
    },
    set mode(mode: FrontMode) {
      front.mode = mode;
    },
    resetIdleConnections() {
      for (const socket of idle) socket.resetAndDestroy();
      idle.clear();
    },
    async close() {
      unsubscribe('net.client.socket', onClientSocket);
      await closeServer(server);
    },
  };
}

export interface BlackHole {
  readonly url: string;
  close(): void;
}

/**
 * A loopback port whose listener never accepts (its process is blocked) and whose accept queue is full: the kernel
 * drops new SYNs, so a TCP connect hangs until the client gives up — a connect timeout, with nothing sent.
 */
export async function startBlackHole(): Promise<BlackHole> {
  const script =
    "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () {" +
    " process.stdout.write(this.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)); })";
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    child.once('exit', () => reject(new Error('the black-hole listener exited')));
  });
  // Fill the accept queue; connects beyond it hang (they are not waited for).
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}

/** A port that accepts TCP and resets the connection as soon as the TLS ClientHello arrives: nothing was written. */
export async function startHandshakeReset(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  const http = await listenOnLoopback(server as never);
  return { url: http.replace('http:', 'https:'), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A front that closes each keep-alive connection `idleMs` after its last answer, the way a load balancer's idle
 * timeout does, and announces nothing (no `Keep-Alive: timeout=` hint): a client that sends at that moment meets a
 * socket the server is closing — the keep-alive race.
 */
export async function startIdleClosingFront(
  target: string,
  idleMs: number,
): Promise<{ url: string; closedIdle: () => number; close(): Promise<void> }> {
  let closedIdle = 0;
  const server = createServer((request, response) => {
    clearTimeout(idleTimers.get(request.socket));
    handle(request, response).catch(() => request.socket.destroy());
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    const answer = await forward(target, request, body);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body, () => {
      idleTimers.set(
        request.socket,
        setTimeout(() => {
          closedIdle++;
          // A full close, as Node's own server does on its keep-alive timeout: a request that arrives after it is
          // never read (the kernel answers it with a reset).
          request.socket.destroy();
        }, idleMs),
      );
    });
  }
  const idleTimers = new WeakMap<Socket, NodeJS.Timeout>();
  // No server-side idle timeout of Node's own (it would announce itself in a Keep-Alive header).
  server.keepAliveTimeout = 0;
  const url = await listenOnLoopback(server);
  return { url, closedIdle: () => closedIdle, close: () => closeServer(server) };
}
