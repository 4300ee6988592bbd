// redisTokenProvider(): one access token per appId and gateway for every process that shares a Redis. The token is
// stored under a key named by both; a process that needs one first reads it; only the holder of a short lock
// (SET NX PX with a random owner, released by compare-and-delete) requests a new one with the client's own signed
// token request (context.fetchToken) and stores it for all. Tokens are renewed ahead of expiry by one process while
// the others keep using the current one; a token the gateway refused is removed for all (only if it is still that
// token). Without Redis, each process requests and keeps a token of its own, and the outage is logged.
import { randomBytes } from 'node:crypto';
import type { TokenRequestContext } from '@codepay/transport';
import { checkClient, checkMs, checkOptionsObject, checkPrefix } from './options.js';
import { DELETE_IF_EQUAL, RedisLink, RedisUnavailableError, type RedisScriptClient } from './redis-link.js';

export interface RedisTokenProviderOptions {
  /** Starts every key. Default `'codepay:'`. */
  prefix?: string;
  /** Milliseconds before expiry when one process renews the shared token. Default: 10% of its lifetime, at most 60 000. */
  refreshAhead?: number;
  /**
   * Milliseconds the token lock lives: the longest a process may take to request a token for all, and the longest a
   * process that died holding the lock keeps the others waiting. Default 10 000.
   */
  lockTtl?: number;
  /** Milliseconds a Redis command may take before Redis counts as unreachable. Default 1 000. */
  commandTimeout?: number;
  /** While Redis is unreachable, how often (milliseconds) to check whether it is back. Default 5 000. */
  probeInterval?: number;
}

/** A `tokenProvider` for `createCodePay()`. The SDK calls `invalidate` when the gateway refuses a token (signed). */
export interface RedisTokenProvider {
  getToken(context: TokenRequestContext): Promise<string>;
  invalidate(token: string): void;
}

const OPTION_NAMES = ['prefix', 'refreshAhead', 'lockTtl', 'commandTimeout', 'probeInterval'] as const;
/** Waiters for another process's token poll Redis after 10 ms, doubling up to 250 ms, each wait jittered. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 250;
/** In the refresh window, a process checks at most this often whether another one already renewed the token. */
const REFRESH_CHECK_MS = 250;

/** `[value, milliseconds to live]` of a key in one round trip (Redis's clock: no skew between hosts). */
const READ_WITH_TTL = `return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;
const TAKE_LOCK = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;
/** Stores the token and frees the lock, unless another process holds the lock now (ours expired). */
const STORE_AND_UNLOCK = `local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if holder then redis.call('DEL', KEYS[2]) end
return 1`;

interface HeldToken {
  token: string;
  /** The value as stored in Redis (compare-and-delete needs it); undefined for a token only this process has. */
  raw: string | undefined;
  /** `Date.now()` milliseconds. */
  expiresAt: number;
  refreshAt: number;
}

interface Slot {
  tokenKey: string;
  lockKey: string;
  held: HeldToken | undefined;
  obtaining: Promise<HeldToken> | undefined;
  refreshing: Promise<void> | undefined;
  nextRefreshCheck: number;
  /** The last token the gateway refused: never taken from Redis again. */
  refused: string | undefined;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pollDelay(attempt: number): number {
  const ceiling = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function parseShared(raw: unknown): { token: string; lifetimeMs: number } | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value = JSON.parse(raw) as { token?: unknown; lifetimeMs?: unknown };
    return typeof value.token === 'string' && typeof value.lifetimeMs === 'number'
      ? { token: value.token, lifetimeMs: value.lifetimeMs }
      : undefined;
  } catch {
    return undefined;
  }
}

export function redisTokenProvider(client: RedisScriptClient, options?: RedisTokenProviderOptions): RedisTokenProvider {
  const redis = checkClient(client, 'redisTokenProvider');
  const given = checkOptionsObject(options, OPTION_NAMES);
  const prefix = checkPrefix(given.prefix);
  const refreshAheadMs =
    given.refreshAhead === undefined ? undefined : checkMs(given.refreshAhead, 'refreshAhead', 0, 0);
  const lockTtlMs = checkMs(given.lockTtl, 'lockTtl', 10_000, 100);
  const link = new RedisLink(redis, {
    commandTimeoutMs: checkMs(given.commandTimeout, 'commandTimeout', 1_000, 1),
    probeIntervalMs: checkMs(given.probeInterval, 'probeInterval', 5_000, 10),
    whileDown: 'each process requests and keeps a token of its own',
    whenBack: 'the processes share one token again',
  });
  const slots = new Map<string, Slot>();

  const margin = (lifetimeMs: number) => refreshAheadMs ?? Math.min(60_000, lifetimeMs / 10);
  const held = (token: string, raw: string | undefined, lifetimeMs: number, remainingMs: number): HeldToken => {
    const expiresAt = Date.now() + remainingMs;
    return { token, raw, expiresAt, refreshAt: expiresAt - margin(lifetimeMs) };
  };

  function slotFor({ appId, baseUrl }: TokenRequestContext): Slot {
    const name = `${appId}@${baseUrl}`;
    let slot = slots.get(name);
    if (!slot) {
      // One hash tag for both keys: the scripts touching both work on Redis Cluster too.
      const base = `${prefix}{${name}}`;
      slot = {
        tokenKey: `${base}:token`,
        lockKey: `${base}:token-lock`,
        held: undefined,
        obtaining: undefined,
        refreshing: undefined,
        nextRefreshCheck: 0,
        refused: undefined,
      };
      slots.set(name, slot);
    }
    return slot;
  }

  async function fetchLocal(context: TokenRequestContext): Promise<HeldToken> {
    const { token, expiresAt } = await context.fetchToken();
    const remainingMs = expiresAt - Date.now();
    return held(token, undefined, remainingMs, remainingMs);
  }

  async function readShared(slot: Slot): Promise<HeldToken | undefined> {
    const [raw, ttl] = (await link.run(READ_WITH_TTL, [slot.tokenKey], [])) as [unknown, unknown];
    const value = parseShared(raw);
    if (!value || typeof ttl !== 'number' || ttl <= 0 || value.token === slot.refused) return undefined;
    return held(value.token, raw as string, value.lifetimeMs, ttl);
  }

  async function takeLock(slot: Slot): Promise<string | undefined> {
    const owner = randomBytes(16).toString('hex');
    return (await link.run(TAKE_LOCK, [slot.lockKey], [owner, lockTtlMs])) === 1 ? owner : undefined;
  }

  /** With the lock: request the token for every process and store it (or find that another process just did). */
  async function refreshUnderLock(slot: Slot, context: TokenRequestContext, owner: string): Promise<HeldToken> {
    let unlocked = false;
    try {
      const stored = await readShared(slot);
      if (stored && Date.now() < stored.refreshAt && stored.raw !== slot.held?.raw) return stored;
      context.logger.debug('token lock taken: requesting the token for every process', { lockTtlMs });
      const { token, expiresAt } = await context.fetchToken();
      const lifetimeMs = expiresAt - Date.now();
      const raw = JSON.stringify({ token, lifetimeMs });
      try {
        unlocked =
          (await link.run(
            STORE_AND_UNLOCK,
            [slot.tokenKey, slot.lockKey],
            [owner, raw, Math.max(1, Math.floor(lifetimeMs))],
          )) === 1;
      } catch {
        // Redis went away with the token in hand: this process uses it; the outage is logged.
        return held(token, undefined, lifetimeMs, lifetimeMs);
      }
      context.logger.debug(
        unlocked
          ? 'token stored in Redis for every process'
          : 'token lock expired before the token came; used by this process only',
      );
      return held(token, unlocked ? raw : undefined, lifetimeMs, lifetimeMs);
    } finally {
      if (!unlocked) void link.run(DELETE_IF_EQUAL, [slot.lockKey], [owner]).catch(() => {});
    }
  }

  async function obtainShared(slot: Slot, context: TokenRequestContext): Promise<HeldToken> {
    // A process that died holding the lock frees it within lockTtl; twice that, and this one stops waiting.
    const giveUpAt = Date.now() + 2 * lockTtlMs;
    for (let attempt = 0; ; attempt++) {
      const stored = await readShared(slot);
      if (stored && Date.now() < stored.refreshAt) return stored;
      const owner = await takeLock(slot);
      if (owner !== undefined) return refreshUnderLock(slot, context, owner);
      // Another process is renewing it: a token still valid is used meanwhile.
      if (stored) return stored;
      if (Date.now() >= giveUpAt) {
        context.logger.warn('no shared token appeared in Redis within twice lockTtl; this process requests its own', {
          lockTtlMs,
        });
        return fetchLocal(context);
      }
      await sleep(pollDelay(attempt));
    }
  }

  async function obtain(slot: Slot, context: TokenRequestContext): Promise<HeldToken> {
    if (!link.up) return fetchLocal(context);
    try {
      return await obtainShared(slot, context);
    } catch (error) {
      if (error instanceof RedisUnavailableError) return fetchLocal(context);
      throw error;
    }
  }

  /** In the refresh window: one process renews the token for all, in the background; calls go on with the current one. */
  function refreshAhead(slot: Slot, context: TokenRequestContext): void {
    const now = Date.now();
    if (slot.refreshing || now < slot.nextRefreshCheck) return;
    slot.nextRefreshCheck = now + REFRESH_CHECK_MS;
    slot.refreshing = (async () => {
      if (!link.up) {
        slot.held = await fetchLocal(context);
        return;
      }
      const stored = await readShared(slot);
      if (stored && Date.now() < stored.refreshAt && stored.raw !== slot.held?.raw) {
        slot.held = stored;
        return;
      }
      const owner = await takeLock(slot);
      if (owner !== undefined) slot.held = await refreshUnderLock(slot, context, owner);
    })()
      .catch((error: unknown) => {
        if (error instanceof RedisUnavailableError) return;
        context.logger.warn('renewing the token ahead of its expiry failed; the current one is used meanwhile', {
          error: errorName(error),
        });
      })
      .finally(() => {
        slot.refreshing = undefined;
      });
  }

  return {
    async getToken(context) {
      link.logger = context.logger;
      const slot = slotFor(context);
      const current = slot.held;
      const now = Date.now();
      if (current && now < current.expiresAt) {
        if (now >= current.refreshAt) refreshAhead(slot, context);
        return current.token;
      }
      slot.obtaining ??= obtain(slot, context)
        .then((obtained) => (slot.held = obtained))
        .finally(() => {
          slot.obtaining = undefined;
        });
      return (await slot.obtaining).token;
    },
    invalidate(token) {
      for (const slot of slots.values()) {
        if (slot.held?.token !== token) continue;
        const { raw } = slot.held;
        slot.held = undefined;
        slot.refused = token;
        // Removed for every process, but only while Redis still holds this very token (not one renewed meanwhile).
        if (raw !== undefined && link.up) void link.run(DELETE_IF_EQUAL, [slot.tokenKey], [raw]).catch(() => {});
      }
    },
  };
}
