// A what-if, not a recommendation to users: a `fetch` passed through the SDK's public `fetch` option that answers
// the token and pay endpoints from memory, so the SDK runs everything but HTTP. It returns the least the
// transport's fetch client reads: a status, `headers.get`, and a body reader that yields the precomputed bytes in
// one chunk (the same shape bench/envelope.ts uses), with none of undici's Response machinery.
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function inMemoryAnswer(bytes: Buffer): Response {
  let read = false;
  const reader = {
    read: async () => {
      if (read) return { done: true, value: undefined };
      read = true;
      return { done: false, value: bytes };
    },
    cancel: async () => {},
  };
  const length = String(bytes.length);
  return {
    status: 200,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-length' ? length : null) },
    body: { getReader: () => reader, cancel: async () => {} },
  } as unknown as Response;
}

/** Answers `<base>/api/v2/token` and `<base>/api/v2/pay` with precomputed bodies, in this process. */
export function inProcessFetch(bodies: { token: string; pay: string }): FetchLike {
  const token = Buffer.from(bodies.token, 'utf8');
  const pay = Buffer.from(bodies.pay, 'utf8');
  return (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return Promise.resolve(inMemoryAnswer(url.endsWith('/api/v2/token') ? token : pay));
  };
}
