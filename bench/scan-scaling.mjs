// How `listener-leak scan` grows with the project: the same TypeScript project (a published package's sources,
// bench/typed-project.mjs) copied 1 to 4 times into distinct folders under one tsconfig.json, each size scanned in a
// fresh process (`node dist/src/cli/index.js scan . --project tsconfig.json --format json`), sizes in alternating
// order over the rounds. Wall time, CPU time and peak memory (the child's own process.resourceUsage(), written at
// exit by a preloaded module); flat time and memory per file = linear. Writes bench/scan-scaling-results.json.
//
//   npm run build && node bench/scan-scaling.mjs [--rounds N] [--project grpc-js|mongodb|all] [--sizes 1,2,3,4]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, median } from './measure.mjs';
import { TYPED_PROJECTS, materializeProject } from './typed-project.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const CLI = path.join(ROOT, 'dist/src/cli/index.js');
const RESULTS_PATH = path.join(BENCH_DIR, 'scan-scaling-results.json');

// Loaded before the CLI in the child: at exit, its own resource usage (maxRSS in KiB, CPU times in microseconds).
const USAGE_PRELOAD = 'data:text/javascript,'
  + encodeURIComponent('import { writeFileSync } from "node:fs";'
    + 'process.on("exit", () => writeFileSync(process.env.LISTENER_LEAK_BENCH_USAGE, JSON.stringify(process.resourceUsage())));');

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

/** One scan of the project in a fresh process. */
function scanOnce(project) {
  const usageFile = path.join(os.tmpdir(), `listener-leak-bench-usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', USAGE_PRELOAD, CLI, 'scan', '.', '--project', 'tsconfig.json', '--format', 'json'], {
    cwd: project.root,
    env: { ...process.env, LISTENER_LEAK_BENCH_USAGE: usageFile },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  // 0: no findings, 1: findings (or files that could not be scanned); anything else is a failure.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`listener-leak scan on ${project.package} x${project.copies} exited with ${result.status}:\n${result.stderr}`);
  }
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  rmSync(usageFile, { force: true });
  const report = JSON.parse(result.stdout);
  return {
    ms,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMiB: usage.maxRSS / 1024,
    summary: report.summary,
    findings: report.findings,
    errors: report.errors,
    stderr: result.stderr.trim(),
  };
}

const round0 = (n) => Number(n.toFixed(0));

function measureProject(key, sizes, rounds) {
  const projects = sizes.map((copies) => ({ ...materializeProject(key, { copies }), copies }));
  try {
    const runs = new Map(sizes.map((s) => [s, []]));
    const firstRun = new Map();
    for (let r = 0; r < rounds; r += 1) {
      // Small to large, then large to small: a slow spell on a shared machine lands on every size alike.
      for (const project of r % 2 === 0 ? projects : [...projects].reverse()) {
        const run = scanOnce(project);
        if (!firstRun.has(project.copies)) firstRun.set(project.copies, run);
        runs.get(project.copies).push({ ms: round0(run.ms), cpuMs: round0(run.cpuMs), maxRssMiB: round0(run.maxRssMiB) });
      }
      console.error(`  round ${r + 1}/${rounds}: ${sizes.map((s) => `x${s} ${runs.get(s).at(-1).ms} ms (cpu ${runs.get(s).at(-1).cpuMs}, ${runs.get(s).at(-1).maxRssMiB} MiB)`).join(', ')}`);
    }
    const rows = projects.map((project) => {
      const list = runs.get(project.copies);
      const first = firstRun.get(project.copies);
      const ms = median(list.map((run) => run.ms));
      const cpuMs = median(list.map((run) => run.cpuMs));
      const maxRssMiB = median(list.map((run) => run.maxRssMiB));
      return {
        copies: project.copies,
        files: project.files.length,
        lines: project.lines,
        bytes: project.bytes,
        filesScanned: first.summary.filesScanned,
        filesAnalysed: first.summary.filesAnalysed,
        findings: first.findings.length,
        errors: first.errors.length,
        firstErrors: first.errors.slice(0, 5),
        stderr: first.stderr.slice(0, 2000),
        runs: list,
        ms,
        cpuMs,
        maxRssMiB,
        msPerFile: Number((ms / project.files.length).toFixed(2)),
        cpuMsPerFile: Number((cpuMs / project.files.length).toFixed(2)),
        rssMiBPerFile: Number((maxRssMiB / project.files.length).toFixed(3)),
      };
    });
    // Against the smallest size, and the cost of the files added since the previous size: a process has a fixed
    // cost (start-up, Node's own declarations) that the per-file figures of small sizes carry; the marginal cost
    // per added file is what stays flat when growth is linear.
    const base = rows[0];
    rows.forEach((row, i) => {
      row.msVsBase = Number((row.ms / base.ms).toFixed(2));
      row.cpuVsBase = Number((row.cpuMs / base.cpuMs).toFixed(2));
      row.rssVsBase = Number((row.maxRssMiB / base.maxRssMiB).toFixed(2));
      if (i === 0) return;
      const previous = rows[i - 1];
      const added = row.files - previous.files;
      row.marginal = {
        msPerFile: Number(((row.ms - previous.ms) / added).toFixed(2)),
        cpuMsPerFile: Number(((row.cpuMs - previous.cpuMs) / added).toFixed(2)),
        rssMiBPerFile: Number(((row.maxRssMiB - previous.maxRssMiB) / added).toFixed(3)),
      };
    });
    const sample = firstRun.get(sizes[0]).findings.slice(0, 20);
    return {
      key,
      package: projects[0].package,
      version: projects[0].version,
      sources: `${projects[0].sources}/`,
      rows,
      findingsAt1x: sample,
    };
  } finally {
    for (const project of projects) project.cleanup();
  }
}

function main() {
  if (!existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} is missing: run \`npm run build\` first`);
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  if (!/^\s+scan\b/m.test(help.stdout)) throw new Error('`listener-leak --help` lists no scan command: build the branch that has it');
  const rounds = Number(option('--rounds', '3'));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  const sizes = option('--sizes', '1,2,3,4').split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--sizes takes positive integers, comma-separated');
  const projectArg = option('--project', 'all');
  const keys = projectArg === 'all' ? Object.keys(TYPED_PROJECTS) : [projectArg];
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const machine = `${machineSummary()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average at start ${load}`;
  const measured = [];
  for (const key of keys) {
    console.error(`scan-scaling: ${key}, sizes ${sizes.map((s) => `x${s}`).join(' ')}, ${rounds} rounds`);
    measured.push({
      ...measureProject(key, sizes, rounds),
      date: new Date().toISOString(),
      machine,
      command: `npm run build && node bench/scan-scaling.mjs --project ${key}${rounds === 3 ? '' : ` --rounds ${rounds}`}`,
      scanCommand: 'node dist/src/cli/index.js scan . --project tsconfig.json --format json',
      rounds,
    });
  }
  // Each project carries its own date, machine and command, so a run of one project keeps the others' last results.
  const previous = existsSync(RESULTS_PATH) ? JSON.parse(readFileSync(RESULTS_PATH, 'utf8')).projects : [];
  const order = Object.keys(TYPED_PROJECTS);
  const projects = [...previous.filter((p) => !keys.includes(p.key)), ...measured].sort((x, y) => order.indexOf(x.key) - order.indexOf(y.key));
  writeFileSync(RESULTS_PATH, `${JSON.stringify({ projects }, null, 2)}\n`);
  for (const p of measured) {
    for (const row of p.rows) {
      console.log(`${p.package} x${row.copies}: ${row.files} files, ${row.ms} ms (${row.msPerFile} ms/file), cpu ${row.cpuMs} ms, `
        + `${row.maxRssMiB} MiB (${row.rssMiBPerFile} MiB/file), ${row.findings} findings, ${row.errors} errors`);
    }
  }
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_PATH)}`);
}

main();
