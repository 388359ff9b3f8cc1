// Typed lint of a large TypeScript project with ESLint's Node API, two configurations side by side: (a) typescript-eslint's
// parser with projectService and no rules, (b) the same plus listener-leak's configs['recommended-type-checked'].
// Rounds alternate a-b, b-a; each lint runs in a fresh child process, so each one pays, as `npx eslint .` does, for
// the TypeScript program, the type checker and listener-leak's cross-file pass. (In one process, the second round
// would find all three cached: typescript-estree keeps its project service, the checker keeps the types it computed,
// and the analysis keeps its parses by path and text.) Writes bench/typed-results.json.
//
//   npm run build && node bench/typed.mjs [--rounds N] [--project grpc-js|mongodb|all]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { parser, plugin } from './lint-config.mjs';
import { describeCallers, machineSummary, median, timedPlugin } from './measure.mjs';
import { TYPED_PROJECTS, createProgram, materializeProject, typeErrors } from './typed-project.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const RESULTS_PATH = path.join(path.dirname(SCRIPT), 'typed-results.json');
const KEYS = ['parse', 'ours'];

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

/**
 * listener-leak's typed config. Until configs['recommended-type-checked'] exists, the same thing spelled out:
 * configs.recommended with no-per-request-listener's typeChecked option.
 */
function typedConfig() {
  const config = plugin.configs['recommended-type-checked'];
  if (config) return { source: "configs['recommended-type-checked']", config };
  const { recommended } = plugin.configs;
  return {
    source: "configs.recommended with 'listener-leak/no-per-request-listener': ['error', { typeChecked: true }] (configs['recommended-type-checked'] did not exist yet)",
    config: { ...recommended, rules: { ...recommended.rules, 'listener-leak/no-per-request-listener': ['error', { typeChecked: true }] } },
  };
}

/** The ESLint instance for a configuration: the same language options for both; (b) adds the typed config, its rules clocked. */
function eslintFor(key, root, clock) {
  const { config } = typedConfig();
  // (a) parses with typescript-eslint's parser; (b) with the parser of the config it measures: the same parser,
  // through listener-leak's wrapper, which hands the project pass's parses over to ESLint.
  const language = {
    name: 'bench/typed-language',
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    languageOptions: { ...(key === 'ours' ? {} : { parser }), parserOptions: { projectService: true, tsconfigRootDir: root } },
  };
  // Our config first and the language options last, so (a) and (b) parse with the very same parserOptions.
  const ours = { ...config, plugins: { ...config.plugins, 'listener-leak': timedPlugin(plugin, clock) } };
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: key === 'ours' ? [ours, language] : [language],
    cache: false,
    concurrency: 'off',
    // The project's own `eslint-disable` comments name rules that are not loaded here.
    allowInlineConfig: false,
  });
}

const toMessage = (root, result, m) => ({
  file: path.relative(root, result.filePath).split(path.sep).join('/'),
  line: m.line,
  column: m.column,
  ruleId: m.ruleId,
  message: m.message,
});

function messagesOf(root, results) {
  const findings = [];
  const fatal = [];
  const other = [];
  for (const result of results) {
    for (const m of result.messages) {
      if (m.fatal) fatal.push(toMessage(root, result, m));
      else if (m.ruleId?.startsWith('listener-leak/')) findings.push(toMessage(root, result, m));
      else other.push(toMessage(root, result, m));
    }
  }
  return { findings, fatal, other };
}

/** In a child: one lint of every file from a cold start, or (`analyze`) the cross-file pass alone; prints JSON. */
async function child(key, root, files) {
  if (key === 'analyze') {
    // Of the time inside our rules, the part spent in the cross-file pass (analyzeProgram, run once per program by
    // the first file that registers a listener), timed alone on a program the compiler builds (untimed).
    const { analyzeProgram } = await import('../dist/src/analysis/project.js');
    const program = createProgram(path.join(root, 'tsconfig.json'));
    // In a lint, typescript-eslint's project service has made the type checker (which binds every file) before any
    // rule runs, and the pass converts the bound trees: made here untimed too, so the pass is timed alone.
    program.getTypeChecker();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const pass = analyzeProgram(program);
    const ms = performance.now() - start;
    const { user, system } = process.cpuUsage(cpu);
    // Untimed: the pass analyses files on demand, and must find the calls into each file that a pass over every
    // file of the program finds.
    const whole = analyzeProgram(program, { relevantOnly: false });
    const callers = describeCallers(pass);
    const sameCallers = JSON.stringify(callers) === JSON.stringify(describeCallers(whole));
    console.log(JSON.stringify({ ms, cpuMs: (user + system) / 1000, files: pass.files, wholeFiles: whole.files, callers: callers.length, sameCallers }));
    return;
  }
  const clock = { ms: 0 };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = await eslintFor(key, root, clock).lintFiles(files);
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  console.log(JSON.stringify({
    ms,
    cpuMs: (user + system) / 1000,
    inRulesMs: clock.ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    ...messagesOf(root, results),
  }));
}

function runChild(key, project) {
  const result = spawnSync(process.execPath, [SCRIPT, '--child', key, '--root', project.root], {
    env: { ...process.env, LISTENER_LEAK_BENCH_FILES: JSON.stringify(project.files) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bench/typed.mjs, (${key}) on ${project.package} exited with ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/** What configs.recommended reports on the same files without type information, for comparison (untimed). */
async function untypedFindings(project) {
  const eslint = new ESLint({
    cwd: project.root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser } }, plugin.configs.recommended],
    cache: false,
    allowInlineConfig: false,
  });
  return messagesOf(project.root, await eslint.lintFiles(project.files)).findings;
}

const whole = (n) => Number(n.toFixed(0));

async function measureProject(key, rounds, machine, command) {
  const project = materializeProject(key);
  try {
    const errors = typeErrors(project.tsconfig);
    console.error(`typed: ${project.package}@${project.version} ${project.sources}/: ${project.files.length} files, ${project.lines} lines; `
      + `${errors.count} type errors${errors.unresolvedModules.length ? ` (unresolved: ${errors.unresolvedModules.join(', ')})` : ''}`);

    // Both configurations parse with the same options: checked on the resolved config of one file.
    const [probeA, probeB] = await Promise.all(KEYS.map((k) => eslintFor(k, project.root, { ms: 0 }).calculateConfigForFile(project.files[0])));
    const parsers = { parse: probeA.languageOptions.parser?.meta?.name, ours: probeB.languageOptions.parser?.meta?.name };
    if (JSON.stringify(probeA.languageOptions.parserOptions) !== JSON.stringify(probeB.languageOptions.parserOptions)) {
      throw new Error('(a) and (b) resolve to different parserOptions: fix the configs in bench/typed.mjs');
    }

    const runs = Object.fromEntries(KEYS.map((k) => [k, []]));
    const analyze = [];
    let passFiles = null;
    const first = {};
    for (let r = 0; r < rounds; r += 1) {
      for (const k of r % 2 === 0 ? KEYS : [...KEYS].reverse()) {
        const run = runChild(k, project);
        first[k] ??= run;
        if (run.findings.length !== first[k].findings.length || run.fatal.length !== first[k].fatal.length) {
          throw new Error(`round ${r + 1}, (${k}): ${run.findings.length} findings and ${run.fatal.length} parse errors; round 1 had ${first[k].findings.length} and ${first[k].fatal.length}`);
        }
        runs[k].push({ ms: whole(run.ms), cpuMs: whole(run.cpuMs), inRulesMs: whole(run.inRulesMs), maxRssMiB: whole(run.maxRssMiB) });
      }
      const pass = runChild('analyze', project);
      if (!pass.sameCallers) throw new Error(`${key}: the pass on demand found other calls across files than the pass over every file`);
      analyze.push({ ms: whole(pass.ms), cpuMs: whole(pass.cpuMs) });
      passFiles = { files: pass.files, wholeFiles: pass.wholeFiles, callers: pass.callers };
      console.error(`  round ${r + 1}/${rounds}: ${KEYS.map((k) => `${k} ${runs[k].at(-1).ms} ms (cpu ${runs[k].at(-1).cpuMs})`).join(', ')}; `
        + `in listener-leak's rules ${runs.ours.at(-1).inRulesMs} ms; the cross-file pass alone ${analyze.at(-1).ms} ms (cpu ${analyze.at(-1).cpuMs})`);
    }

    const untyped = await untypedFindings(project);
    const keyOf = (f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`;
    const untypedKeys = new Set(untyped.map(keyOf));
    const typedKeys = new Set(first.ours.findings.map(keyOf));
    const med = (k, field) => median(runs[k].map((run) => run[field]));
    return {
      key,
      date: new Date().toISOString(),
      machine,
      command,
      rounds,
      package: project.package,
      version: project.version,
      sources: `${project.sources}/`,
      files: project.files.length,
      lines: project.lines,
      bytes: project.bytes,
      compilerOptions: project.compilerOptions,
      typeErrors: errors,
      config: typedConfig().source,
      parsers,
      ruleIds: Object.keys(typedConfig().config.rules ?? {}),
      runs,
      medians: Object.fromEntries(KEYS.map((k) => [k, { ms: med(k, 'ms'), cpuMs: med(k, 'cpuMs'), maxRssMiB: med(k, 'maxRssMiB') }])),
      ratio: Number((med('ours', 'ms') / med('parse', 'ms')).toFixed(3)),
      cpuRatio: Number((med('ours', 'cpuMs') / med('parse', 'cpuMs')).toFixed(3)),
      pairedRatios: runs.ours.map((run, i) => Number((run.ms / runs.parse[i].ms).toFixed(3))),
      inRulesMedianMs: med('ours', 'inRulesMs'),
      crossFilePass: analyze,
      crossFilePassMedian: { ms: median(analyze.map((a) => a.ms)), cpuMs: median(analyze.map((a) => a.cpuMs)) },
      crossFilePassFiles: passFiles,
      parseErrors: first.ours.fatal,
      otherMessages: [...first.parse.other, ...first.ours.other],
      findings: first.ours.findings.map((f) => ({ ...f, untyped: untypedKeys.has(keyOf(f)) })),
      untypedOnly: untyped.filter((f) => !typedKeys.has(keyOf(f))),
    };
  } finally {
    project.cleanup();
  }
}

async function main() {
  const rounds = Number(option('--rounds', '5'));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  const projectArg = option('--project', 'all');
  const keys = projectArg === 'all' ? Object.keys(TYPED_PROJECTS) : [projectArg];
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const machine = `${machineSummary()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ESLint ${ESLint.version}, `
    + `@typescript-eslint/parser ${parser.meta?.version ?? parser.version}; load average at start ${load}`;
  const projects = [];
  for (const key of keys) {
    const command = `npm run build && node bench/typed.mjs --project ${key}${rounds === 5 ? '' : ` --rounds ${rounds}`}`;
    projects.push(await measureProject(key, rounds, machine, command));
  }
  // Each project carries its own date, machine and command, so a run of one project keeps the others' last results.
  const previous = existsSync(RESULTS_PATH) ? JSON.parse(readFileSync(RESULTS_PATH, 'utf8')).projects : [];
  const order = Object.keys(TYPED_PROJECTS);
  const results = {
    plugin: `${plugin.meta.name}@${plugin.meta.version}`,
    projects: [...previous.filter((p) => !keys.includes(p.key)), ...projects].sort((x, y) => order.indexOf(x.key) - order.indexOf(y.key)),
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  for (const p of projects) {
    console.log(`${p.package}: (a) ${p.medians.parse.ms} ms, (b) ${p.medians.ours.ms} ms, b/a ${p.ratio} (cpu ${p.cpuRatio}); `
      + `${p.findings.length} findings, ${p.parseErrors.length} parse errors`);
  }
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_PATH)}`);
}

if (args.includes('--child')) {
  await child(option('--child'), option('--root'), JSON.parse(process.env.LISTENER_LEAK_BENCH_FILES ?? '[]'));
} else {
  await main();
}
