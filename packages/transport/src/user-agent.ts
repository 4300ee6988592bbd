// The User-Agent names the SDK version and the hash of the spec it was generated from, so a support ticket with
// a captured request says exactly which contract the client spoke.
import { specHash } from '@codepay/models';
import packageJson from '../package.json' with { type: 'json' };

export const TRANSPORT_VERSION: string = packageJson.version;

export function userAgent(prefix?: string): string {
  const own = `codepay-transport/${TRANSPORT_VERSION} (spec ${specHash}; node ${process.version})`;
  return prefix ? `${prefix} ${own}` : own;
}
