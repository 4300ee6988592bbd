// A replay server, run in a child process (see replay.ts): node:http on 127.0.0.1, keep-alive, answering each path
// with a precomputed body that the parent sent over IPC. It reads and discards the request body and does no crypto,
// so what it costs is the bare HTTP exchange; and being a separate process, its CPU time is not in the client's
// process.cpuUsage(). The parent can ask for this process's CPU time to report the server side separately.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayRoute {
  status: number;
  contentType: string;
  body: string;
}

export type ReplayMessage =
  | { type: 'start'; routes: Record<string, ReplayRoute> }
  | { type: 'cpu' }
  | { type: 'close' };

export type ReplayReply = { type: 'listening'; port: number } | { type: 'cpu'; user: number; system: number };

function start(routes: Record<string, ReplayRoute>): void {
  const answers = new Map(
    Object.entries(routes).map(([path, route]) => {
      const body = Buffer.from(route.body, 'utf8');
      const headers = { 'content-type': route.contentType, 'content-length': String(body.length) };
      return [path, { status: route.status, headers, body }] as const;
    }),
  );
  const notFound = Buffer.from('{"code":"E404","msg":"no such path in the replay server"}');
  const server = createServer({ keepAlive: true }, (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const answer = answers.get(query === -1 ? url : url.slice(0, query));
    req.resume();
    req.on('end', () => {
      if (answer) res.writeHead(answer.status, answer.headers).end(answer.body);
      else
        res
          .writeHead(404, { 'content-type': 'application/json', 'content-length': String(notFound.length) })
          .end(notFound);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies ReplayReply);
  });
  process.on('message', (message: ReplayMessage) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', user, system } satisfies ReplayReply);
    } else if (message.type === 'close') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
}

process.once('message', (message: ReplayMessage) => {
  if (message.type === 'start') start(message.routes);
});
// Exit with the parent, whatever happens to it.
process.on('disconnect', () => process.exit(0));
