// Reads a V8 .cpuprofile (what `node --cpu-prof` and the inspector's Profiler write) into self-time tables:
// per function and per area (which package or Node subsystem the code belongs to).

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  area: string;
  micros: number;
}

/** Which part of the stack a frame belongs to, from its script URL. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `native (${functionName || 'anonymous'})`;
  const pkg = /\/packages\/(transport|sdk|models|mock)\/src\/(.*)$/.exec(url);
  if (pkg) return pkg[1] === 'models' ? 'models (generated ajv validators)' : `${pkg[1]}/src/${pkg[2]}`;
  if (url.includes('undici')) return 'node:internal undici (fetch)';
  if (url.includes('webstreams')) return 'node:internal webstreams (fetch bodies)';
  if (url.includes('abort_controller') || url.includes('event_target'))
    return 'node:internal AbortController / EventTarget';
  if (url.includes('/alipay-sdk/')) return 'alipay-sdk';
  if (url.includes('crypto-js')) return 'crypto-js';
  if (url.includes('urllib')) return 'urllib';
  if (url.includes('/bench/')) return 'bench harness';
  const internal = /^node:(internal\/)?([^/]+)/.exec(url);
  if (internal) return `node:${internal[2]}`;
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  return modules ? `node_modules ${modules[1]}` : url;
}

function shortUrl(url: string): string {
  const pkg = /\/packages\/([^/]+\/src\/.*)$/.exec(url);
  if (pkg) return pkg[1]!;
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(url);
  if (modules) return modules[1]!;
  return url.replace(/^file:\/\/.*\/bench\//, 'bench/');
}

export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, SelfTime>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const name =
      url === ''
        ? functionName || '(anonymous native)'
        : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    const entry = micros.get(name) ?? { name, area: areaOf(url, functionName), micros: 0 };
    entry.micros += profile.timeDeltas[index] ?? 0;
    micros.set(name, entry);
  });
  return [...micros.values()].sort((a, b) => b.micros - a.micros);
}

export function byArea(times: readonly SelfTime[]): { area: string; micros: number }[] {
  const areas = new Map<string, number>();
  for (const t of times) areas.set(t.area, (areas.get(t.area) ?? 0) + t.micros);
  return [...areas].map(([area, micros]) => ({ area, micros })).sort((a, b) => b.micros - a.micros);
}
