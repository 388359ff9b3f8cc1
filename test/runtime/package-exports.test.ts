// `listener-leak/runtime` and `listener-leak/register` as a consumer resolves them: a project whose
// node_modules/listener-leak is this package (built), loaded with import, with require (Node 20.19+ loads the ESM
// build through require(esm)), and as a preload.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Uses what it loaded: a registry tracks a real socket, and a watch reports the line that added a listener.
const USE = `
const registry = new SocketRegistry();
const socket = new Socket();
registry.track(socket);
const watch = watchListeners(socket);
socket.on('tick', () => {});
const [tick] = watch.report().filter((growth) => growth.event === 'tick');
console.log(JSON.stringify({ stats: registry.stats(), site: tick.sites[0].location }));
registry.close();
socket.destroy();
`;

let project: string;

beforeAll(() => {
  const runtime = join(root, 'dist', 'src', 'runtime', 'index.js');
  if (!existsSync(runtime)) throw new Error(`${runtime} is missing: run \`npm run build\` first (npm test does).`);
  project = mkdtempSync(join(tmpdir(), 'listener-leak-exports-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'listener-leak'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  writeFileSync(
    join(project, 'use.cjs'),
    `const { SocketRegistry, watchListeners } = require('listener-leak/runtime');\nconst { Socket } = require('node:net');\n${USE}`,
  );
  writeFileSync(
    join(project, 'use.mjs'),
    `import { SocketRegistry, watchListeners } from 'listener-leak/runtime';\nimport { Socket } from 'node:net';\n${USE}`,
  );
  writeFileSync(join(project, 'noop.cjs'), '');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function node(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('listener-leak/runtime', () => {
  it('loads with import', () => {
    expect(node('use.mjs')).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ stats: { open: 1, created: 1, closed: 0, requests: 1, errors: 0 }, site: 'use.mjs:8' })}\n`,
      stderr: '',
    });
  });

  it('names the same line when source maps are on (the formatted-stack path)', () => {
    expect(node('--enable-source-maps', 'use.mjs').stdout).toContain('"site":"use.mjs:8"');
  });

  it(`loads with require on Node ${process.versions.node}`, () => {
    const { status, stdout, stderr } = node('use.cjs');
    expect({ status, stdout }).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ stats: { open: 1, created: 1, closed: 0, requests: 1, errors: 0 }, site: 'use.cjs:8' })}\n`,
    });
    // Node 20.19.0 may print an ExperimentalWarning for require(esm); nothing else belongs on stderr.
    expect(stderr.replace(/^.*ExperimentalWarning.*\n(.*--trace-warnings.*\n)?/m, '')).toBe('');
  });
});

describe('listener-leak/register', () => {
  it('preloads with --import and with --require', () => {
    expect(node('--import', 'listener-leak/register', 'noop.cjs')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(node('--require', 'listener-leak/register', 'noop.cjs').status).toBe(0);
  });
});

describe('package.json exports', () => {
  it('points every runtime entry at built files, types first', () => {
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | string>;
    };
    for (const entry of ['./runtime', './register']) {
      const conditions = exports[entry] as Record<string, string>;
      expect(Object.keys(conditions)).toEqual(['types', 'default']);
      for (const target of Object.values(conditions)) expect(existsSync(join(root, target))).toBe(true);
    }
  });
});
