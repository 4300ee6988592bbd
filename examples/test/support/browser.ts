// A real headless Chromium for the browser tests: Debian's `chromium` package (or CODEPAY_CHROMIUM), driven by
// playwright-core, which never downloads a browser. Without one the browser tests are skipped with a message —
// unless CODEPAY_REQUIRE_BROWSER=1 (set by CI), where a missing browser is a failure.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium to use: CODEPAY_CHROMIUM, else the first of the usual paths that exists. */
export function findChromium(): string | undefined {
  const configured = process.env.CODEPAY_CHROMIUM;
  if (configured && !existsSync(configured))
    throw new Error(`CODEPAY_CHROMIUM names ${configured}, which does not exist.`);
  return configured || CANDIDATES.find((candidate) => existsSync(candidate));
}

export const browserRequired = process.env.CODEPAY_REQUIRE_BROWSER === '1';

/**
 * The executable, or undefined (with a message saying how to run the tests) when there is none and none is required.
 * Throws when one is required (CODEPAY_REQUIRE_BROWSER=1) and missing.
 */
export function chromiumForTests(suite: string): string | undefined {
  const executable = findChromium();
  if (executable) return executable;
  const how =
    "install Debian's chromium (apt-get install -y chromium) or set CODEPAY_CHROMIUM to a Chromium executable";
  if (browserRequired) throw new Error(`${suite}: no Chromium found and CODEPAY_REQUIRE_BROWSER=1: ${how}.`);
  console.warn(`${suite}: skipped — no Chromium found (${CANDIDATES.join(', ')}); to run them, ${how}.`);
  return undefined;
}

/**
 * Headless, without the sandbox (root in CI), and with every background connection off: on a machine with no
 * network Chromium otherwise stalls on them. Playwright gives each launch a fresh temporary profile (user data dir).
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}
