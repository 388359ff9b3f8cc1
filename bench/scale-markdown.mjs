// Renders scale-results.json (bench/scale.mjs) as the RESULTS.md section, an array of lines as typed-markdown.mjs's
// functions return: `out.push(...scaleMarkdown(results))`.

const thousands = (n) => Number(n).toLocaleString('en-US');
const ms = (n) => thousands(Math.round(n));
const times = (n) => `${Number(n).toFixed(2)}x`;
const perRound = (runs, key) => runs.map((r) => ms(r[key])).join(', ');
const others = (runs) => runs.map((r) => (r.othersCores === null ? '?' : r.othersCores.toFixed(2))).join(', ');

function loadLine(section) {
  const { loadAverageAtStart: start, loadAverageAtEnd: end } = section.load;
  return `Load: load average (1, 5, 15 min) ${start.join(' ')} at the start, ${end.join(' ')} at the end. The "other processes" column is the `
    + 'CPU the rest of the machine used while each run ran, in cores (from /proc/stat, less the run\'s own). On a machine this busy, '
    + 'a second thread mostly competes with other processes for the same cores, so wall-time speed-ups say little; CPU time says what '
    + 'the threads cost.';
}

export function scaleMarkdown(results) {
  const out = ['## Scale: more than one core', ''];
  out.push('Two ways to use more cores, each on all the files of the corpus and run as a user runs it: a fresh process per run,',
    'rounds alternating the order of the modes. Wall time is the median over the rounds; CPU time is the process\'s own user +',
    'system time, all its threads included; peak RSS is the whole process\'s.', '');

  const e = results.eslint;
  if (e) {
    out.push('### ESLint multithread linting: `eslint --concurrency`', '');
    out.push(`${e.machine}; ${e.date}; \`${e.command}\`; ${e.rounds} round(s).`, '');
    out.push(`The ESLint CLI with \`configs.recommended\` on the ${thousands(e.files)} corpus files, named on the command line, with a`,
      'config (given with `--config`) that sets each file\'s `sourceType` and the parser the other benchmarks use, `--no-inline-config`',
      'and `--format json`. The worker count is what ESLint\'s debug log (`DEBUG=eslint:eslint`) says it started. `auto` starts',
      'min(files / 50, cores / 2) workers, and none when that is 1: none on a machine with fewer than 4 cores.', '');
    out.push(loadLine(e), '');
    out.push('| `--concurrency` | workers | median wall (ms) | median CPU (ms) | median peak RSS (MiB) | speed-up (wall, off / this) | wall per round (ms) | CPU per round (ms) | other processes (cores) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |');
    for (const mode of ['off', '2', 'auto']) {
      const m = e.medians[mode];
      out.push(`| \`${mode}\` | ${m.workers} | ${ms(m.ms)} | ${ms(m.cpuMs)} | ${ms(m.maxRssMiB)} | ${mode === 'off' ? '1.00x' : times(e.speedup[mode])} `
        + `| ${perRound(e.runs[mode], 'ms')} | ${perRound(e.runs[mode], 'cpuMs')} | ${others(e.runs[mode])} |`);
    }
    out.push('');
    if (e.medians.auto.workers === 0) {
      out.push(`\`auto\` started no worker on this ${results.cores ?? ''}-core machine, so it ran exactly as \`off\` does: the gap between`
        + ` those two rows (${times(e.speedup.auto)}) is the machine's noise, the yardstick for the \`2\` row.`, '');
    }
    out.push(`Findings: **${e.identical ? 'identical' : 'different'}** in every mode and round (${thousands(e.findings)} reports, `
      + `${e.parseErrors} parse errors; compared by file, line, column, rule and message).`
      + (e.warnings.length ? ` ESLint warned: ${e.warnings.map((w) => `"${w}"`).join('; ')}.` : ''), '');
  }

  const c = results.codemod;
  if (c) {
    out.push('### The codemods on worker threads: `listener-leak codemod --cpus`', '');
    out.push(`${c.machine}; ${c.date}; \`${c.command}\`; ${c.rounds} round(s).`, '');
    out.push('`listener-leak codemod registry|teardown --dry` on the same files, named on the command line: `--cpus 1` runs them in the',
      'process, `--cpus 2` on two worker threads, the process writing, diffing and reporting in the order of the files. registry',
      'first finds the calls between all the files in the process (it parses every file for that) and hands them to the',
      'workers, which parse their files again; teardown has no such step. Output compares the whole stdout (diffs and report).', '');
    out.push(loadLine(c), '');
    out.push('| transform | `--cpus` | threads | median wall (ms) | median CPU (ms) | median peak RSS (MiB) | speed-up (wall, 1 / 2) | wall per round (ms) | CPU per round (ms) | other processes (cores) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |');
    for (const t of c.transforms) {
      for (const cpus of ['1', '2']) {
        const m = t.medians[cpus];
        out.push(`| ${t.transform} | ${cpus} | ${m.threads === 1 ? 'the process' : m.threads} | ${ms(m.ms)} | ${ms(m.cpuMs)} | ${ms(m.maxRssMiB)} `
          + `| ${cpus === '1' ? '' : times(t.speedup)} | ${perRound(t.runs[cpus], 'ms')} | ${perRound(t.runs[cpus], 'cpuMs')} | ${others(t.runs[cpus])} |`);
      }
    }
    out.push('');
    for (const t of c.transforms) {
      const s = t.summary;
      out.push(`- ${t.transform}: output **${t.identical ? 'identical' : 'different'}** for \`--cpus 1\` and \`--cpus 2\` in every round`
        + (s ? ` (\`${s.errors} errors / ${s.unmodified} unmodified / ${s.skipped} skipped / ${s.ok} ok\`)` : '')
        + `; two workers cost ${times(t.medians['2'].cpuMs / t.medians['1'].cpuMs)} the CPU time of one process.`);
    }
    out.push('');
  }
  out.push('Rerun: `npm run build && node bench/scale.mjs --rounds 3` (`--only eslint` or `--only codemod` keeps the other part\'s results).', '');
  return out;
}
