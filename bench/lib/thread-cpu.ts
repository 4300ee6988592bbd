// CPU time of the main (event-loop) thread alone, from /proc on Linux: process.cpuUsage() adds up every thread, so
// it cannot tell RSA on the libuv threadpool from work on the event loop. Node 20 has no process.threadCpuUsage().
// The kernel counts in clock ticks (USER_HZ, 100 per second on Linux), so this is precise over windows of seconds,
// not single calls. Elsewhere it returns undefined and the column shows "—".
import { readFileSync } from 'node:fs';

const TICK_MICROS = 10_000; // USER_HZ = 100
const statPath = `/proc/self/task/${process.pid}/stat`;

export function mainThreadCpuMicros(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after "(comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return undefined;
  }
}
