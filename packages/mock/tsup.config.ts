// `pnpm build`: dist/ for publishing — the library (ESM + CJS + .d.ts/.d.cts) and the `codepay-mock` executable
// (dist/cli.js, ESM with a shebang), which imports the library build rather than bundling a second copy of the
// gateway. The two configs build at the same time, so dist/ is emptied once here instead of by each.
import { defineConfig } from 'tsup';
import { cleanDist, executableBuild, libraryBuild } from '../../tools/src/tsup-config.js';

cleanDist();

export default defineConfig([libraryBuild({ clean: false }), executableBuild('cli', ['server.js'])]);
