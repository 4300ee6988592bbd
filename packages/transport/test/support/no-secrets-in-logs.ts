// Setup file of the transport project: after each test file, no captured log line may contain a key, the AES key,
// a token or a plaintext bizContent that went through a loopback gateway.
import { afterAll, expect } from 'vitest';
import { capturedLines, lineText } from './capture-logger.js';
import { allSecretsSeen } from './loopback-gateway.js';
import { keySecrets } from './test-keys.js';

function secretFragments(secret: string): string[] {
  const body = secret.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  // A 24-character run of a key is as good as the key for a leak check; short plaintexts are checked whole.
  if (body.length <= 48) return [secret];
  const fragments: string[] = [];
  for (let start = 0; start + 24 <= body.length; start += 24) fragments.push(body.slice(start, start + 24));
  return fragments;
}

afterAll(() => {
  const text = capturedLines.map(lineText).join('\n');
  const leaks = [...keySecrets, ...allSecretsSeen]
    .filter((secret) => secret.length >= 8)
    .filter((secret) => secretFragments(secret).some((f) => text.includes(f)));
  expect(leaks, 'secrets found in log lines').toEqual([]);
});
