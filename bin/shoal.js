#!/usr/bin/env node
// The `shoal` command. Shoal is written in TypeScript and runs from source through tsx,
// so `npm ci && npx shoal` works in a checkout with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../agent/cli/main.ts');
