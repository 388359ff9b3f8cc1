import { parseForESLint } from '@typescript-eslint/parser';
import { readFileSync } from 'fs';
import { listCorpusFiles } from './bench/corpus-files.mjs';
import { buildFileIndex } from './dist/src/analysis/file-index.js';
import { analyzeFile } from './dist/src/analysis/index.js';
const REG = /\.\s*(?:on|once|addListener|prependListener|prependOnceListener|addEventListener|setTimeout|connect|finished)\s*(?:\?\.\s*)?\(|\b(?:finished|once|on)\s*\(/;
const files = listCorpusFiles().map(f => [readFileSync(f.path, 'utf8'), f]).filter(([t]) => REG.test(t));
const parsed = files.map(([text, f]) => ({ text, ...parseForESLint(text, { sourceType: f.sourceType === 'commonjs' ? 'script' : 'module', range: true, loc: true, filePath: f.path }) }));
for (const p of parsed) buildFileIndex({ ast: p.ast, scopeManager: p.scopeManager, text: p.text }); // parents
let t = performance.now();
for (const { scopeManager } of parsed) { const m = new Map(); for (const s of scopeManager.scopes) { for (const v of s.variables) for (const id of v.identifiers) m.set(id, v); for (const r of s.references) if (r.resolved) m.set(r.identifier, r.resolved); } }
console.log('scope maps', (performance.now() - t).toFixed(0));
t = performance.now();
for (const p of parsed) buildFileIndex({ ast: p.ast, scopeManager: p.scopeManager, text: p.text });
console.log('indexes', (performance.now() - t).toFixed(0));
t = performance.now();
for (const p of parsed) analyzeFile({ ast: p.ast, scopeManager: p.scopeManager, text: p.text }, { x: 1 });
console.log('analyses', (performance.now() - t).toFixed(0), 'files', parsed.length);
