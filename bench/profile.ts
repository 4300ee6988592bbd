// Where the main thread's time goes while a subject runs at a given concurrency (default: @codepay/sdk at 64).
// `pnpm bench:profile [sdk|peer|http|crypto] [concurrency] [seconds]`.
//
// The profile is V8's sampling CPU profile (the one `node --cpu-prof` writes), taken through node:inspector so that it
// covers only the measured window, not key generation and warm-up. It is written to the OS temp directory (open it
// in Chrome DevTools) and summarised here: self time per function and per area. It covers the main thread only:
// RSA on the libuv threadpool shows up as (idle) here and in the client CPU column of the throughput table.
// Samples are wall time: when the cores are oversubscribed (threadpool RSA, the replay server, other processes),
// time the main thread spends waiting for a core is charged to whatever it was doing, typically the native `run`
// (queueing an RSA job) and `writev` (writing to the socket, which wakes the server). Compare "sampled busy" with
// the main-thread CPU figure to see how much of that there is.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { byArea, selfTimes, type CpuProfile } from './lib/cpu-profile.js';
import { runLoad } from './lib/load.js';
import { benchSettings } from './lib/settings.js';
import { createBenchEnvironment, SUBJECT_LABELS, type SubjectName } from './lib/subjects.js';
import { fixed, markdownTable } from './lib/table.js';

const subjectName = (process.argv[2] ?? 'sdk') as SubjectName;
const concurrency = Number(process.argv[3] ?? 64);
const seconds = Number(process.argv[4] ?? 5);
const settings = benchSettings();

const env = await createBenchEnvironment();
try {
  const subject = env.subjects[subjectName];
  if (!subject) throw new Error(`unknown subject ${subjectName}; one of ${Object.keys(env.subjects).join(', ')}`);
  process.stderr.write(`warming ${subjectName} (${settings.jitWarmupMs / 1000} s)\n`);
  await runLoad(subject.call, { concurrency, warmupMs: 0, durationMs: settings.jitWarmupMs });

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const result = await runLoad(subject.call, {
    concurrency,
    warmupMs: 0,
    durationMs: seconds * 1000,
    ...(subject.server ? { server: subject.server } : {}),
  });
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();

  const file = path.join(os.tmpdir(), `codepay-bench-${subjectName}-c${concurrency}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));

  const times = selfTimes(profile);
  const total = times.reduce((sum, t) => sum + t.micros, 0);
  const busy = times.filter((t) => t.name !== '(idle)').reduce((sum, t) => sum + t.micros, 0);
  const perCall = (micros: number) => micros / Math.max(1, result.calls);
  console.log(
    `${SUBJECT_LABELS[subjectName]} at concurrency ${concurrency}: ${result.callsPerSecond.toFixed(0)} calls/s, ` +
      `client CPU ${result.cpuMicrosPerCall.toFixed(0)} µs/call (all threads), main-thread CPU ${fixed(result.mainThreadCpuMicrosPerCall, 0) ?? '?'} µs/call, ` +
      `main thread sampled busy ${fixed(perCall(busy), 0)} µs/call (${fixed((100 * busy) / total, 0)}% of the window). Profile: ${file}`,
  );
  console.log();
  console.log(
    markdownTable(
      [
        { title: 'area (main thread, self time)' },
        { title: 'µs/call', right: true },
        { title: '% of busy', right: true },
      ],
      byArea(times)
        .filter((a) => a.area !== '(idle)')
        .slice(0, 20)
        .map((a) => [a.area, fixed(perCall(a.micros), 1), fixed((100 * a.micros) / busy, 1)]),
    ),
  );
  console.log();
  console.log(
    markdownTable(
      [
        { title: 'function (self time)' },
        { title: 'area' },
        { title: 'µs/call', right: true },
        { title: '% of busy', right: true },
      ],
      times
        .filter((t) => t.name !== '(idle)')
        .slice(0, 30)
        .map((t) => [t.name, t.area, fixed(perCall(t.micros), 1), fixed((100 * t.micros) / busy, 1)]),
    ),
  );
} finally {
  await env.close();
}
