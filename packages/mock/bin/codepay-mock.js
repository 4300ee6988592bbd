#!/usr/bin/env node
// Entry point of `codepay-mock`. Inside the workspace the CLI runs from its TypeScript source through tsx (a root
// devDependency); the published package will point this file at the compiled dist/cli.js instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
