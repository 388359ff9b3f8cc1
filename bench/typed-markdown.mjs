// Renders typed-results.json (bench/typed.mjs) and scan-scaling-results.json (bench/scan-scaling.mjs) as the
// Markdown sections of RESULTS.md; run.mjs calls these.

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const thousands = (n) => Number(n).toLocaleString('en-US');
const ms = (n) => thousands(Math.round(n));

/** The typed lint section: one subsection per project, findings with their verdicts (keys `package/file:line`). */
export function typedMarkdown(typed, verdicts) {
  const out = ['## Typed lint: `recommended-type-checked` on a whole TypeScript project', ''];
  out.push('A published TypeScript package\'s own sources from the corpus, copied into a temporary folder with a generated',
    '`tsconfig.json` (`strict`, `module`/`moduleResolution` `node16`, `skipLibCheck`, `types: ["node"]`, plus the package\'s own',
    'options where they matter) and a `node_modules` link to the corpus\'s, so its dependencies\' declarations resolve. Linted with',
    'ESLint\'s Node API (`ESLint#lintFiles`, no inline config) in two configurations with the very same language options',
    '(checked on the resolved config of a file): **(a)** `@typescript-eslint/parser` with `parserOptions.projectService` and no',
    'rules; **(b)** the same plus listener-leak\'s typed config. Neither has a typescript-eslint rule: (a) builds the program',
    '(every file and declaration parsed and bound) but runs no type checking, so b/a charges listener-leak with every bit of',
    'checker work its rules trigger, the worst case: a project whose only typed rules are ours. With typescript-eslint\'s',
    'own type-checked rules on, part of that work would be shared and the ratio smaller.', '');
  out.push('Each lint runs in a fresh process (`bench/typed.mjs` spawns one per lint, rounds alternating a-b, b-a), so each pays,',
    'as `npx eslint .` does, for the program, the type checker and listener-leak\'s cross-file pass. In one process the second',
    'round would find all three cached (typescript-estree keeps its project service, the checker the types it computed, the',
    'analysis its parses by path and text), and (b) would look cheaper than a CI run is. The CPU column is the child\'s own',
    'user + system time: on a shared machine it moves less than wall time.', '');
  for (const p of typed.projects) {
    out.push(`### ${p.package} ${p.version}: \`${p.sources}\`, ${p.files} files, ${thousands(p.lines)} lines`, '');
    out.push(`${p.machine}; ${p.date}; \`${p.command}\`; ${p.rounds} rounds (each a and b once).`, '');
    const unresolved = p.typeErrors.unresolvedModules.length
      ? ` (including unresolved optional peers not installed in the corpus: ${p.typeErrors.unresolvedModules.map((m) => `\`${m}\``).join(', ')}; their imports are typed \`any\`)`
      : '';
    const parsers = p.parsers ? ` Parsers: (a) \`${p.parsers.parse}\`, (b) \`${p.parsers.ours}\` (the config's own: typescript-eslint's, through a wrapper that lets ESLint reuse the parses the project pass made).` : '';
    out.push(`The project as \`tsc --noEmit\` sees it: **${p.typeErrors.count} type errors**${unresolved}. (b) is ${p.config}.${parsers}`, '');
    out.push('| configuration | median wall (ms) | median CPU (ms) | median peak RSS (MiB) | wall per round (ms) | CPU per round (ms) |',
      '| --- | ---: | ---: | ---: | --- | --- |');
    const row = (label, key) => `| ${label} | ${ms(p.medians[key].ms)} | ${ms(p.medians[key].cpuMs)} | ${ms(p.medians[key].maxRssMiB)} `
      + `| ${p.runs[key].map((r) => r.ms).join(', ')} | ${p.runs[key].map((r) => r.cpuMs).join(', ')} |`;
    out.push(row('(a) typed parse (projectService), no rules', 'parse'), row('(b) (a) + listener-leak typed config', 'ours'), '');
    out.push(`**b/a = ${p.ratio.toFixed(3)}** on wall time (target, issue 5: under 1.15: **${p.ratio < 1.15 ? 'met' : 'not met'}**), `
      + `${p.cpuRatio.toFixed(3)} on CPU time; per round: ${p.pairedRatios.join(', ')}. `
      + `Time inside listener-leak's rules in (b): median ${ms(p.inRulesMedianMs)} ms; the cross-file pass alone (\`analyzeProgram\` on a `
      + `program the compiler built and bound, timed in its own fresh process): median ${ms(p.crossFilePassMedian.ms)} ms wall, ${ms(p.crossFilePassMedian.cpuMs)} ms CPU `
      + `(per round, wall: ${p.crossFilePass.map((a) => a.ms).join(', ')}).`
      + (p.crossFilePassFiles
        ? ` The pass parsed ${p.crossFilePassFiles.files.parsed} of the program's ${p.crossFilePassFiles.wholeFiles.parsed} files and analysed `
          + `${p.crossFilePassFiles.files.analysed} (those whose code may repeat by itself, and those its repeating calls land in), and found the same `
          + `${p.crossFilePassFiles.callers} calls across files as a pass over every file (checked each round).`
        : ''), '');
    out.push(...findingsMarkdown(p, verdicts));
  }
  return out;
}

function findingsMarkdown(p, verdicts) {
  const out = [];
  const key = (f) => `${p.package}/${f.file}:${f.line}`;
  out.push(`Reports of (b): **${p.findings.length}**; parse errors: **${p.parseErrors.length}**; `
    + `reports of \`configs.recommended\` without types on the same files that (b) does not make: **${p.untypedOnly.length}**.`, '');
  if (p.findings.length) {
    out.push('| # | where | rule | message | untyped too | verdict | why |', '| ---: | --- | --- | --- | --- | --- | --- |');
    p.findings.forEach((f, i) => {
      const v = verdicts[key(f)];
      out.push(`| ${i + 1} | \`${key(f)}:${f.column}\` | ${f.ruleId.replace('listener-leak/', '')} | ${cell(f.message)} | ${f.untyped ? 'yes' : 'no'} `
        + `| ${v ? v.verdict : 'unreviewed'} | ${v ? cell(v.why) : ''} |`);
    });
    out.push('');
  }
  if (p.untypedOnly.length) {
    out.push('Reported without types, not with them:', '');
    for (const f of p.untypedOnly) out.push(`- \`${key(f)}:${f.column}\` ${f.ruleId.replace('listener-leak/', '')}: ${cell(f.message)}`);
    out.push('');
  }
  if (p.parseErrors.length) {
    out.push('Parse errors:', '');
    for (const f of p.parseErrors) out.push(`- \`${key(f)}:${f.column}\`: ${cell(f.message)}`);
    out.push('');
  }
  return out;
}

/** Linear when the cost of the files added from the last size to the next stays within this factor of the first step's. */
const LINEAR_BAND = 1.33;

/** Least squares over every run: cost = fixed + perFile * files, and how much of the spread the line explains (R²). */
function linearFit(rows, field) {
  const points = rows.flatMap((r) => r.runs.map((run) => [r.files, run[field]]));
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const perFile = sxy / sxx;
  const fixed = my - perFile * mx;
  const residual = points.reduce((s, [x, y]) => s + (y - fixed - perFile * x) ** 2, 0);
  const total = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  return { fixed, perFile, r2: 1 - residual / total };
}

/** The scan section: wall time, CPU time and peak memory at 1x to 4x the project, with the marginal cost per added file. */
export function scanScalingMarkdown(scan) {
  const out = ['## `listener-leak scan` against project size', ''];
  out.push('The same projects as the typed lint, copied 1 to 4 times into distinct folders (`src`, `src2`, ...) under one generated',
    '`tsconfig.json`, so every file is distinct and imports stay within their copy. Each size is scanned in a fresh process,',
    'sizes small to large then large to small over the rounds (`bench/scan-scaling.mjs`); CPU time and peak RSS are the scan',
    'process\'s own `process.resourceUsage()` at exit. A process has a fixed cost (start-up, loading ts-morph, parsing Node\'s',
    'declarations), so per-file figures fall with size; the "added" columns, the cost of the files added since the previous',
    'size, are what stay flat when growth is linear.', '');
  for (const p of scan.projects) {
    out.push(`### ${p.package} ${p.version}: \`${p.sources}\` x1 to x${p.rows.at(-1).copies}`, '');
    out.push(`${p.machine}; ${p.date}; \`${p.command}\` (each scan: \`${p.scanCommand}\`); median of ${p.rounds} rounds.`, '');
    out.push('| size | files | lines | wall (ms) | CPU (ms) | CPU per file (ms) | CPU per added file (ms) | peak RSS (MiB) | RSS per added file (MiB) | wall per round (ms) | findings | errors |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |');
    for (const r of p.rows) {
      out.push(`| x${r.copies} | ${thousands(r.files)} | ${thousands(r.lines)} | ${ms(r.ms)} | ${ms(r.cpuMs)} | ${r.cpuMsPerFile.toFixed(1)} `
        + `| ${r.marginal ? r.marginal.cpuMsPerFile.toFixed(1) : ''} | ${ms(r.maxRssMiB)} | ${r.marginal ? r.marginal.rssMiBPerFile.toFixed(2) : ''} `
        + `| ${r.runs.map((run) => run.ms).join(', ')} | ${r.findings} | ${r.errors} |`);
    }
    out.push('');
    const steps = p.rows.filter((r) => r.marginal);
    if (steps.length >= 2) {
      const verdict = (first, last) => (last / first <= LINEAR_BAND && first / last <= LINEAR_BAND ? 'linear' : last > first ? 'worse than linear' : 'better than linear');
      const [a, z] = [steps[0].marginal, steps.at(-1).marginal];
      out.push(`From x${p.rows[0].copies} to x${p.rows.at(-1).copies}: CPU time x${p.rows.at(-1).cpuVsBase}, wall time x${p.rows.at(-1).msVsBase}, `
        + `peak memory x${p.rows.at(-1).rssVsBase}. CPU per added file ${a.cpuMsPerFile.toFixed(1)} ms at the first step, ${z.cpuMsPerFile.toFixed(1)} ms at the last: `
        + `**${verdict(a.cpuMsPerFile, z.cpuMsPerFile)}**; memory per added file ${a.rssMiBPerFile.toFixed(2)} MiB, then ${z.rssMiBPerFile.toFixed(2)} MiB: `
        + `**${verdict(a.rssMiBPerFile, z.rssMiBPerFile)}** (linear: the last step within ${LINEAR_BAND}x of the first).`, '');
    }
    if (p.rows.length >= 3) {
      const cpu = linearFit(p.rows, 'cpuMs');
      const rss = linearFit(p.rows, 'maxRssMiB');
      out.push(`A straight line through all ${p.rows.length * p.rounds} runs: CPU = ${ms(cpu.fixed)} ms + ${cpu.perFile.toFixed(1)} ms per file (R² ${cpu.r2.toFixed(3)}); `
        + `peak RSS = ${ms(rss.fixed)} MiB + ${rss.perFile.toFixed(2)} MiB per file (R² ${rss.r2.toFixed(3)}).`, '');
    }
    const inStep = p.rows.every((r) => r.findings === p.rows[0].findings * (r.copies / p.rows[0].copies));
    out.push(`Findings per size (scan reports what no-per-request-listener reports): ${p.rows.map((r) => `x${r.copies} ${r.findings}`).join(', ')}`
      + `${inStep ? ', in step with the copies' : ': NOT in step with the copies'}.`, '');
    for (const r of p.rows.filter((row) => row.errors > 0)) {
      out.push(`- x${r.copies}: ${r.errors} files not scanned, e.g. ${r.firstErrors.map((e) => `\`${cell(JSON.stringify(e))}\``).join('; ')}`);
    }
    if (p.rows.some((r) => r.errors > 0)) out.push('');
  }
  return out;
}

/** The project pass on demand against a pass over every file, on each corpus package taken as one project. */
export function projectDemandMarkdown(demand) {
  const t = demand.totals;
  const out = ['## The type-checked rule\'s project pass, on demand', ''];
  out.push(`${demand.machine}; ${demand.date}; \`${demand.command}\`.`, '');
  out.push('The type-checked rule needs, for each file, the calls into it from repeating code in other files. Its pass analyses the files '
    + 'whose text can seed repeating code (`mayRepeatText` in `src/analysis/repeating-contexts.ts`), then the files those calls land in, '
    + 'and parses others only to resolve an export. Here each corpus package is one project, analysed both ways from an empty parse cache.', '');
  out.push(`**${t.packages} packages, ${thousands(t.files)} files: ${thousands(t.callers)} calls across files found by the pass over every file; `
    + `the pass on demand misses ${t.missing} and adds ${t.extra}.** It parsed ${thousands(t.onDemand.parsed)} files (every file: ${thousands(t.whole.parsed)}) `
    + `and analysed ${thousands(t.onDemand.analysed)}, in ${ms(t.onDemand.ms)} ms against ${ms(t.whole.ms)} ms.`, '');
  out.push('| package | files | parsed on demand | analysed on demand | calls across files | missing | extra | ms on demand | ms every file |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of demand.packages) {
    out.push(`| ${p.package} | ${p.files} | ${p.onDemand.parsed} | ${p.onDemand.analysed} | ${p.callers} | ${p.missing.length} | ${p.extra.length} | ${ms(p.onDemand.ms)} | ${ms(p.whole.ms)} |`);
  }
  out.push('');
  return out;
}
