// Electron's entry point (package.json `main` when packaged, `electron main/entry.mjs` in development).
// Shoal runs from TypeScript source through tsx, like bin/shoal.js, so the embedded peer is exactly the
// agent's code with no build of its own; only the preload is bundled (sandboxed preloads must be one file).
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
