// The registry codemod under real traffic: the example service's tracker on one keep-alive TLS socket, before and
// after the rewrite. Each run is a fresh Node process (warnings are process-wide and emitted once per emitter and
// event) driving the built dist/src/cli/traffic.js against a real HTTPS server on 127.0.0.1; nothing is mocked.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrafficResult } from '../../src/cli/traffic.js';

const REQUESTS = 50;
const EVENTS = ['close', 'error', 'data'] as const;

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');

/** The built module, so the traffic child (which imports the same file) runs plain JavaScript. */
async function distModule<T>(path: string): Promise<T> {
  const file = join(dist, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  return (await import(pathToFileURL(file).href)) as T;
}

async function driveTraffic(moduleFile: string): Promise<TrafficResult> {
  const traffic = await distModule<typeof import('../../src/cli/traffic.js')>('src/cli/traffic.js');
  return traffic.driveTrafficIsolated(pathToFileURL(moduleFile).href, { requests: REQUESTS });
}

const GIT_CONFIG = ['user.name=listener-leak test', 'user.email=test@listener-leak.invalid', 'init.defaultBranch=main', 'commit.gpgsign=false'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...GIT_CONFIG.flatMap((setting) => ['-c', setting]), ...args], { cwd, encoding: 'utf8' });
}

/** `listener-leak codemod registry <dir>/src`, as a user runs it from the project's root. */
function runCodemod(dir: string): { status: number | null; stdout: string; stderr: string } {
  const bin = join(dist, 'src', 'cli', 'index.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does).`);
  const result = spawnSync(process.execPath, [bin, 'codemod', 'registry', join(dir, 'src')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let scratch: string;
let service: string;
let managerFile: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'listener-leak-traffic-'));
  service = join(scratch, 'rpc-service');
  cpSync(join(root, 'examples', 'rpc-service'), service, { recursive: true });
  git(service, 'init', '--quiet');
  git(service, 'add', '--all');
  git(service, 'commit', '--quiet', '--message', 'The example service as shipped');
  managerFile = join(service, 'src', 'rpc-connection-manager.js');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the example tracker as shipped, under 50 keep-alive HTTPS requests', () => {
  let result: TrafficResult;
  beforeAll(async () => {
    result = await driveTraffic(managerFile);
  });

  it('serves every request of each client over one reused TLS socket', () => {
    expect(result.baseline.sockets).toBe(1);
    expect(result.tracked.sockets).toBe(1);
    expect(result.serverConnections).toBe(2);
  });

  it("leaves Node's own listeners on an untracked socket constant", () => {
    for (const event of EVENTS) {
      expect(result.baseline.afterLast[event], event).toBe(result.baseline.afterFirst[event]);
    }
    // DESIGN.md fact 1: close 3, error 1, data 0 on an idle pooled socket.
    expect(result.baseline.afterLast).toMatchObject({ close: 3, error: 1, data: 0 });
  });

  it('adds one close, error and data listener to the socket per request', () => {
    for (const event of EVENTS) {
      const series = result.tracked.series[event];
      expect(series).toHaveLength(REQUESTS);
      expect(series.slice(1).map((count, index) => count - (series[index] ?? 0)), event).toEqual(Array<number>(REQUESTS - 1).fill(1));
      expect(result.tracked.afterLast[event], event).toBe((result.baseline.afterLast[event] ?? 0) + REQUESTS);
    }
  });

  it('makes Node warn MaxListenersExceededWarning for each tracked event on the TLS socket', () => {
    for (const event of EVENTS) {
      expect(result.warnings).toContainEqual(expect.objectContaining({ emitter: 'TLSSocket', event, count: 11 }));
    }
    for (const warning of result.warnings) expect(warning.atRequest).toBeLessThanOrEqual(11);
  });

  it('keeps one tracker record per request for the single socket, until the socket closes', () => {
    expect(result.records.duringTraffic).toEqual({ connections: REQUESTS, open: REQUESTS });
    expect(result.records.afterClose).toEqual({ connections: 0, open: 0 });
  });
});

describe('the same tracker after the registry codemod, under the same traffic', () => {
  let codemod: ReturnType<typeof runCodemod>;
  let result: TrafficResult;
  beforeAll(async () => {
    codemod = runCodemod(service);
    result = await driveTraffic(managerFile);
  });

  it('rewrites trackConnection, leaves the SIGINT handler alone, and changes only the tracker file', () => {
    expect(codemod.stderr).toBe('');
    expect(codemod.status).toBe(0);
    expect(codemod.stdout).toMatch(/^src\/connection-tracker\.js: rewrote ConnectionTracker\.trackConnection$/m);
    expect(codemod.stdout).toMatch(/^src\/websocket-client\.js:\d+:\d+ {2}WebSocketClient\.connect: .*process/m);
    expect(git(service, 'status', '--porcelain')).toBe(' M src/connection-tracker.js\n');
  });

  it('still serves every request over one reused TLS socket', () => {
    expect(result.baseline.sockets).toBe(1);
    expect(result.tracked.sockets).toBe(1);
    expect(result.serverConnections).toBe(2);
  });

  it('keeps each tracked event within one listener of the untracked socket, from the first request to the last', () => {
    for (const event of EVENTS) {
      const baseline = result.baseline.afterLast[event] ?? 0;
      const series = result.tracked.series[event];
      expect(series).toHaveLength(REQUESTS);
      for (const count of series) {
        expect(count, event).toBeGreaterThanOrEqual(baseline);
        expect(count, event).toBeLessThanOrEqual(baseline + 1);
      }
      expect(new Set(series).size, `${event} listeners changed between requests`).toBe(1);
    }
  });

  it('emits no MaxListenersExceededWarning', () => {
    expect(result.warnings).toEqual([]);
  });

  it('keeps one tracker record per socket during traffic and none once the agent is destroyed', () => {
    expect(result.records.duringTraffic).toEqual({ connections: result.tracked.sockets, open: result.tracked.sockets });
    expect(result.records.afterClose).toEqual({ connections: 0, open: 0 });
  });
});
