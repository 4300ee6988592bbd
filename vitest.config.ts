import { defineConfig } from 'vitest/config';

// One root config; one project per workspace package so `pnpm test` runs everything
// and `vitest --project transport` runs one package.
const packageProject = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  test: {
    name,
    root,
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    projects: [
      packageProject('tools', 'tools'),
      packageProject('models', 'packages/models', {
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
      }),
      packageProject('transport', 'packages/transport', { setupFiles: ['test/support/no-secrets-in-logs.ts'] }),
      packageProject('mock', 'packages/mock'),
      packageProject('hostile', 'tests/hostile', { testTimeout: 120_000 }),
      packageProject('examples', 'examples', { testTimeout: 90_000 }),
      packageProject('sdk', 'packages/sdk', {
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
      }),
    ],
  },
});
