import { Linter } from 'eslint';
import { readFileSync } from 'fs';
import { benchConfigs } from './bench/lint-config.mjs';
import { listCorpusFiles } from './bench/corpus-files.mjs';
const files = listCorpusFiles().map(f => [readFileSync(f.path, 'utf8'), f]);
for (const key of ['ours', 'competitor', 'ours', 'competitor']) {
  const linter = new Linter({ configType: 'flat' });
  let parse = 0, rules = 0, total = 0; const perRule = {};
  for (const [text, f] of files) {
    linter.verify(text, benchConfigs(f.sourceType)[key], { filename: f.path, stats: true });
    const t = linter.getTimes();
    for (const pass of t.passes) { parse += pass.parse.total; total += pass.total; for (const [id, r] of Object.entries(pass.rules ?? {})) { rules += r.total; perRule[id] = (perRule[id] ?? 0) + r.total; } }
  }
  console.log(key, 'parse', parse.toFixed(0), 'rules', rules.toFixed(0), 'total', total.toFixed(0), JSON.stringify(Object.fromEntries(Object.entries(perRule).map(([k, v]) => [k, +v.toFixed(0)]))));
}
