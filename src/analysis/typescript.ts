// TypeScript, loaded with require(): Node's `import` of the 9 MB CommonJS compiler first scans its whole source for
// the names it exports, about half a second of CPU in every process (and ESLint worker) that loads the plugin or the
// CLI. Types come from `import type ... from 'typescript'`; values from here.
import { createRequire } from 'node:module';
import type TypeScript from 'typescript';

export const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
