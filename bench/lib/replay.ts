// Starts a replay server (replay-server.ts) in a child process and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReplayMessage, ReplayReply, ReplayRoute } from './replay-server.js';

export type { ReplayRoute } from './replay-server.js';

/** The tsx loader, resolved from this file so it does not depend on the working directory. */
export const TSX_LOADER = import.meta.resolve('tsx');

export interface ReplayServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  readonly pid: number;
  /** CPU microseconds (user + system) the server process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

function nextReply<T extends ReplayReply['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<ReplayReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ReplayReply) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ReplayReply, { type: T }>);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`replay server exited (code ${code}) before answering "${type}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startReplayServer(routes: Record<string, ReplayRoute>): Promise<ReplayServer> {
  const child = fork(fileURLToPath(new URL('./replay-server.ts', import.meta.url)), [], {
    execArgv: ['--import', TSX_LOADER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = nextReply(child, 'listening');
  child.send({ type: 'start', routes } satisfies ReplayMessage);
  const { port } = await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async cpuMicros() {
      const reply = nextReply(child, 'cpu');
      child.send({ type: 'cpu' } satisfies ReplayMessage);
      const { user, system } = await reply;
      return user + system;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' } satisfies ReplayMessage);
      await exited;
    },
  };
}

export const JSON_TYPE = 'application/json';
export const ALIPAY_JSON_TYPE = 'application/json;charset=utf-8';
