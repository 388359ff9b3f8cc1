// Renders fuzz-results.json (bench/fuzz.mjs) as the fuzz section of RESULTS.md.

const thousands = (n) => Number(n).toLocaleString('en-US');
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const counts = (record) => Object.entries(record).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${thousands(n)}`).join(', ');

/** The fuzz section: what ran, how fast, what it reached, and every crash with the command that reproduces it. */
export function fuzzMarkdown(results) {
  const out = ['## Fuzz: every rule, the detector and both codemods on random programs (issue 6)', ''];
  out.push('`bench/fuzz.mjs` makes each program from its seed alone: half are generated from a grammar of what the detector',
    'reads (servers and clients, Express/Koa/Fastify/Hapi/NestJS handlers, timers, loops, trackers called with `res.socket`,',
    'every way to add or remove a listener, WeakMap/WeakSet guards, connect/disconnect classes) and of the syntax around it',
    '(private fields, optional chaining, computed names, destructuring, async/await, generators, decorators, `using`, JSX,',
    'TypeScript types, enums and namespaces, nesting up to 120 levels deep), in all eight JavaScript and TypeScript',
    'extensions; the rest are mutations of generated programs, of this repository\'s codemod fixtures and example service,',
    'and of the corpus\'s real files (renamed bindings; statements moved into blocks, tries, loops, functions, callbacks,',
    'class methods and static blocks; JavaScript turned into TypeScript; registrations added; calls made optional or',
    'computed). Every program must parse with espree (JavaScript) and typescript-eslint, or it counts as a generator bug.',
    'Each then goes through the three rules with `Linter#verify` (espree and typescript-eslint for JavaScript), each',
    'suggestion applied and parsed again, `analyzeFile` (three ways) and `analyzeProject`, and both codemods (`registry`,',
    'also `--unsafe` where it left a tracker alone, and `teardown`), whose output must parse and be left alone by a second run.',
    'Any exception counts as a crash. The same harness runs 300 programs in `npm test` (`test/fuzz/fuzz.test.ts`).', '');
  out.push(`${results.machine}; ${results.date}; \`${results.command}\` (program N alone: \`node bench/fuzz.mjs --seed N --count 1\`).`, '');
  out.push('| programs | programs that crashed something | distinct crashes | invalid programs (generator bugs) | time | programs/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${thousands(results.count)} | **${thousands(results.totals.crashedPrograms)}** | ${results.crashes.length} | ${results.invalid.length} `
    + `| ${(results.elapsedMs / 1000).toFixed(0)} s | ${results.programsPerSecond.toFixed(1)} |`, '');
  out.push('A distinct crash is a stage (rule and parser, suggestion, detector entry point, codemod) and a message with its numbers',
    'and quoted names left out; one bug can show in several stages (a detector crash breaks the rules and both codemods).', '');
  const t = results.totals;
  out.push(`Sources: ${counts(results.origins)} (${thousands(results.corpusFiles)} corpus files under 40 kB, ${results.fixtureSeeds} fixtures). `
    + `Languages: ${counts(results.languages)}. ${thousands(t.lines)} lines in all; ${thousands(t.mutations)} mutations applied, `
    + `${thousands(t.rejectedMutations)} dropped because their result did not parse.`, '');
  out.push(`What the programs reached: ${thousands(t.findings)} detector findings in ${thousands(t.programsWithFindings)} programs; `
    + `rule reports ${counts(Object.fromEntries(Object.entries(t.reports).map(([id, n]) => [`\`${String(id).replace('listener-leak/', '')}\``, n])))}; `
    + `${thousands(t.suggestions)} suggestions applied and parsed; ${thousands(t.outputs)} codemod outputs checked, `
    + `trackers or listeners rewritten: ${counts(t.rewrites)}.`, '');
  if (results.crashes.length) {
    out.push('| # | where | message | programs | first seed |', '| ---: | --- | --- | ---: | ---: |');
    results.crashes.forEach((c, i) => {
      out.push(`| ${i + 1} | ${cell(c.stage)}${c.parser ? ` (${c.parser})` : ''} | ${cell(c.message)} | ${c.programs} | ${c.seed} |`);
    });
    out.push('');
    results.crashes.forEach((c, i) => {
      out.push(`Crash ${i + 1}, the smallest program found (\`${c.filename}\`, from seed ${c.seed}: \`node bench/fuzz.mjs --seed ${c.seed} --count 1\`):`, '');
      out.push('```' + (/\.[cm]?tsx?$/.test(c.filename) ? 'ts' : 'js'), (c.minimal ?? c.program).trim(), '```', '');
    });
  }
  if (results.invalid.length) {
    out.push('Programs that did not parse (generator bugs):', '');
    for (const p of results.invalid.slice(0, 20)) out.push(`- seed ${p.seed} (${p.origin}, ${p.language}): ${p.parser}: ${cell(p.message)} at line ${p.line}`);
    out.push('');
  }
  return out;
}
