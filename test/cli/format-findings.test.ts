// The findings formatter on hand-made ESLint results: layout, wrapping, counts and colour.
import type { ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import {
  displayPath,
  formatFindings,
  formatSummary,
  summarizeFindings,
  wrapText,
} from '../../src/cli/format-findings.js';

const SOURCE = [
  'export function track(socket) {',
  "  socket.on('close', () => {",
  '    forget(socket);',
  '  });',
  '}',
  '',
].join('\n');

function message(overrides: Partial<Linter.LintMessage>): Linter.LintMessage {
  return {
    ruleId: 'listener-leak/no-per-request-listener',
    message: 'A listener leaks.',
    severity: 2,
    line: 2,
    column: 3,
    endLine: 4,
    endColumn: 5,
    ...overrides,
  };
}

function result(filePath: string, messages: Linter.LintMessage[], source = SOURCE): ESLint.LintResult {
  return {
    filePath,
    messages,
    suppressedMessages: [],
    errorCount: messages.filter((m) => m.severity === 2).length,
    fatalErrorCount: messages.filter((m) => m.fatal === true).length,
    warningCount: messages.filter((m) => m.severity === 1).length,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    source,
    usedDeprecatedRules: [],
  };
}

const plain = { cwd: '/project', color: false, width: 80 };

describe('formatFindings', () => {
  it('prints file:line:col, severity, rule id, message and a code frame marking the start line', () => {
    const text = formatFindings([result('/project/src/tracker.js', [message({})])], plain);
    expect(text).toBe(
      [
        'src/tracker.js:2:3  error  listener-leak/no-per-request-listener',
        '  A listener leaks.',
        '',
        '    1 | export function track(socket) {',
        "  > 2 |   socket.on('close', () => {",
        '      |   ^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '    3 |     forget(socket);',
        '    4 |   });',
        '',
      ].join('\n'),
    );
  });

  it('underlines exactly the reported span when it fits on one line', () => {
    const text = formatFindings([result('/project/a.js', [message({ endLine: 2, endColumn: 12 })])], plain);
    expect(text).toContain('      |   ^^^^^^^^^\n');
  });

  it('wraps long messages under the heading and keeps files in path order', () => {
    const long = 'word '.repeat(40).trim();
    const text = formatFindings(
      [result('/project/z.js', [message({})]), result('/project/a.js', [message({ message: long })])],
      { ...plain, width: 50 },
    );
    expect(text.indexOf('a.js:2:3')).toBeLessThan(text.indexOf('z.js:2:3'));
    const prose = text.split('\n').filter((line) => line.startsWith('  word'));
    expect(prose.length).toBeGreaterThan(1);
    for (const line of prose) expect(line.length).toBeLessThanOrEqual(50);
  });

  it('labels parse errors, drops the "Parsing error:" prefix and points at one character', () => {
    const fatal = message({ ruleId: null, fatal: true, message: 'Parsing error: Expression expected.', line: 3, column: 5 });
    delete fatal.endLine;
    delete fatal.endColumn;
    const text = formatFindings([result('/project/b.js', [fatal])], plain);
    expect(text).toContain('b.js:3:5  parse error\n  Expression expected.\n');
    expect(text).toContain('      |     ^\n');
  });

  it('shows a message without a position, and without a frame', () => {
    const text = formatFindings([result('/project/c.js', [message({ line: 0, column: 0 })])], plain);
    expect(text).toBe('c.js  error  listener-leak/no-per-request-listener\n  A listener leaks.\n');
  });

  it('prints nothing for clean results, and colour only when asked', () => {
    expect(formatFindings([result('/project/d.js', [])], plain)).toBe('');
    const findings = [result('/project/e.js', [message({})])];
    const ansi = '\u001b[';
    expect(formatFindings(findings, plain)).not.toContain(ansi);
    expect(formatFindings(findings, { ...plain, color: true })).toContain(ansi);
  });
});

describe('summaries', () => {
  it('counts findings, files with findings, parse errors and files linted', () => {
    const fatal = message({ ruleId: null, fatal: true, message: 'Parsing error: x' });
    const results = [
      result('/p/a.js', [message({}), message({ line: 4 })]),
      result('/p/b.js', [message({ severity: 1 })]),
      result('/p/c.js', [fatal]),
      result('/p/d.js', []),
    ];
    expect(summarizeFindings(results)).toEqual({ findings: 3, filesWithFindings: 2, parseErrors: 1, filesLinted: 4 });
    expect(formatSummary(summarizeFindings(results), false)).toBe(
      '3 findings in 2 files (4 files linted); 1 file could not be parsed',
    );
  });

  it('says so when there is nothing, in the singular where it applies', () => {
    expect(formatSummary({ findings: 0, filesWithFindings: 0, parseErrors: 0, filesLinted: 1 }, false)).toBe(
      'No findings in 1 file',
    );
    expect(formatSummary({ findings: 1, filesWithFindings: 1, parseErrors: 0, filesLinted: 1 }, false)).toBe(
      '1 finding in 1 file (1 file linted)',
    );
  });
});

describe('helpers', () => {
  it('shows paths inside cwd relative to it and others as given', () => {
    expect(displayPath('/project/src/a.js', '/project')).toBe('src/a.js');
    expect(displayPath('/elsewhere/a.js', '/project')).toBe('/elsewhere/a.js');
  });

  it('wraps on spaces, keeps a word longer than the width whole, and keeps line breaks', () => {
    expect(wrapText('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapText('https://example.com/very/long x', 10)).toEqual(['https://example.com/very/long', 'x']);
    expect(wrapText('one\ntwo', 80)).toEqual(['one', 'two']);
  });
});
