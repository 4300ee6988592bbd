// `pnpm build`: dist/ for publishing (ESM + CJS + .d.ts/.d.cts) — the public entry (dist/index.*) and the internal
// one for the sibling packages (dist/internal.*, `@codepay/transport/internal`), which takes the error classes from
// the public build. The two configs build at the same time, so dist/ is emptied once here instead of by each.
import { defineConfig } from 'tsup';
import { cleanDist, libraryBuild, secondaryEntryBuild } from '../../tools/src/tsup-config.js';

cleanDist();

export default defineConfig([libraryBuild({ clean: false }), secondaryEntryBuild('internal', ['errors.ts'])]);
