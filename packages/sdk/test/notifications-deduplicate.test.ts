// The `deduplicate` option of notifications.handler(): the contract with a deduplicator, shown with the in-memory one
// the README gives (the Redis one, shared by processes, is tested in packages/redis).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { notificationKey } from '../src/notifications.js';
import {
  ConfigurationError,
  type NotificationDeduplicator,
  type NotificationErrorStage,
  type PaymentOrderStatusEvent,
} from '../src/index.js';
import { useMockClient } from './support/mock-client.js';

/** The README's in-memory deduplicator, for one process. */
function memoryDeduplicator(): NotificationDeduplicator & { keys: string[] } {
  const done = new Set<string>();
  const running = new Set<string>();
  const keys: string[] = [];
  return {
    keys,
    claim(key) {
      keys.push(key);
      if (done.has(key)) return { status: 'done' };
      if (running.has(key)) return { status: 'busy' };
      running.add(key);
      return {
        status: 'claimed',
        complete: () => {
          running.delete(key);
          done.add(key);
        },
        release: () => void running.delete(key),
      };
    },
  };
}

describe('notifications.handler(listener, { deduplicate })', () => {
  const env = useMockClient();
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  }

  it('runs the listener once: a duplicate is acknowledged {"code":0} without running it', async () => {
    const events: PaymentOrderStatusEvent[] = [];
    const deduplicate = memoryDeduplicator();
    const url = await serve(env.codepay.notifications.handler((event) => void events.push(event), { deduplicate }));
    const first = await env.mock.sendNotification(url, { order_sn: 'D-1', status: 'Paid' });
    const second = await env.mock.sendNotification(url, { order_sn: 'D-1', status: 'Paid' });
    const another = await env.mock.sendNotification(url, { order_sn: 'D-1', status: 'RefundSubmitted' });
    expect([first, second, another].map((a) => [a.status, a.body])).toEqual(Array(3).fill([200, { code: 0 }]));
    expect(events.map((e) => e.status)).toEqual(['Paid', 'RefundSubmitted']);
    // The key is a hash: the same for the same change, another for another status, never the content.
    expect(deduplicate.keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicate.keys[1]).toBe(deduplicate.keys[0]);
    expect(deduplicate.keys[2]).not.toBe(deduplicate.keys[0]);
  });

  it('one being handled elsewhere is answered 503 (the platform delivers it again) and its listener is not run', async () => {
    let calls = 0;
    const busy: NotificationDeduplicator = { claim: () => ({ status: 'busy' }) };
    const url = await serve(env.codepay.notifications.handler(() => void calls++, { deduplicate: busy }));
    const answer = await env.mock.sendNotification(url, { order_sn: 'D-2' });
    expect(answer).toMatchObject({ status: 503, body: { code: 503 } });
    expect(calls).toBe(0);
  });

  it('a listener that throws releases its claim: the next delivery runs it again', async () => {
    let attempts = 0;
    const deduplicate = memoryDeduplicator();
    const url = await serve(
      env.codepay.notifications.handler(
        () => {
          if (++attempts === 1) throw new Error('database down');
        },
        { deduplicate },
      ),
    );
    const failed = await env.mock.sendNotification(url, { order_sn: 'D-3', status: 'Paid' });
    const retried = await env.mock.sendNotification(url, { order_sn: 'D-3', status: 'Paid' });
    const duplicate = await env.mock.sendNotification(url, { order_sn: 'D-3', status: 'Paid' });
    expect([failed.status, retried.status, duplicate.status]).toEqual([500, 200, 200]);
    expect(attempts).toBe(2);
  });

  it('a claim that throws is answered 503 and reported to onError with stage "deduplicate"; the listener is not run', async () => {
    const failure = new Error('store unreachable');
    const reported: Array<[unknown, NotificationErrorStage]> = [];
    let calls = 0;
    const url = await serve(
      env.codepay.notifications.handler(() => void calls++, {
        deduplicate: { claim: async () => Promise.reject(failure) },
        onError: (error, { stage }) => void reported.push([error, stage]),
      }),
    );
    const answer = await env.mock.sendNotification(url, { order_sn: 'D-4' });
    expect(answer.status).toBe(503);
    expect(calls).toBe(0);
    expect(reported).toEqual([[failure, 'deduplicate']]);
  });

  it('a complete() or release() that throws does not change the answer (the listener decided it)', async () => {
    const throwing: NotificationDeduplicator = {
      claim: () => ({
        status: 'claimed',
        complete: () => Promise.reject(new Error('lost')),
        release: () => Promise.reject(new Error('lost')),
      }),
    };
    const ok = await serve(env.codepay.notifications.handler(() => {}, { deduplicate: throwing }));
    const failing = await serve(
      env.codepay.notifications.handler(() => Promise.reject(new Error('x')), { deduplicate: throwing }),
    );
    expect((await env.mock.sendNotification(ok, { order_sn: 'D-5' })).status).toBe(200);
    expect((await env.mock.sendNotification(failing, { order_sn: 'D-5' })).status).toBe(500);
  });

  it('refuses a deduplicate option without claim(), naming the option', () => {
    for (const value of [{}, 'redis', null]) {
      const error = (() => {
        try {
          env.codepay.notifications.handler(() => {}, { deduplicate: value as never });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/deduplicate.*claim\(key\)/);
    }
  });

  it('the key covers the appId and the identifying fields, not the rest of the event', () => {
    const event = {
      order_sn: 'K-1',
      platform_order_sn: 'SS1',
      status: 'Paid',
      requestTime: '2024-01-01 00:00:00.000+0000',
    } as PaymentOrderStatusEvent;
    const key = notificationKey('app_1', event);
    expect(notificationKey('app_1', { ...event, description: 'other text' })).toBe(key);
    expect(notificationKey('app_2', event)).not.toBe(key);
    expect(notificationKey('app_1', { ...event, requestTime: '2024-01-01 00:00:01.000+0000' })).not.toBe(key);
    expect(notificationKey('app_1', { ...event, status: 'Failed' })).not.toBe(key);
  });
});
