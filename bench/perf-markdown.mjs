// Renders a perf-results.json object as Markdown; shared by perf.mjs (stdout) and run.mjs (RESULTS.md).

export function perfMarkdown(results) {
  const { machine, configs, ratios, corpus } = results;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}, ESLint ${machine.eslint}; ${results.date}`,
    '',
    `Corpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB, parsed by @typescript-eslint/parser; `
      + `${results.warmupRounds} warm-up round, then ${results.rounds} rounds; in each round every file is linted by every configuration back to back, in rotating order, and each configuration's time is the sum of its own verify calls; `
      + `configs normalized once, not per call: ${machine.configsNormalizedOnce ? 'yes' : 'no'}; `
      + `GC between rounds: ${machine.gcBetweenRounds ? 'yes' : 'no'}; load average at start ${machine.loadAverageAtStart.join(' ')}.`,
    '',
    '| configuration | median of rounds (ms) | min (ms) | max (ms) | sum of per-file minimums (ms) | reports |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(configs).map(([key, c], i) =>
      `| (${'abc'[i]}) ${c.label} | ${c.medianMs.toFixed(0)} | ${c.minMs.toFixed(0)} | ${c.maxMs.toFixed(0)} | ${c.sumOfFileMinimumsMs.toFixed(0)} | ${c.reports} |`),
    '',
    '| ratio | of medians | of per-file minimums | per round |',
    '| --- | ---: | ---: | --- |',
    ...[
      ['b/a: our rule over parse only', 'oursOverParse'],
      ['c/a: eslint-plugin-listeners over parse only', 'competitorOverParse'],
      ['b/c: our rule over eslint-plugin-listeners', 'oursOverCompetitor'],
    ].map(([label, key]) => `| ${label} | ${ratios[key].toFixed(3)} | ${results.fileMinimumRatios[key].toFixed(3)} | ${results.pairedRatios[key].join(', ')} |`),
    '',
    `Rerun: \`${results.command}\``,
  ];
  return lines.join('\n');
}
