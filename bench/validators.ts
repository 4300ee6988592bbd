// Median time of one `validateParams` call per service, on the first example of its request schema.
// A benchmark, not a test: it prints a table and never fails on a timing. Target: createOrder under 5 µs.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { serviceNames, services } from '@codepay/models';

const BATCH = 2_000; // calls per sample: one call is too short to time on its own
const SAMPLES = 201;

function medianMicros(fn: () => unknown): number {
  for (let i = 0; i < BATCH * 20; i++) fn(); // warm up so the JIT has optimised the validator
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) fn();
    samples.push(((performance.now() - start) * 1000) / BATCH);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const rows = serviceNames.map((service) => {
  const file = new URL(`../spec/bizcontent/${service}.request.json`, import.meta.url);
  const payload = JSON.parse(readFileSync(file, 'utf8')).examples[0];
  const validate = services[service].validateParams;
  if (!validate(payload)) throw new Error(`${service}: the benchmark payload is invalid`);
  return { service, micros: medianMicros(() => validate(payload)), bytes: JSON.stringify(payload).length };
});

console.log(`validators: median µs per validateParams call (${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version})`);
console.log('| service | payload bytes | median µs | target |');
console.log('| --- | ---: | ---: | --- |');
for (const r of rows) {
  const target = r.service === 'createOrder' ? `< 5 µs ${r.micros < 5 ? 'met' : 'MISSED'}` : '';
  console.log(`| ${r.service} | ${r.bytes} | ${r.micros.toFixed(3)} | ${target} |`);
}
