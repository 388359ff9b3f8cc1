// Lints every corpus file with every rule of listener-leak through the ESLint Node API, writes
// every report to bench/corpus-findings.json and a per-package summary to bench/corpus-summary.json.
// Exits 2 when the rule threw on any file (a crash), after linting all the others; 1 on any other failure.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { CORPUS_DIR, PACKAGE_SKIPS, scanCorpus } from './corpus-files.mjs';
import { languageOptions, plugin, SOURCE_FILES } from './lint-config.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const FINDINGS_PATH = path.join(BENCH_DIR, 'corpus-findings.json');
const SUMMARY_PATH = path.join(BENCH_DIR, 'corpus-summary.json');
const CRASH_EXIT_CODE = 2;

// A file that does not parse as the sourceType its extension and package.json say is retried as these,
// in order; the first that parses is used and recorded.
const FALLBACKS = { module: ['commonjs', 'script'], commonjs: ['module', 'script'], script: ['module'] };

const engines = new Map();
function engineFor(sourceType) {
  if (!engines.has(sourceType)) {
    engines.set(sourceType, new ESLint({
      cwd: CORPUS_DIR,
      overrideConfigFile: true,
      // The corpus lives under node_modules/, which ESLint ignores by default.
      ignorePatterns: ['!**/node_modules/'],
      // The corpus's own `eslint-disable` comments and inline rule configs must neither hide our reports
      // nor turn on rules that are not installed.
      allowInlineConfig: false,
      overrideConfig: [{
        files: SOURCE_FILES,
        languageOptions: languageOptions(sourceType),
        plugins: { 'listener-leak': plugin },
        // Every rule of the recommended config: each report below names its rule.
        rules: Object.fromEntries(Object.keys(plugin.rules).map((name) => [`listener-leak/${name}`, 'error'])),
      }],
    }));
  }
  return engines.get(sourceType);
}

const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

async function lintOne(entry, text) {
  let firstFatal;
  for (const sourceType of [entry.sourceType, ...FALLBACKS[entry.sourceType]]) {
    const [result] = await engineFor(sourceType).lintText(text, { filePath: entry.path });
    const fatal = result.messages.find((m) => m.fatal);
    if (!fatal) return { sourceType, messages: result.messages };
    firstFatal ??= fatal;
  }
  return { parseError: firstFatal };
}

async function main() {
  const started = performance.now();
  const { files, skipped } = scanCorpus();
  const findings = [];
  const parseErrors = [];
  const crashes = [];
  const fallbacks = [];
  const otherMessages = [];
  const perPackage = new Map();

  for (const entry of files) {
    const stats = perPackage.get(entry.package)
      ?? { package: entry.package, version: entry.version, files: 0, bytes: 0, parseErrors: 0, crashes: 0, reports: 0 };
    perPackage.set(entry.package, stats);
    stats.files += 1;
    stats.bytes += entry.bytes;
    const text = readFileSync(entry.path, 'utf8');
    let outcome;
    try {
      outcome = await lintOne(entry, text);
    } catch (error) {
      stats.crashes += 1;
      crashes.push({ package: entry.package, version: entry.version, file: entry.file, message: error.message, stack: error.stack });
      console.error(`\nRULE CRASH in ${entry.package}/${entry.file}:\n${error.stack}\n`);
      continue;
    }
    if (outcome.parseError) {
      stats.parseErrors += 1;
      const { line, column, message } = outcome.parseError;
      parseErrors.push({ package: entry.package, version: entry.version, file: entry.file, line, column, message });
      continue;
    }
    if (outcome.sourceType !== entry.sourceType) {
      fallbacks.push({ package: entry.package, file: entry.file, expected: entry.sourceType, used: outcome.sourceType });
    }
    for (const m of outcome.messages) {
      if (m.ruleId?.startsWith('listener-leak/')) {
        stats.reports += 1;
        findings.push({ package: entry.package, version: entry.version, file: entry.file, line: m.line, column: m.column, rule: m.ruleId, message: m.message });
      } else {
        // Anything else ESLint says (there should be nothing) is kept, not dropped.
        otherMessages.push({ package: entry.package, file: entry.file, line: m.line, column: m.column, ruleId: m.ruleId, message: m.message });
      }
    }
  }

  findings.sort((a, b) => byString(a.package, b.package) || byString(a.file, b.file)
    || a.line - b.line || a.column - b.column || byString(a.message, b.message));
  writeFileSync(FINDINGS_PATH, `${JSON.stringify(findings, null, 2)}\n`);

  const seconds = (performance.now() - started) / 1000;
  const packages = [...perPackage.values()];
  const totals = packages.reduce((t, p) => ({
    files: t.files + p.files, bytes: t.bytes + p.bytes, parseErrors: t.parseErrors + p.parseErrors,
    crashes: t.crashes + p.crashes, reports: t.reports + p.reports,
  }), { files: 0, bytes: 0, parseErrors: 0, crashes: 0, reports: 0 });
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    eslint: ESLint.version,
    plugin: `${plugin.meta.name}@${plugin.meta.version}`,
    command: 'npm run build && node bench/corpus-report.mjs',
    cpu: os.cpus()[0]?.model ?? 'unknown',
    seconds: Number(seconds.toFixed(1)),
    totals,
    packages,
    parseErrors,
    crashes: crashes.map(({ stack, ...rest }) => ({ ...rest, stack: stack.split('\n').slice(0, 12).join('\n') })),
    sourceTypeFallbacks: fallbacks,
    otherMessages,
    packageSkips: PACKAGE_SKIPS,
    skipped,
  };
  writeFileSync(SUMMARY_PATH, `${JSON.stringify(summary, null, 2)}\n`);

  const pad = (value, width) => String(value).padStart(width);
  console.log(`\n${'package'.padEnd(24)} ${'version'.padEnd(10)} ${pad('files', 6)} ${pad('parse err', 9)} ${pad('crashes', 7)} ${pad('reports', 7)}`);
  for (const p of packages) {
    console.log(`${p.package.padEnd(24)} ${p.version.padEnd(10)} ${pad(p.files, 6)} ${pad(p.parseErrors, 9)} ${pad(p.crashes, 7)} ${pad(p.reports, 7)}`);
  }
  console.log(`${'total'.padEnd(24)} ${''.padEnd(10)} ${pad(totals.files, 6)} ${pad(totals.parseErrors, 9)} ${pad(totals.crashes, 7)} ${pad(totals.reports, 7)}`);
  console.log(`\n${packages.length} packages, ${totals.files} files (${(totals.bytes / 1e6).toFixed(1)} MB), ${skipped.length} skipped, `
    + `${fallbacks.length} parsed with a fallback sourceType, ${totals.parseErrors} parse errors, `
    + `${totals.crashes} rule crashes, ${totals.reports} reports in ${seconds.toFixed(1)} s`);
  for (const e of parseErrors) console.log(`parse error: ${e.package}/${e.file}:${e.line}:${e.column} ${e.message}`);
  for (const m of otherMessages) console.log(`other message: ${m.package}/${m.file}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`);
  console.log(`wrote ${path.relative(process.cwd(), FINDINGS_PATH)} and ${path.relative(process.cwd(), SUMMARY_PATH)}`);
  if (crashes.length > 0) {
    console.error(`\n${crashes.length} file(s) crashed the rule: see the stacks above`);
    process.exitCode = CRASH_EXIT_CODE;
  }
}

await main();
