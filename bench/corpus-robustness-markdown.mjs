// Renders corpus-robustness-results.json (bench/corpus-robustness.mjs) as the RESULTS.md section, an array of lines as
// typed-markdown.mjs's functions return: `out.push(...corpusRobustnessMarkdown(results))`.

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const thousands = (n) => Number(n).toLocaleString('en-US');
const seconds = (ms) => (ms / 1000).toFixed(1);

/** `verdicts` (bench/verdicts.json, keys `package/file:line`) is optional: scan findings with one show it. */
export function corpusRobustnessMarkdown(results, verdicts = {}) {
  const { totals } = results;
  const out = ['## Every command over the whole corpus: crashes, outputs, second passes', ''];
  out.push(`The built CLI on the corpus's ${thousands(totals.files)} files (${totals.packages} packages), a fresh process per package and`,
    'command, as a user runs it. `listener-leak scan --format json` is given each package\'s files (a project of its own, without a',
    'tsconfig.json: imports between them resolve as a bundler resolves them). Each codemod (`registry`, `registry --unsafe`,',
    '`teardown`) runs three times per package: with `--dry --json` on the corpus itself, which must change no file (each is',
    'hashed before and after); in write mode on a copy of the package, where each file must get the status the `--dry` run gave',
    'it and each file rewritten must parse (typescript-estree, as the detector parses it, and jscodeshift\'s parser for the file, as',
    'the printer does); and once more over the rewritten copy, which must rewrite nothing and leave every file byte for byte. A',
    'crash is an exit code other than 0 and 1, a signal, an internal error, a report that is not JSON, or a file the transform',
    'threw on.', '');
  out.push(`${results.machine}; ${results.date}; \`${results.command}\`; ${thousands(Math.round(results.seconds))} s in all; `
    + `load average ${results.loadAverage.join(' ')} at the end (a shared machine: wall times are high, CPU times move less).`, '');

  const s = totals.scan;
  const notByRule = s.notReportedByTheRule === null ? '' : `, ${s.notReportedByTheRule} on a line the rule does not report on its own`;
  out.push('| command | crashes | files | result | wall (s) | CPU (s) |', '| --- | ---: | ---: | --- | ---: | ---: |');
  out.push(`| \`scan\` | **${s.crashes}** | ${thousands(totals.files)} | ${s.findings} findings in ${s.filesWithFindings} files (${s.crossFileFindings} through calls across files${notByRule}); `
    + `${s.notScanned} files could not be scanned | ${seconds(s.ms)} | ${seconds(s.cpuMs)} |`);
  for (const [name, c] of Object.entries(totals.codemods)) {
    out.push(`| \`codemod ${name}\` | **${c.crashes}** | ${thousands(totals.files)} | ${c.ok} rewritten (**outputs that parse: ${c.outputsParsed} of ${c.ok}**); `
      + `${thousands(c.unmodified)} unmodified, ${thousands(c.skipped)} skipped, ${c.errors} errors (${c.parseErrors} parse errors); `
      + `**files a second pass changes: ${c.secondPassChanges}**; other problems: ${c.problems} `
      + `| ${seconds(c.dryMs)} (--dry) | ${seconds(c.dryCpuMs)} (--dry) |`);
  }
  out.push('');
  out.push(`Corpus files changed by the \`--dry\` runs: **${totals.corpusChangedByDry}**. Peak RSS of a scan: ${s.maxRssMiB} MiB.`, '');

  out.push('| package | files | scan: findings | not scanned | scan wall (ms) | registry ok | --unsafe ok | teardown ok | crashes | problems |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of results.packages) {
    const runs = Object.values(p.codemods);
    const crashes = (p.scan.crash ? 1 : 0) + runs.reduce((n, r) => n + r.crashes.length, 0);
    const problems = runs.reduce((n, r) => n + r.problems.length, 0);
    out.push(`| ${p.package} ${p.version} | ${p.files} | ${p.scan.findings.length} | ${p.scan.errors.length} | ${thousands(p.scan.ms)} `
      + `| ${p.codemods.registry?.ok ?? ''} | ${p.codemods['registry --unsafe']?.ok ?? ''} | ${p.codemods.teardown?.ok ?? ''} | ${crashes} | ${problems} |`);
  }
  out.push('');

  const findings = results.packages.flatMap((p) => p.scan.findings.map((f) => ({ ...f, package: p.package })));
  if (findings.length) {
    out.push('Scan findings, each with the chain of calls that makes it repeat; "rule too" says whether the ESLint rule, one file at a',
      'time, reports the same line (`corpus-findings.json`):', '');
    out.push('| where | kind | event | rule too | chain | verdict | why |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of findings) {
      const rule = f.ruleReportsIt === null ? '' : f.ruleReportsIt ? 'yes' : 'no';
      const v = verdicts[`${f.package}/${f.file}:${f.line}`];
      out.push(`| \`${f.package}/${f.file}:${f.line}:${f.column}\` | ${f.messageId} | ${f.event ?? ''} | ${rule} | ${cell(f.chain)} `
        + `| ${v ? v.verdict : 'unreviewed'} | ${v ? cell(v.why) : ''} |`);
    }
    out.push('');
  }
  const rewritten = results.packages.flatMap((p) => Object.entries(p.codemods).flatMap(([name, r]) => r.rewritten.map((w) => ({ ...w, name, package: p.package }))));
  if (rewritten.length) {
    out.push('Files the codemods rewrite (each output parses and a second pass leaves it as it is, unless listed below):', '');
    for (const w of rewritten) out.push(`- \`codemod ${w.name}\`: \`${w.package}/${w.file}\` (${w.items.join(', ')})`);
    out.push('');
  }
  const notScanned = results.packages.flatMap((p) => p.scan.errors.map((e) => ({ ...e, package: p.package })));
  if (notScanned.length) {
    out.push('Files `scan` could not scan:', '');
    for (const e of notScanned) out.push(`- \`${e.package}/${e.file}${e.line === null ? '' : `:${e.line}:${e.column}`}\`: ${cell(e.message)}`);
    out.push('');
  }
  const issues = results.packages.flatMap((p) => [
    ...(p.scan.crash ? [`\`${p.package}\` scan: ${cell(p.scan.crash)}`] : []),
    ...Object.entries(p.codemods).flatMap(([name, r]) => [...r.crashes, ...r.problems].map((text) => `\`${p.package}\` codemod ${name}: ${cell(text)}`)),
  ]);
  if (issues.length || results.corpusChanged.length) {
    out.push('Crashes and problems:', '');
    for (const issue of issues) out.push(`- ${issue}`);
    for (const file of results.corpusChanged) out.push(`- \`${file}\` was changed by a \`--dry\` run`);
    out.push('');
  }
  return out;
}
