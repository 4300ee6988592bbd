// Which proxy, if any, the built-in node:http client goes through: the `proxy` option, else the standard
// environment variables (`HTTPS_PROXY`/`https_proxy` for an https: gateway, minus the hosts in `NO_PROXY`/`no_proxy`).
// Decided once, when the client is made, for the one gateway origin a client talks to.
import { BlockList, isIP } from 'node:net';
import { ConfigurationError } from '../errors.js';

export interface ProxySettings {
  /** The proxy URL, credentials included (sent to the proxy only, as Proxy-Authorization). */
  url: URL;
  /** The proxy without credentials, for messages and logs: `http://proxy.internal:3128`. */
  shown: string;
  /** Where it came from: `proxy` (the option) or the name of the environment variable. */
  from: string;
}

/** `protocol//host:port` of a URL: never its user name or password. */
export const withoutCredentials = (url: URL): string => `${url.protocol}//${url.host}`;

function parseProxyUrl(value: string, from: string): ProxySettings {
  const option = 'proxy';
  const where =
    from === 'proxy'
      ? ''
      : ` (from the ${from} environment variable; set the proxy option to override it, or false to use no proxy)`;
  // The environment variables are often written without a scheme (`proxy.internal:3128`), as curl accepts them.
  const text = from !== 'proxy' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? `http://${value}` : value;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError(
      `is not a URL${where}; pass e.g. "http://proxy.internal:3128" or "http://user:password@proxy.internal:3128".`,
      { option },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(
      `uses ${url.protocol}${where}; only http: and https: proxies (HTTP CONNECT) are supported.`,
      { option },
    );
  }
  if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ConfigurationError(
      `must be just the proxy's origin, ${withoutCredentials(url)}, with optional credentials${where}; remove the path, query or fragment.`,
      { option },
    );
  }
  return { url, shown: withoutCredentials(url), from };
}

const env = (name: string): string | undefined => {
  const lower = process.env[name.toLowerCase()];
  if (lower !== undefined && lower.trim() !== '') return lower.trim();
  const upper = process.env[name.toUpperCase()];
  return upper !== undefined && upper.trim() !== '' ? upper.trim() : undefined;
};

const envName = (name: string): string =>
  process.env[name.toLowerCase()]?.trim() ? name.toLowerCase() : name.toUpperCase();

/**
 * Whether `NO_PROXY` (comma- or space-separated) exempts `url`: `*` exempts everything; `example.com` and
 * `.example.com` exempt that host and its subdomains; an IP address, or a CIDR block such as `10.0.0.0/8`, exempts
 * those addresses; any entry may end in `:port` to apply to that port only.
 */
export function noProxyExempts(noProxy: string, url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.toLowerCase().split(/[\s,]+/)) {
    if (raw === '') continue;
    if (raw === '*') return true;
    // `[::1]:443`, `host:443`, `10.0.0.1:443`; a bare IPv6 address has several colons and no port.
    const match =
      /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? (raw.split(':').length === 2 ? /^([^:]+):(\d+)$/.exec(raw) : null);
    const entry = match ? match[1]! : raw;
    if (match?.[2] !== undefined && match[2] !== port) continue;
    const slash = entry.indexOf('/');
    if (slash > 0) {
      // A CIDR block: only an IP address of the same family can be in it.
      const network = entry.slice(0, slash);
      const prefix = Number(entry.slice(slash + 1));
      const version = isIP(network);
      if (version === 0 || version !== isIP(host) || !Number.isInteger(prefix)) continue;
      const family = version === 6 ? 'ipv6' : 'ipv4';
      const block = new BlockList();
      try {
        block.addSubnet(network, prefix, family);
      } catch {
        continue;
      }
      if (block.check(host, family)) return true;
      continue;
    }
    const name = entry.replace(/^\*?\.+/, '');
    if (name !== '' && (host === name || host.endsWith(`.${name}`))) return true;
  }
  return false;
}

/**
 * The proxy for `gateway`: the `proxy` option when given (`false`: none), else for an https: gateway the
 * HTTPS_PROXY/https_proxy variable unless NO_PROXY/no_proxy exempts the gateway's host. The environment is not read
 * for an http: gateway (only a loopback mock may be http:) — pass `proxy` to tunnel to one.
 */
export function resolveProxy(option: unknown, gateway: URL): ProxySettings | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (typeof option !== 'string' && !(option instanceof URL)) {
      throw new ConfigurationError(
        'must be the proxy URL (a string or URL such as "http://proxy.internal:3128"), or false to ignore HTTPS_PROXY.',
        {
          option: 'proxy',
        },
      );
    }
    return parseProxyUrl(String(option), 'proxy');
  }
  if (gateway.protocol !== 'https:') return undefined;
  const value = env('https_proxy');
  if (value === undefined) return undefined;
  const noProxy = env('no_proxy');
  if (noProxy !== undefined && noProxyExempts(noProxy, gateway)) return undefined;
  return parseProxyUrl(value, envName('https_proxy'));
}
