// The parent side of the multi-process tests: forks worker.ts processes (each an SDK client with the Redis package)
// and talks to them over IPC — run N concurrent calls, flip the listener to failing, read what each one logged.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogFields } from '@codepay/transport';
import type { RedisNotificationDeduplicatorOptions, RedisTokenProviderOptions } from '../../src/index.js';

export interface WorkerConfig {
  mockUrl: string;
  clientKeys: { appId: string; merchantPrivateKey: string; platformPublicKey: string; aesKey: string };
  redisUrl: string;
  /** With redisTokenProvider (true) or the SDK's own per-process token (false). */
  shareTokens: boolean;
  tokenOptions?: RedisTokenProviderOptions;
  deduplicatorOptions?: RedisNotificationDeduplicatorOptions;
  /** How long the notification listener takes. */
  listenerMs?: number;
  /** The SDK client's log level (every line goes to the parent); default `debug`. */
  logLevel?: 'debug' | 'info' | 'warn';
}

export type ParentMessage =
  | { type: 'calls'; id: number; count: number }
  | { type: 'listener-fails'; id: number; value: boolean }
  | { type: 'exit' };

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: LogFields | undefined;
}

export type WorkerMessage =
  | ({ type: 'log' } & LogLine)
  | { type: 'ready'; notifyUrl: string }
  | { type: 'calls-done'; id: number; ok: number; failures: string[] }
  | { type: 'listener-fails-set'; id: number }
  | { type: 'listener'; orderSn: string; failing: boolean };

export interface Worker {
  readonly child: ChildProcess;
  readonly notifyUrl: string;
  readonly logs: LogLine[];
  /** Listener runs seen in this process. */
  readonly listenerRuns: Array<{ orderSn: string; failing: boolean }>;
  calls(count: number): Promise<{ ok: number; failures: string[] }>;
  setListenerFails(value: boolean): Promise<void>;
  /** Resolves with the first log line matching, now or later. */
  logged(pattern: RegExp): Promise<LogLine>;
  stop(): Promise<void>;
}

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
let nextId = 0;

export function startWorker(config: WorkerConfig): Promise<Worker> {
  const child = fork(workerFile, [], {
    execArgv: ['--import', tsx],
    env: { ...process.env, CODEPAY_WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const logs: LogLine[] = [];
  const listenerRuns: Worker['listenerRuns'] = [];
  const waiting = new Map<number, (message: WorkerMessage) => void>();
  const watchers: Array<{ pattern: RegExp; resolve: (line: LogLine) => void }> = [];
  const request = <T extends WorkerMessage>(message: ParentMessage & { id: number }) =>
    new Promise<T>((resolve, reject) => {
      waiting.set(message.id, resolve as (m: WorkerMessage) => void);
      child.send(message, (error) => error && reject(error));
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`worker exited before it was ready (${code ?? signal})`)));
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') {
        const { type: _type, ...line } = message;
        logs.push(line);
        for (const watcher of watchers.splice(0)) {
          if (watcher.pattern.test(line.message)) watcher.resolve(line);
          else watchers.push(watcher);
        }
      } else if (message.type === 'listener') {
        listenerRuns.push({ orderSn: message.orderSn, failing: message.failing });
      } else if (message.type === 'ready') {
        resolve({
          child,
          notifyUrl: message.notifyUrl,
          logs,
          listenerRuns,
          calls: async (count) => {
            const { ok, failures } = await request<Extract<WorkerMessage, { type: 'calls-done' }>>({
              type: 'calls',
              id: nextId++,
              count,
            });
            return { ok, failures };
          },
          setListenerFails: async (value) => void (await request({ type: 'listener-fails', id: nextId++, value })),
          logged: (pattern) =>
            new Promise((found) => {
              const line = logs.find((l) => pattern.test(l.message));
              if (line) found(line);
              else watchers.push({ pattern, resolve: found });
            }),
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((done) => child.once('exit', done));
            child.send({ type: 'exit' });
            await exited;
          },
        });
      } else {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      }
    });
  });
}

export async function startWorkers(count: number, config: WorkerConfig): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(config)));
}
