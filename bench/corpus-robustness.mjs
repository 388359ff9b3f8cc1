// Every command of listener-leak over the whole real-code corpus (bench/corpus-files.mjs: 35 published packages,
// 1,900 files), as a user runs it: the built CLI, a fresh process per package and command.
//
// 1. `listener-leak scan --format json <the package's files>`: each package a project of its own (no tsconfig.json:
//    the files are named, their imports resolve as a bundler's do). 0 crashes; the findings, the files that could not
//    be scanned, wall and CPU time. Each finding is matched against the rule's report on the same line
//    (bench/corpus-findings.json, from corpus-report.mjs) to tell what only the cross-file analysis finds.
// 2. `listener-leak codemod registry`, `registry --unsafe` and `teardown`, each:
//    a. with --dry --json on the corpus itself: nothing may change there (every file is hashed before and after);
//    b. in write mode (--json) on a copy of the package: the same status for every file as (a), every file it
//       rewrote parses (typescript-estree, as the detector parses, and jscodeshift's parser for the file, as the
//       printer does), and no temporary file is left;
//    c. a second run over the rewritten copy: nothing to rewrite, and every file byte for byte the same.
//    A crash is an exit code other than 0 and 1, a signal, an internal error, a report that is not JSON, or a file
//    the transform threw on (the CLI reports it as "the <name> transform failed").
//
//   npm run build && node bench/corpus-robustness.mjs [--package <name>]...
//
// Writes bench/corpus-robustness-results.json (bench/corpus-robustness-markdown.mjs renders it). Exits 2 when
// anything crashed, 1 on any other problem (an output that does not parse, a second pass that changes a file, a
// --dry run that wrote), 0 otherwise.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jscodeshift from 'jscodeshift';
import { parserFor } from '../dist/codemods/recast.js';
import { parseFile } from '../dist/src/analysis/parse.js';
import { CORPUS_MODULES, corpusPackages, listCorpusFiles } from './corpus-files.mjs';
import { machineSummary } from './measure.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const CLI = path.join(ROOT, 'dist/src/cli/index.js');
const RESULTS_PATH = path.join(BENCH_DIR, 'corpus-robustness-results.json');
const RULE_FINDINGS_PATH = path.join(BENCH_DIR, 'corpus-findings.json');
const CRASH_EXIT_CODE = 2;
const PROBLEM_EXIT_CODE = 1;

/** The codemod runs: a name for the results, and the arguments after `codemod`. */
export const CODEMOD_VARIANTS = [
  { name: 'registry', args: ['registry'] },
  { name: 'registry --unsafe', args: ['registry', '--unsafe'] },
  { name: 'teardown', args: ['teardown'] },
];

// Loaded before the CLI in the child: at exit, its own resource usage (CPU times in microseconds, maxRSS in KiB).
const USAGE_PRELOAD = 'data:text/javascript,'
  + encodeURIComponent('import { writeFileSync } from "node:fs";'
    + 'process.on("exit", () => writeFileSync(process.env.LISTENER_LEAK_BENCH_USAGE, JSON.stringify(process.resourceUsage())));');

const args = process.argv.slice(2);
const only = new Set(args.flatMap((arg, index) => (args[index - 1] === '--package' ? [arg] : [])));

const scratch = mkdtempSync(path.join(os.tmpdir(), 'listener-leak-robustness-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// An empty working directory: no tsconfig.json of anyone's is picked up, no git work tree is around.
const emptyCwd = path.join(scratch, 'cwd');
mkdirSync(emptyCwd);
const usageFile = path.join(scratch, 'usage.json');

const round0 = (n) => Math.round(n);
const hash = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** One run of the CLI in a fresh process: exit code, output, wall and CPU time, and whether it crashed. */
function runCli(cliArgs, cwd = emptyCwd) {
  rmSync(usageFile, { force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', USAGE_PRELOAD, CLI, ...cliArgs], {
    cwd,
    env: { ...process.env, LISTENER_LEAK_BENCH_USAGE: usageFile, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1024 ** 3,
  });
  const ms = performance.now() - start;
  const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : null;
  let json = null;
  let jsonError = null;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    jsonError = error.message;
  }
  const crash = result.error
    ? `could not run: ${result.error.message}`
    : result.signal
      ? `killed by ${result.signal}`
      : result.status !== 0 && result.status !== 1
        ? `exit code ${result.status}: ${result.stderr.trim().split('\n').slice(0, 12).join('\n')}`
        : /internal error/.test(result.stderr)
          ? `internal error: ${result.stderr.trim().split('\n').slice(0, 12).join('\n')}`
          : json === null
            ? `the report is not JSON (${jsonError}): ${result.stdout.slice(0, 200)}`
            : null;
  return {
    status: result.status,
    json,
    stderr: result.stderr,
    crash,
    ms: round0(ms),
    cpuMs: usage ? round0((usage.userCPUTime + usage.systemCPUTime) / 1000) : null,
    maxRssMiB: usage ? round0(usage.maxRSS / 1024) : null,
  };
}

/** Whether text parses as the codemod's input must: typescript-estree (the detector) and jscodeshift's parser. */
function parseProblems(file, text) {
  const problems = [];
  try {
    parseFile(file, text);
  } catch (error) {
    problems.push(`typescript-estree: ${error.line ?? '?'}:${error.column ?? '?'} ${error.message}`);
  }
  try {
    jscodeshift.withParser(parserFor(file))(text);
  } catch (error) {
    problems.push(`jscodeshift (${parserFor(file)}): ${error.message.split('\n')[0]}`);
  }
  return problems;
}

function ruleReportKeys() {
  if (!existsSync(RULE_FINDINGS_PATH)) return null;
  const findings = JSON.parse(readFileSync(RULE_FINDINGS_PATH, 'utf8'));
  return new Set(findings.filter((f) => f.rule === 'listener-leak/no-per-request-listener').map((f) => `${f.package}/${f.file}:${f.line}`));
}

function scanPackage(name, root, files, ruleKeys) {
  const run = runCli(['scan', '--format', 'json', ...files.map((f) => f.path)]);
  const out = { status: run.status, ms: run.ms, cpuMs: run.cpuMs, maxRssMiB: run.maxRssMiB, crash: run.crash, findings: [], errors: [], filesScanned: null };
  if (run.crash) return out;
  const relative = (absolute) => path.relative(root, absolute).split(path.sep).join('/');
  out.filesScanned = run.json.summary.filesScanned;
  if (out.filesScanned !== files.length) out.crash = `scanned ${out.filesScanned} files of the ${files.length} given`;
  out.findings = run.json.findings.map((f) => {
    const file = relative(f.absolutePath);
    const chainFiles = new Set(f.chain.map((step) => step.path));
    return {
      file,
      line: f.line,
      column: f.column,
      messageId: f.messageId,
      event: f.data.event ?? null,
      chain: f.chain.map((step) => `${step.name} (${relative(path.resolve(emptyCwd, step.path))}:${step.line})`).join(' -> '),
      crossFile: chainFiles.size > 1,
      ruleReportsIt: ruleKeys === null ? null : ruleKeys.has(`${name}/${file}:${f.line}`),
    };
  });
  out.errors = run.json.errors.map((e) => ({ file: relative(e.absolutePath), line: e.line, column: e.column, message: e.message }));
  return out;
}

/** The JSON report's files, by path relative to root. */
function statusesOf(report, root) {
  return new Map(report.files.map((file) => [path.relative(root, file.path).split(path.sep).join('/'), file]));
}

/** A file the transform threw on: the CLI goes on with the others and reports it so. */
const transformFailed = (file) => file.status === 'error' && /^the \w+ transform failed/.test(file.reason ?? '');

function codemodPackage(name, root, files, variant) {
  const relativeFiles = files.map((f) => f.file);
  const out = {
    dry: null, write: null, second: null, crashes: [], problems: [],
    files: files.length, ok: 0, unmodified: 0, skipped: 0, errors: 0, parseErrors: [], outputsParsed: 0, secondPassChanges: 0, rewritten: [],
  };

  // a. --dry on the corpus itself.
  const dry = runCli(['codemod', ...variant.args, '--dry', '--json', ...files.map((f) => f.path)]);
  out.dry = { status: dry.status, ms: dry.ms, cpuMs: dry.cpuMs };
  if (dry.crash) {
    out.crashes.push(`--dry: ${dry.crash}`);
    return out;
  }
  const dryFiles = statusesOf(dry.json, root);
  for (const file of dry.json.files.filter(transformFailed)) out.crashes.push(`--dry: ${path.relative(root, file.path)}: ${file.reason}`);
  if (dry.json.written !== false) out.problems.push('--dry reports that it wrote');

  // b. Write mode on a copy of the package.
  const copy = path.join(scratch, 'copy', name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(root, copy, { recursive: true, filter: (source) => !source.slice(root.length).split(path.sep).includes('node_modules') });
  const copied = relativeFiles.map((file) => path.join(copy, file));
  const write = runCli(['codemod', ...variant.args, '--json', ...copied]);
  out.write = { status: write.status, ms: write.ms, cpuMs: write.cpuMs };
  if (write.crash) {
    out.crashes.push(`write: ${write.crash}`);
    rmSync(copy, { recursive: true, force: true });
    return out;
  }
  const written = statusesOf(write.json, copy);
  for (const file of write.json.files.filter(transformFailed)) out.crashes.push(`write: ${path.relative(copy, file.path)}: ${file.reason}`);
  for (const file of relativeFiles) {
    const a = dryFiles.get(file);
    const b = written.get(file);
    if (!a || !b) {
      out.problems.push(`${file}: missing from the ${a ? 'write' : '--dry'} report`);
      continue;
    }
    out[b.status === 'error' ? 'errors' : b.status] += 1;
    if (a.status !== b.status) out.problems.push(`${file}: --dry says ${a.status}, the write ${b.status}`);
    if (b.status === 'error' && b.line !== null) out.parseErrors.push({ file, line: b.line, column: b.column, message: b.reason });
    else if (b.status === 'error' && !transformFailed(b)) out.problems.push(`${file}: ${b.reason}`);
    const original = readFileSync(path.join(root, file), 'utf8');
    const now = readFileSync(path.join(copy, file), 'utf8');
    if (b.status !== 'ok') {
      if (now !== original) out.problems.push(`${file}: ${b.status}, but the file changed`);
      continue;
    }
    if (now === original) out.problems.push(`${file}: ok, but the file is unchanged`);
    const items = b.trackers ?? b.listeners ?? [];
    out.rewritten.push({ file, items: items.filter((i) => i.status === 'rewritten').map((i) => `${i.name}:${i.line}`) });
    const problems = parseProblems(path.join(copy, file), now);
    if (problems.length === 0) out.outputsParsed += 1;
    else out.problems.push(`${file}: the output does not parse: ${problems.join('; ')}`);
  }
  const leftovers = readdirSync(copy, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.tmp'));
  for (const file of leftovers) out.problems.push(`${file}: a temporary file left behind`);

  // c. A second run over the rewritten copy changes nothing.
  const before = new Map(copied.map((file) => [file, hash(file)]));
  const second = runCli(['codemod', ...variant.args, '--json', ...copied]);
  out.second = { status: second.status, ms: second.ms, cpuMs: second.cpuMs };
  if (second.crash) out.crashes.push(`second pass: ${second.crash}`);
  else {
    for (const file of second.json.files.filter(transformFailed)) out.crashes.push(`second pass: ${path.relative(copy, file.path)}: ${file.reason}`);
    for (const file of second.json.files.filter((f) => f.status === 'ok')) out.problems.push(`${path.relative(copy, file.path)}: the second pass rewrites it again`);
  }
  for (const file of copied) {
    if (hash(file) !== before.get(file)) {
      out.secondPassChanges += 1;
      out.problems.push(`${path.relative(copy, file)}: changed by the second pass`);
    }
  }
  rmSync(copy, { recursive: true, force: true });
  return out;
}

function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const started = performance.now();
  const allFiles = listCorpusFiles();
  const ruleKeys = ruleReportKeys();
  const corpusHashes = new Map(allFiles.map((f) => [f.path, hash(f.path)]));
  const packages = [];
  for (const { name, version } of corpusPackages()) {
    if (only.size > 0 && !only.has(name)) continue;
    const files = allFiles.filter((f) => f.package === name);
    const root = path.join(CORPUS_MODULES, name);
    console.error(`${name}: ${files.length} files`);
    const scan = scanPackage(name, root, files, ruleKeys);
    console.error(`  scan: exit ${scan.status}, ${scan.findings.length} findings, ${scan.errors.length} not scanned, ${scan.ms} ms${scan.crash ? `, CRASH ${scan.crash}` : ''}`);
    const codemods = {};
    for (const variant of CODEMOD_VARIANTS) {
      const result = codemodPackage(name, root, files, variant);
      codemods[variant.name] = result;
      console.error(`  codemod ${variant.name}: ${result.ok} ok, ${result.unmodified} unmodified, ${result.skipped} skipped, ${result.errors} errors; `
        + `${result.outputsParsed} outputs parse; ${result.secondPassChanges} changed by a second pass; `
        + `${result.crashes.length} crashes, ${result.problems.length} problems`);
      for (const line of [...result.crashes, ...result.problems]) console.error(`    ${line}`);
    }
    packages.push({ package: name, version, files: files.length, scan, codemods });
  }
  const corpusChanged = allFiles.filter((f) => hash(f.path) !== corpusHashes.get(f.path)).map((f) => `${f.package}/${f.file}`);

  const sum = (values) => values.reduce((total, value) => total + (value ?? 0), 0);
  const scanned = packages.map((p) => p.scan);
  const totals = {
    packages: packages.length,
    files: sum(packages.map((p) => p.files)),
    scan: {
      crashes: scanned.filter((s) => s.crash).length,
      findings: sum(scanned.map((s) => s.findings.length)),
      crossFileFindings: sum(scanned.map((s) => s.findings.filter((f) => f.crossFile).length)),
      notReportedByTheRule: ruleKeys === null ? null : sum(scanned.map((s) => s.findings.filter((f) => f.ruleReportsIt === false).length)),
      filesWithFindings: sum(scanned.map((s) => new Set(s.findings.map((f) => f.file)).size)),
      notScanned: sum(scanned.map((s) => s.errors.length)),
      ms: sum(scanned.map((s) => s.ms)),
      cpuMs: sum(scanned.map((s) => s.cpuMs)),
      maxRssMiB: Math.max(...scanned.map((s) => s.maxRssMiB ?? 0)),
    },
    codemods: Object.fromEntries(CODEMOD_VARIANTS.map(({ name }) => {
      const runs = packages.map((p) => p.codemods[name]);
      return [name, {
        crashes: sum(runs.map((r) => r.crashes.length)),
        problems: sum(runs.map((r) => r.problems.length)),
        ok: sum(runs.map((r) => r.ok)),
        unmodified: sum(runs.map((r) => r.unmodified)),
        skipped: sum(runs.map((r) => r.skipped)),
        errors: sum(runs.map((r) => r.errors)),
        parseErrors: sum(runs.map((r) => r.parseErrors.length)),
        outputsParsed: sum(runs.map((r) => r.outputsParsed)),
        secondPassChanges: sum(runs.map((r) => r.secondPassChanges)),
        dryMs: sum(runs.map((r) => r.dry?.ms)),
        dryCpuMs: sum(runs.map((r) => r.dry?.cpuMs)),
        writeMs: sum(runs.map((r) => r.write?.ms)),
        secondMs: sum(runs.map((r) => r.second?.ms)),
      }];
    })),
    corpusChangedByDry: corpusChanged.length,
  };
  const seconds = (performance.now() - started) / 1000;
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineSummary(),
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
    command: `npm run build && node bench/corpus-robustness.mjs${only.size ? ` ${[...only].map((p) => `--package ${p}`).join(' ')}` : ''}`,
    seconds: Number(seconds.toFixed(1)),
    totals,
    corpusChanged,
    packages: packages.sort((a, b) => byString(a.package, b.package)),
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);

  const c = totals.codemods;
  console.log(`${totals.packages} packages, ${totals.files} files in ${seconds.toFixed(0)} s (${machineSummary()})`);
  console.log(`scan: ${totals.scan.crashes} crashes, ${totals.scan.findings} findings (${totals.scan.crossFileFindings} across files) in ${totals.scan.filesWithFindings} files, `
    + `${totals.scan.notScanned} files not scanned, ${(totals.scan.ms / 1000).toFixed(1)} s wall, ${(totals.scan.cpuMs / 1000).toFixed(1)} s CPU`);
  for (const { name } of CODEMOD_VARIANTS) {
    const t = c[name];
    console.log(`codemod ${name}: ${t.crashes} crashes, ${t.ok} rewritten (${t.outputsParsed} outputs parse), ${t.unmodified} unmodified, ${t.skipped} skipped, `
      + `${t.errors} errors (${t.parseErrors} parse errors), ${t.secondPassChanges} files changed by a second pass, ${t.problems} problems`);
  }
  console.log(`corpus files changed by the --dry runs: ${totals.corpusChangedByDry}`);
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_PATH)}`);

  const crashes = totals.scan.crashes + sum(Object.values(c).map((t) => t.crashes));
  const problems = sum(Object.values(c).map((t) => t.problems)) + totals.corpusChangedByDry;
  process.exitCode = crashes > 0 ? CRASH_EXIT_CODE : problems > 0 ? PROBLEM_EXIT_CODE : 0;
}

main();
