// Renders editor-latency-results.json (bench/editor-latency.mjs) as the RESULTS.md section, an array of lines as
// typed-markdown.mjs's functions return: `out.push(...editorLatencyMarkdown(results))`.

const fixed = (n, digits = 1) => Number(n).toFixed(digits);

export function editorLatencyMarkdown(results) {
  const { configs, ratios, load, target } = results;
  const out = ['## Editors: latency per keystroke', ''];
  out.push('What an editor pays on each change of a file: the ESLint VS Code extension keeps one `ESLint` instance and calls',
    '`lintText(text, { filePath })` for every change, so this does the same through ESLint\'s Node API, one instance per',
    `configuration (\`overrideConfigFile: true\`, the configuration as \`overrideConfig\`), on a generated ${configs.untyped.lines}-line`,
    'service module (`bench/service-source.mjs`: input checks, upstream clients on a keep-alive agent, route handlers, trackers',
    'with and without the per-request leak, a reconnecting client, timers, helpers). Every lint gets a text no lint saw before',
    '(one number edited), so no cache of ESLint, typescript-eslint\'s project service or listener-leak answers from an earlier',
    'keystroke; a probe rule checks that the project service\'s program holds the edited text, not the file on disk.',
    `The typed pair lints the same module as \`${configs.typed.file}\` (${configs.typed.lines} lines, with type annotations) in a`,
    'temporary project: a `tsconfig.json` (`strict`, `node16`, `types: ["node"]`, `skipLibCheck`) and this package\'s `@types/node`.',
    'Each baseline parses exactly as its configuration does (checked on the resolved configs): espree for the untyped pair,',
    'as `configs.recommended` sets no parser; typescript-eslint\'s parser with `projectService` for the typed pair.', '');
  out.push(`${results.machine}; ${results.date}; \`${results.command}\`; ${results.warmup} warm-up rounds, then ${results.runs} rounds,`
    + ' each linting once with every configuration, in forward then backward order; p50 and p95 are nearest-rank over the rounds.', '');
  const others = load.othersCores === undefined ? '' : `; other processes used ${fixed(load.othersCores, 2)} of the ${load.cores} cores on average while it ran`;
  out.push(`Load: load average ${load.loadAverageAtStart.join(' ')} at the start, ${load.loadAverageAtEnd.join(' ')} at the end${others}.`
    + ' A shared machine: the p95 column moves most with load; the CPU columns (this process\'s own time per lint) less.', '');
  out.push('| configuration | file | p50 (ms) | p95 (ms) | min (ms) | max (ms) | CPU p50 (ms) | CPU p95 (ms) | first lint (ms) | reports |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const letters = { parse: 'a', untyped: 'b', typed: 'c', typedParse: 'd' };
  for (const [key, c] of Object.entries(configs)) {
    out.push(`| (${letters[key] ?? key}) ${c.label} | \`${c.file}\` | ${fixed(c.p50Ms)} | ${fixed(c.p95Ms)} | ${fixed(c.minMs)} | ${fixed(c.maxMs)} `
      + `| ${fixed(c.cpuP50Ms)} | ${fixed(c.cpuP95Ms)} | ${Math.round(c.firstLintMs)} | ${c.reports} |`);
  }
  out.push('');
  const cpuRatio = (a, b) => `${fixed(configs[a].cpuP50Ms / configs[b].cpuP50Ms, 2)} (+${fixed(configs[a].cpuP50Ms - configs[b].cpuP50Ms)} ms)`;
  out.push('| ratio | p50 | p95 | added at p50 (ms) | CPU p50 |', '| --- | ---: | ---: | ---: | ---: |',
    `| b/a: \`configs.recommended\` over parse only | ${fixed(ratios.untypedOverParse.p50, 2)} | ${fixed(ratios.untypedOverParse.p95, 2)} | ${fixed(configs.untyped.p50Ms - configs.parse.p50Ms)} | ${cpuRatio('untyped', 'parse')} |`,
    `| c/d: \`recommended-type-checked\` over typed parse only | ${fixed(ratios.typedOverTypedParse.p50, 2)} | ${fixed(ratios.typedOverTypedParse.p95, 2)} | ${fixed(configs.typed.p50Ms - configs.typedParse.p50Ms)} | ${cpuRatio('typed', 'typedParse')} |`, '');
  out.push(`Target (issue 6): p95 of \`configs.recommended\` under ${target.untypedP95Ms} ms per keystroke on this file: `
    + `**${target.met ? 'met' : 'not met'}** (${fixed(configs.untyped.p95Ms)} ms; parse only, the floor any rule adds to: p95 ${fixed(configs.parse.p95Ms)} ms, min ${fixed(configs.parse.minMs)} ms).`
    + ' "First lint" is each configuration\'s first call in the process, in the order of the table: it includes loading the rules and,'
    + ' for (c), creating the project service and its first program, which (d) then shares (one project service per process, as in an editor).', '');
  return out;
}
