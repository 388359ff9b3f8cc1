// The teardown codemod on input/output fixture pairs, compared exactly, and what every output must also be: stable
// under a second run, clean under no-per-request-listener, and (TypeScript) no worse typed. Then the example
// service's websocket client, fixed on a copy by `listener-leak codemod teardown`, and the transform under jscodeshift.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodemodParseError, rewriteTeardowns, type ListenerOutcome } from '../../codemods/teardown.js';
import { caseName, lint, outputOf, typeErrors } from './fixture-checks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'codemods', 'fixtures', 'teardown');
const inputs = readdirSync(fixtures).filter((file) => file.includes('.input.'));
const temp = mkdtempSync(join(tmpdir(), 'listener-leak-teardown-'));
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

type Expected = readonly (readonly [name: string, line: number, status: ListenerOutcome['status'], reason?: RegExp])[];

/** What the codemod must say about each fixture's listeners: name, line of the registration, status, reason. */
const expected: Record<string, Expected> = {
  'already-fixed': [],
  'helper-method': [
    ["Feed.installSignalHandlers ('SIGTERM' listener)", 13, 'rewritten'],
    ["Feed.installSignalHandlers ('SIGINT' listener)", 14, 'rewritten'],
  ],
  'listener-in-callback': [
    ["Poller.start ('refresh' listener)", 10, 'left-alone', /^the 'refresh' listener in Poller\.start \(line 10\) is added in a callback \(line 9\), not by Poller\.start\(\) itself: .*remove it by hand$/],
    ["Poller.start ('exit' listener)", 14, 'left-alone', /^the 'exit' listener in Poller\.start \(line 14\) is added in a callback \(line 13\), not by Poller\.start\(\) itself: the callback may run after Poller\.stop\(\)/],
  ],
  'listener-in-promise-executor': [["Feed.connect ('SIGINT' listener)", 7, 'rewritten']],
  'listener-in-static-block': [
    ["Feed.connect ('SIGINT' listener)", 8, 'left-alone', /^the 'SIGINT' listener in Feed\.connect \(line 8\) is added inside a class declared there \(line 6\), where `this` is that class, not Feed: remove it by hand$/],
  ],
  'multiple-listeners': [
    ["Worker.start ('job' listener)", 12, 'rewritten'],
    ["Worker.start ('SIGTERM' listener)", 13, 'rewritten'],
    ["Worker.start ('SIGINT' listener)", 14, 'rewritten'],
  ],
  'no-teardown': [
    ["QuoteFeed.connect ('SIGTERM' listener)", 12, 'left-alone', /^QuoteFeed has no teardown method \(disconnect\(\), close\(\), stop\(\), destroy\(\), dispose\(\), unsubscribe\(\)\) to remove the 'SIGTERM' listener in: add one/],
  ],
  'own-field-removed-elsewhere': [["Feed.connect ('SIGINT' listener)", 5, 'rewritten']],
  'per-call-handler': [
    ["Subscriber.subscribe ('message' listener)", 7, 'left-alone', /reads `topic`, a value of each call: subscribe\(\) may mean to add one per call/],
  ],
  'reconnect-after-teardown': [
    ["Feed.disconnect ('close' listener)", 13, 'left-alone', /^Feed\.disconnect\(\) closes this\.ws, whose 'close' listener \(line 4\) then reconnects: set a flag/],
  ],
  'stable-handler-reconnect': [["QueueConnection.connect ('SIGTERM' listener)", 13, 'rewritten']],
  'start-stop-bus': [["Poller.start ('refresh' listener)", 10, 'rewritten']],
  'tabs-double-quotes': [
    ["Ticker.start ('tick' listener)", 13, 'rewritten'],
    ["Ticker.start ('unload' listener)", 17, 'rewritten'],
  ],
  'typescript-class': [["PriceStream.connect ('uncaughtException' listener)", 19, 'rewritten']],
  'websocket-client': [["WebSocketClient.connect ('SIGINT' listener)", 40, 'rewritten']],
};


describe('teardown codemod fixtures', () => {
  it('has an expectation for every fixture, and at least 8 pairs', () => {
    expect(inputs.map(caseName).sort()).toEqual(Object.keys(expected).sort());
    expect(inputs.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(inputs)('%s', (input) => {
    const source = readFileSync(join(fixtures, input), 'utf8');
    const wanted = readFileSync(join(fixtures, outputOf(input)), 'utf8');
    const result = rewriteTeardowns(input, source);
    const output = result.output ?? source;

    it('gives the expected output, exactly', () => {
      expect(output).toBe(wanted);
      expect(result.output === null).toBe(wanted === source);
    });

    it('reports each listener as expected', () => {
      const listeners = expected[caseName(input)]!;
      expect(result.listeners.map((l) => [l.name, l.line, l.status])).toEqual(listeners.map(([name, line, status]) => [name, line, status]));
      listeners.forEach(([, , , reason], i) => {
        if (reason) expect(result.listeners[i]!.reason).toMatch(reason);
        else expect(result.listeners[i]!.reason).toBeNull();
      });
    });

    it('changes nothing on a second run', () => {
      const again = rewriteTeardowns(input, output);
      expect(again.output).toBeNull();
      expect(again.listeners.filter((l) => l.status === 'rewritten')).toEqual([]);
    });

    it('leaves no finding of no-per-request-listener in what it rewrote', () => {
      const before = lint(input, source);
      const after = lint(input, output);
      expect(after.filter((m) => m.fatal === true)).toEqual([]);
      const leftAlone = result.listeners.filter((l) => l.status === 'left-alone');
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

describe('teardown codemod on bad input', () => {
  it('throws a CodemodParseError with line and column for a file that does not parse', () => {
    const broken = 'export class Feed {\n  connect() {\n    process.on(\'SIGINT\', () => {\n  }\n}\n';
    let caught: unknown;
    try {
      rewriteTeardowns('broken.js', broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CodemodParseError);
    expect(caught).toMatchObject({ line: 5, column: 1 });
  });

  it('does not parse a file with no registration at all', () => {
    expect(rewriteTeardowns('plain.js', 'export const x = ;')).toEqual({ output: null, listeners: [], parsed: false });
  });
});

describe('`listener-leak codemod teardown` on a copy of the example service', () => {
  const copy = join(temp, 'rpc-service');
  const client = join(copy, 'src', 'websocket-client.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'index.js'), 'codemod', 'teardown', ...args], { cwd: copy, encoding: 'utf8' });
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: copy, encoding: 'utf8' });
  let first: ReturnType<typeof run>;
  let second: ReturnType<typeof run>;
  beforeAll(() => {
    cpSync(join(root, 'examples', 'rpc-service'), copy, { recursive: true });
    git('init', '--quiet');
    git('add', '--all');
    git('commit', '--quiet', '--message', 'The example service as shipped');
    first = run('.');
    git('commit', '--quiet', '--all', '--message', 'codemod teardown');
    second = run('.');
  });

  it('fixes the websocket client, and only it, as the websocket-client fixture shows', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^src\/websocket-client\.js: rewrote WebSocketClient\.connect \('SIGINT' listener\)\n0 errors \/ \d+ unmodified \/ \d+ skipped \/ 1 ok\n$/);
    expect(readFileSync(client, 'utf8')).toBe(readFileSync(join(fixtures, 'websocket-client.output.js'), 'utf8'));
    expect(git('diff', '--stat', 'HEAD~1', '--', '.')).toMatch(/^ src\/websocket-client\.js \| 6 \+{5}-\n 1 file changed/);
  });

  it('leaves the fixed client clean under the rule: nothing on process piles up on reconnect', () => {
    expect(lint('websocket-client.js', readFileSync(client, 'utf8'))).toEqual([]);
  });

  it('changes nothing on a second run', () => {
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^0 errors \/ \d+ unmodified \/ \d+ skipped \/ 0 ok\n$/);
  });
});

describe('the compiled transform under jscodeshift', () => {
  it('rewrites the websocket client and reports the class without a teardown', () => {
    const dir = join(temp, 'jscodeshift', 'src');
    mkdirSync(dir, { recursive: true });
    cpSync(join(fixtures, 'websocket-client.input.js'), join(dir, 'client.js'));
    cpSync(join(fixtures, 'no-teardown.input.js'), join(dir, 'feed.js'));
    const result = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js'), '-t', join(root, 'dist', 'codemods', 'teardown.js'), '--parser=tsx', dir],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'client.js'), 'utf8')).toBe(readFileSync(join(fixtures, 'websocket-client.output.js'), 'utf8'));
    expect(readFileSync(join(dir, 'feed.js'), 'utf8')).toBe(readFileSync(join(fixtures, 'no-teardown.input.js'), 'utf8'));
    expect(result.stdout).toMatch(/feed\.js:12:5 QuoteFeed\.connect \('SIGTERM' listener\) left alone: QuoteFeed has no teardown method/);
    expect(result.stdout).toMatch(/1 ok/);
  });
});
