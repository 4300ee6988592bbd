// `pnpm build`: dist/ for publishing (ESM + CJS + .d.ts/.d.cts) — the public entry (dist/index.*) and the internal
// one for the sibling packages (dist/internal.*, `@codepay/transport/internal`), which takes the error classes from
// the public build. The two configs build at the same time, so dist/ is emptied once here instead of by each.
import { defineConfig } from 'tsup';
import { cleanDist, libraryBuild, secondaryEntryBuild } from '../../tools/src/tsup-config.js';

cleanDist();

// Helpers both entries use live in dist/internal.* only (the public build imports them from there), the error
// classes in dist/index.* only (the internal build imports them from there): no module is shipped twice.
const INTERNAL_HELPERS = ['json-exact.ts', 'describe-value.ts', 'option-names.ts'];

export default defineConfig([
  libraryBuild({ clean: false, fromSecondary: { entry: 'internal', modules: INTERNAL_HELPERS } }),
  secondaryEntryBuild('internal', ['errors.ts']),
]);
