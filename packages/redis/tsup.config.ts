// `pnpm build`: dist/ for publishing (ESM + CJS + .d.ts/.d.cts).
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/src/tsup-config.js';

export default defineConfig(libraryBuild());
