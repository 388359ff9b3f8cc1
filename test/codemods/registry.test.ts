// The registry codemod on input/output fixture pairs, compared exactly, and what every output must also be:
// stable under a second run, clean under no-per-request-listener, parseable, and (TypeScript) no worse typed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CodemodParseError, rewriteTrackers, type TrackerOutcome } from '../../codemods/registry.js';
import { caseName, lint, outputOf, typeErrors } from './fixture-checks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'codemods', 'fixtures', 'registry');
const inputs = readdirSync(fixtures).filter((file) => file.includes('.input.'));
const temp = mkdtempSync(join(tmpdir(), 'listener-leak-registry-'));
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

type Expected = readonly (readonly [name: string, status: TrackerOutcome['status'], reason?: RegExp])[];

/** What the codemod must say about each fixture's trackers. Cases run with `--unsafe` start with `freeze-accepted`. */
const expected: Record<string, Expected> = {
  'already-guarded': [],
  'async-tracker': [['SessionTracker.track', 'rewritten']],
  'class-arrow-property': [['Keepalive.observe', 'rewritten']],
  'closure-factory': [['attach', 'rewritten']],
  'commonjs-export': [['countResets', 'rewritten']],
  'expression-close-handler': [['Pool.adopt', 'rewritten']],
  'freeze-accepted': [['RequestLogger.attach', 'rewritten', /reads `request`, which changes per call/]],
  'hashbang-script': [['watchSocket', 'rewritten']],
  // Modelled on got's `once(origin, event, listener)` helper, which --unsafe used to rewrite on the corpus.
  'freeze-accepted-generic-helper': [['watch', 'left-alone', /adds the event `eventName` and the listener `handler` its caller passes.*not even --unsafe/]],
  'function-module-tracker': [['watchSocket', 'rewritten']],
  'guard-prelude-try-catch': [['UpstreamMonitor.observe', 'rewritten']],
  'not-a-parameter': [['an anonymous function', 'left-alone', /listeners go on req\.socket \(line 6\), not on a parameter/]],
  'object-method': [['track', 'rewritten']],
  'once-instead-of-registry': [['ConnectionCounter.count', 'rewritten']],
  'per-connection-setup': [],
  'returns-expression': [['describeSocket', 'rewritten']],
  'seed-tracker': [['ConnectionTracker.trackConnection', 'rewritten']],
  'ts-private-fields': [['SocketBook.watch', 'rewritten']],
  'tsx-module': [['countSocket', 'rewritten']],
  'typescript-class': [['TlsSessionLog.record', 'rewritten']],
  'unsafe-does-more-than-listen': [['appendLine', 'left-alone', /does more with `stream` than listen to it \(line 10: stream\.write/]],
  'unsafe-emitter-reassigned': [['IdleWatcher.watch', 'left-alone', /assigns its emitter parameter `socket` \(line 9\)/]],
  'unsafe-handler-reads-argument': [['RequestLogger.attach', 'left-alone', /reads `request`, which changes per call.*--unsafe/]],
  'unsafe-inline-reads-request': [['an anonymous function', 'left-alone', /reads `url`, `reject`, `finished`, which change per call/]],
  'unsafe-other-receiver': [['Timing.measure', 'left-alone', /also adds listeners to req \(line 11\), which is not its emitter parameter `socket`/]],
  // The registration repeats within one call of the tracker: a guard per emitter would not stop it (nor the rule).
  'unsafe-repeats-in-helper': [['watchSocket', 'left-alone', /listener at line 9 is added again inside watchSocket \(a setInterval callback\): running watchSocket once per emitter would not stop that/]],
  'unsafe-repeats-in-listener': [['adopt', 'left-alone', /listener at line 9 is added again inside adopt \(the 'data' listener of c\)/]],
  'unsafe-repeats-in-timer': [['trackConnection', 'left-alone', /listener at line 10 is added again inside trackConnection \(a setInterval callback\)/]],
};

const optionsFor = (input: string) => ({ unsafe: caseName(input).startsWith('freeze-accepted') });

describe('registry codemod fixtures', () => {
  it('has an expectation for every fixture, and at least 15 pairs', () => {
    expect(inputs.map(caseName).sort()).toEqual(Object.keys(expected).sort());
    expect(inputs.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(inputs)('%s', (input) => {
    const source = readFileSync(join(fixtures, input), 'utf8');
    const wanted = readFileSync(join(fixtures, outputOf(input)), 'utf8');
    const result = rewriteTrackers(input, source, optionsFor(input));
    const output = result.output ?? source;

    it('gives the expected output, exactly', () => {
      expect(output).toBe(wanted);
      expect(result.output === null).toBe(wanted === source);
    });

    it('reports each tracker as expected', () => {
      const trackers = expected[caseName(input)]!;
      expect(result.trackers.map((t) => [t.name, t.status])).toEqual(trackers.map(([name, status]) => [name, status]));
      trackers.forEach(([, , reason], i) => {
        if (reason) expect(result.trackers[i]!.reason).toMatch(reason);
        else expect(result.trackers[i]!.reason).toBeNull();
      });
    });

    it('changes nothing on a second run', () => {
      const again = rewriteTrackers(input, output, optionsFor(input));
      expect(again.output).toBeNull();
      expect(again.trackers.filter((t) => t.status === 'rewritten')).toEqual([]);
    });

    it('leaves no finding of no-per-request-listener in what it rewrote', () => {
      const before = lint(input, source);
      const after = lint(input, output);
      expect(after.filter((m) => m.fatal === true)).toEqual([]);
      const leftAlone = result.trackers.filter((t) => t.status === 'left-alone');
      if (leftAlone.length === 0) expect(after).toEqual([]);
      else expect(after.map((m) => m.line)).toEqual(before.map((m) => m.line));
    });

    if (/\.tsx?$/.test(input)) it('type-checks with no new errors', () => {
      const file = input.replace('.input', '');
      const introduced = typeErrors(temp, file, output).filter((error) => !typeErrors(temp, file, source).includes(error));
      expect(introduced).toEqual([]);
    });
  });
});

describe('the type check above', () => {
  it('can fail: it sees a field the class does not declare', () => {
    const file = 'broken-field.ts';
    const errors = typeErrors(temp, file, 'export class A {\n  f(): number {\n    return this.missing.size;\n  }\n}\n');
    expect(errors).toEqual([expect.stringMatching(/^TS2339 Property 'missing' does not exist on type 'A'/)]);
  });
});

describe('registry codemod on bad input', () => {
  it('throws a CodemodParseError with line and column for a file that does not parse', () => {
    const broken = "import http from 'node:http';\nexport function track(socket) {\n  socket.on('close', () => {\n}\n";
    let caught: unknown;
    try {
      rewriteTrackers('broken.js', broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CodemodParseError);
    expect(caught).toMatchObject({ line: 5, column: 1 });
  });

  it('does not parse a file with no registration at all', () => {
    expect(rewriteTrackers('plain.js', 'export const x = ;')).toEqual({ output: null, trackers: [], parsed: false });
  });
});

describe('the compiled transform under jscodeshift', () => {
  it('rewrites the seed tracker when run by jscodeshift itself', () => {
    const dir = join(temp, 'jscodeshift', 'src');
    mkdirSync(dir, { recursive: true });
    cpSync(join(fixtures, 'seed-tracker.input.js'), join(dir, 'tracker.js'));
    cpSync(join(fixtures, 'unsafe-handler-reads-argument.input.js'), join(dir, 'logger.js'));
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js'), '-t', join(root, 'dist', 'codemods', 'registry.js'), '--parser=tsx', dir],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'tracker.js'), 'utf8')).toBe(readFileSync(join(fixtures, 'seed-tracker.output.js'), 'utf8'));
    expect(readFileSync(join(dir, 'logger.js'), 'utf8')).toBe(readFileSync(join(fixtures, 'unsafe-handler-reads-argument.input.js'), 'utf8'));
    expect(run.stdout).toMatch(/logger\.js:9:3 RequestLogger\.attach left alone: a handler in RequestLogger\.attach reads `request`/);
    expect(run.stdout).toMatch(/1 ok/);
  });
});
