// Runs one of the standalone benchmark scripts (validators.ts, envelope.ts) in its own process, unchanged, and
// returns what it printed: their tables go into the report as they are.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TSX_LOADER } from './replay.js';

const run = promisify(execFile);

export async function runBenchScript(file: string): Promise<string> {
  const benchDir = fileURLToPath(new URL('..', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', TSX_LOADER, file], {
    cwd: benchDir,
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

/** The script's first line (its own caption) and the markdown table that follows. */
export function splitCaption(output: string): { caption: string; table: string } {
  const lines = output.split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  return {
    caption: lines.slice(0, Math.max(0, first)).join(' ').trim(),
    table: lines.slice(Math.max(0, first)).join('\n'),
  };
}
