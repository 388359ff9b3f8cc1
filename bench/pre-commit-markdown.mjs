// Renders pre-commit-results.json (bench/pre-commit.mjs) as the pre-commit section of RESULTS.md.

const thousands = (n) => Number(n).toLocaleString('en-US');
const ms = (n) => thousands(Math.round(n));

/** The section on the plain pre-commit hook: a one-file commit with it and without it, and where the time goes. */
export function preCommitMarkdown(results) {
  const r = results;
  const out = ['## Pre-commit hook: what it adds to a commit', ''];
  out.push(`\`bench/pre-commit.mjs\` installs \`${r.hook}\` (the README's plain git hook) in a temporary git repository holding`,
    `a copy of \`${r.project.name}\` (${r.project.files} files, ${thousands(r.project.lines)} lines, its \`tsconfig.json\`), with`,
    '`node_modules/.bin/listener-leak` running the CLI from `dist/`. Each round makes a one-line change to a file and commits',
    `it in each configuration below, in an order that rotates from round to round; the commits go into the same repository.`,
    `The edited file, \`${r.project.edited}\`, has no finding, so every hooked commit goes through. Wall time is around the`,
    'child process; CPU time is the user + system time of everything it ran (the shell\'s `times`, 10 ms resolution), which',
    'moves less than wall time on a shared machine.', '');
  out.push(`${r.machine}; ${r.git}; ${r.date}; \`${r.command}\`; median of ${r.rounds} rounds after one warm-up of each.`, '');
  out.push('| configuration | median wall (ms) | median CPU (ms) | wall per round (ms) |', '| --- | ---: | ---: | --- |');
  for (const [key, label] of Object.entries(r.configs)) {
    const runs = r.runs[key];
    out.push(`| ${label} | ${ms(r.medians[key].ms)} | ${ms(r.medians[key].cpuMs)} | ${runs.map((run) => run.ms).join(', ')} |`);
  }
  out.push('');
  out.push(`**The hook adds ${ms(r.addedMs)} ms** of wall time (${ms(r.addedCpuMs)} ms of CPU) to a one-file commit: `
    + `${ms(r.medians.hook.ms)} ms against ${ms(r.medians.plain.ms)} ms without it (x${r.ratio}); per round, `
    + `${r.pairedAddedMs.map(ms).join(', ')} ms. Scan alone, run directly on the same file: ${ms(r.medians.scan.ms)} ms wall, `
    + `${ms(r.medians.scan.cpuMs)} ms CPU, against the hooked commit's ${ms(r.medians.hook.cpuMs)} ms CPU. A hooked commit with only `
    + `README.md staged: ${ms(r.medians.noJs.ms)} ms wall, ${ms(r.medians.noJs.cpuMs)} ms CPU (the hook exits before starting Node).`, '');
  return out;
}
