// The platform's public key, or several during a rotation. One key stays a bare KeyObject, verified exactly as
// before (no extra allocation per call); several form a key ring, where a signature holds if any key verifies it.
import { KeyObject, createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { verifyRsaSha256 } from './rsa.js';

export interface PlatformKeyRing {
  readonly keys: readonly KeyObject[];
  /** `sha256:` and the first 16 hex digits of the SHA-256 of each key's SPKI DER (never key text), for log lines. */
  readonly fingerprints: readonly string[];
  readonly logger: Logger;
  /** The key that verified last: tried first next time (a hint; any order is correct). */
  preferred: number;
}

/** What verifies the platform's signatures: one key, or a ring of them. */
export type PlatformKeys = KeyObject | PlatformKeyRing;

/** A short, non-secret identifier of a public key: the SHA-256 of its SPKI DER, truncated. */
export function publicKeyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)}`;
}

export function platformKeyRing(keys: readonly KeyObject[], logger: Logger): PlatformKeys {
  if (keys.length === 1) return keys[0]!;
  return { keys, fingerprints: keys.map(publicKeyFingerprint), logger, preferred: 0 };
}

/** The first (or only) platform key. */
export function firstPlatformKey(keys: PlatformKeys): KeyObject {
  return keys instanceof KeyObject ? keys : keys.keys[0]!;
}

/** Whether `signature` verifies `plaintext` with the platform key, or with any key of the ring. */
export function verifyPlatformSignature(plaintext: string, signature: string, keys: PlatformKeys): Promise<boolean> {
  if (keys instanceof KeyObject) return verifyRsaSha256(plaintext, signature, keys);
  return verifyWithRing(plaintext, signature, keys);
}

async function verifyWithRing(plaintext: string, signature: string, ring: PlatformKeyRing): Promise<boolean> {
  const count = ring.keys.length;
  const first = ring.preferred;
  for (let step = 0; step < count; step++) {
    const index = (first + step) % count;
    if (await verifyRsaSha256(plaintext, signature, ring.keys[index]!)) {
      ring.preferred = index;
      ring.logger.debug('platform signature verified', {
        platformKeyIndex: index,
        platformKeyFingerprint: ring.fingerprints[index],
      });
      return true;
    }
  }
  return false;
}
