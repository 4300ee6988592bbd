import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.resolve(examplesDir, '../node_modules/.bin/tsx');

// Each example runs as a user would run it (a separate process), against a mock gateway it starts itself.
async function runExample(file: string): Promise<string> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('CODEPAY_')) delete env[name];
  const { stdout } = await run(tsx, [path.join(examplesDir, file)], { cwd: examplesDir, env, timeout: 60_000 });
  return stdout;
}

describe('examples run against the mock and exit 0', () => {
  it('create-payer-and-order', async () => {
    const out = await runExample('create-payer-and-order.ts');
    expect(out).toMatch(/^payer \d+ created \(psn \S+\)$/m);
    expect(out).toMatch(/^order \S+ is New; pay at \S+ \(psn \S+\)$/m);
  });

  it('poll-order', async () => {
    expect(await runExample('poll-order.ts')).toMatch(/^attempt 1: order \S+ is \w+ \(psn \S+\)$/m);
  });

  it('list-orders', async () => {
    expect(await runExample('list-orders.ts')).toMatch(
      /^\d+ order\(s\) in \d+ page\(s\) of up to \d+ \(psn of page 1: \S+\)$/m,
    );
  });

  it('refund', async () => {
    expect(await runExample('refund.ts')).toMatch(/^refund of \S+: .+ \(psn \S+\)$/m);
  });

  it('receive-notifications (the duplicate is recognised)', async () => {
    const out = await runExample('receive-notifications.ts');
    expect(out).toMatch(/^order \S+ is now Paid/m);
    expect(out).toMatch(/^duplicate \S+:Paid: already handled$/m);
    expect(out.match(/the platform got HTTP 200 \{"code":0\}/g)).toHaveLength(2);
  });

  it('card-payment: frictionless, then a 3-D Secure challenge, each ending in a verified Paid notification', async () => {
    const out = await runExample('card-payment.ts');
    expect(out).toMatch(/^checkoutOrder: transaction [0-9a-f-]{36} \(psn \S+\)$/m);
    expect(out).toMatch(/^device data collection: sessionId 0_[0-9a-f-]{36}$/m);
    expect(out).toMatch(/^payOrder: Paid, frictionless \(3-D Secure 2\.2\.0, ECI 05\) \(psn \S+\)$/m);
    expect(out).toMatch(/^payOrder: Processing, the bank asks for a challenge \(psn \S+\)$/m);
    expect(out).toMatch(/^the payer passed the challenge$/m);
    expect(out.match(/^notification: order CARD-\d+-\d is Paid \(signature verified\)$/gm)).toHaveLength(2);
    expect(out).toMatch(/^queryOrder: order CARD-\d+-2 is Paid \(psn \S+\)$/m);
  });

  it('demo: seven steps, each with its psn', async () => {
    const out = await runExample('demo.ts');
    for (let step = 1; step <= 7; step++) expect(out).toMatch(new RegExp(`^${step}\\. .+ psn \\S+`, 'm'));
    expect(out).toMatch(/^done: /m);
  });
});
