// Named base URLs for the `environment` option. The vendor documentation publishes no gateway URL, so the only
// named environment is the local mock (`pnpm mock` / `codepay-mock` listens on this port by default); a real
// gateway's URL, as CodePay gives it to the merchant, goes in `baseUrl`.
export const environments = {
  local: 'http://127.0.0.1:4010',
} as const;

export type EnvironmentName = keyof typeof environments;
