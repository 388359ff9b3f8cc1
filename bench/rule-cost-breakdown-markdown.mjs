// Renders rule-cost-breakdown-results.json (bench/rule-cost-breakdown.mjs) as its RESULTS.md section.

export const PHASES = ['index', 'graph', 'contexts', 'receivers', 'pairing', 'findings', 'reconnects'];

const LABELS = {
  'call-listener': 'a rule whose one CallExpression listener does nothing',
  collectors: "our rule's node collectors alone (they fill the index's tables as they go), no analysis",
  ours: 'listener-leak/no-per-request-listener',
};

/** Where no-per-request-listener's cost goes, file group by file group, against eslint-plugin-listeners'. */
export function ruleCostBreakdownMarkdown(r) {
  const out = ["## Where the untyped rule's cost goes", ''];
  out.push("Issue 2's second cost target (our rule costs no more than eslint-plugin-listeners' recommended config), in parts",
    '(`bench/rule-cost-breakdown.mjs`). In one process, file by file in rotating order, the files our text filter lets through',
    '(`mayRegisterText`) are linted in five configurations and the other files in three; then the detector\'s phases are timed',
    'on the filtered files, each right after that file\'s own lint (as the rule runs them), by what each file turns out to hold.',
    `Figures are sums of per-file minimums over the rounds, in ms added over parse only. Configs normalized once, as perf.mjs does, not per call: ${r.configsNormalizedOnce ? 'yes' : 'no'}. ${r.machine}; ${r.date}; \`${r.command}\`; ${r.rounds} rounds after one warm-up.`, '');
  out.push('| files | configuration | added over parse only (ms) |', '| --- | --- | ---: |');
  const label = (key) => LABELS[key] ?? `${r.competitor} (flat/recommended)`;
  for (const [key, ms] of Object.entries(r.addedOverParseFiltered)) out.push(`| ${r.filteredFiles} the text filter lets through | ${label(key)} | ${ms} |`);
  for (const [key, ms] of Object.entries(r.addedOverParseOther)) out.push(`| ${r.otherFiles} others | ${label(key)} | ${ms} |`);
  out.push('', `The detector's phases on the ${r.filteredFiles} filtered files (ms). The index phase matches registrations and`,
    'assembles the index from the tables the collectors filled during the lint:', '');
  out.push(`| the file holds | files | ${PHASES.join(' | ')} | total |`, `| --- | ---: | ${PHASES.map(() => '---:').join(' | ')} | ---: |`);
  for (const [kind, row] of Object.entries(r.phases)) out.push(`| ${kind} | ${row.files} | ${PHASES.map((phase) => row[phase] ?? '').join(' | ')} | ${row.total} |`);
  out.push('');
  return out;
}
