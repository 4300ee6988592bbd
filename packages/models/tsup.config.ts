// `pnpm build`: dist/ for publishing (ESM + CJS + .d.ts/.d.cts). The validators are CommonJS (ajv standalone); the
// ESM build reads them as an ES module so it has no `require()` left (see commonJsAsEsm()).
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/src/tsup-config.js';

export default defineConfig(libraryBuild({ commonJsAsEsm: /\.gen\.cjs$/ }));
