// `node --import listener-leak/register app.js`, run as a user runs it: a child process in a project whose
// node_modules/listener-leak is this package (built), against small services written here and the example service.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate } from './traffic.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** An HTTP keep-alive service calling `trackConnection(res.socket)` in each response callback, in batches. */
function service(tracker: string): string {
  return `import http from 'node:http';
import { errorMonitor } from 'node:events';
${tracker}
const server = http.createServer({ keepAlive: true }, (req, res) => res.end('ok'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.env.MAX_SOCKETS ?? 1) });
const request = () =>
  new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address().port, agent }, (res) => {
      trackConnection(res.socket);
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: agent.maxSockets }, request));
agent.destroy();
server.close();
void errorMonitor;
`;
}

const LEAKY = service(`function trackConnection(socket) {
  socket.on('close', () => {});
  socket.on('error', () => {});
  socket.on('data', () => {});
}`);

const FIXED = service(`const tracked = new WeakSet();
function trackConnection(socket) {
  if (tracked.has(socket)) return;
  tracked.add(socket);
  socket.on('close', () => tracked.delete(socket));
  socket.on(errorMonitor, () => {});
}`);

/** The example service's HTTPClient and its ConnectionTracker (or a SocketRegistry), 20 JSON-RPC calls over one keep-alive TLS socket. */
const EXAMPLE_RUNNER = `import https from 'node:https';
import { SocketRegistry } from 'listener-leak/runtime';
const { ConnectionTracker, HTTPClient } = await import(process.env.MANAGER_URL);
// TRACKER=registry: the fix the runtime offers, a SocketRegistry behind the HTTPClient's tracker interface.
const registry = new SocketRegistry();
const connectionTracker =
  process.env.TRACKER === 'registry'
    ? { trackConnection: (socket, metadata) => registry.track(socket, metadata) }
    : new ConnectionTracker({ logger: { warn() {} } });
const { key, cert } = JSON.parse(process.env.TEST_CERTIFICATE);
const server = https.createServer({ key, cert, keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { slot: 1 } })));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = new HTTPClient({
  endpoint: 'https://127.0.0.1:' + server.address().port + '/rpc',
  connectionTracker,
  agentOptions: { ca: cert, maxSockets: 1 },
});
for (let call = 0; call < 20; call++) await client.call('getSlot');
if (process.env.TRACKER === 'registry' && registry.stats().requests !== 20) throw new Error('the registry missed requests');
client.close();
server.close();
`;

let project: string;

beforeAll(() => {
  const register = join(root, 'dist', 'src', 'runtime', 'register.js');
  if (!existsSync(register)) throw new Error(`${register} is missing: run \`npm run build\` first (npm test does).`);
  project = mkdtempSync(join(tmpdir(), 'listener-leak-register-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'listener-leak'), 'dir');
  writeFileSync(join(project, 'leaky.mjs'), LEAKY);
  writeFileSync(join(project, 'fixed.mjs'), FIXED);
  writeFileSync(join(project, 'example.mjs'), EXAMPLE_RUNNER);
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stderr: string;
}

function run(script: string, options: { hook?: boolean; env?: Record<string, string> } = {}): Run {
  const args = [...(options.hook === false ? [] : ['--import', 'listener-leak/register']), script];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env.NODE_OPTIONS;
  if (options.env?.LISTENER_LEAK_THRESHOLD === undefined) delete env.LISTENER_LEAK_THRESHOLD;
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env, timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

/** `file:line` of the line in `text` that contains `needle`, as the report prints it. */
function lineOf(file: string, text: string, needle: string): string {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} is not in ${file}`);
  return `${file}:${index + 1}`;
}

function reports(stderr: string): string[] {
  return stderr.split(/^(?=listener-leak: )/m).filter((part) => part.startsWith('listener-leak: listeners keep growing'));
}

describe('listener-leak/register', () => {
  it('prints one report naming each line of a leaky tracker, before Node warns', () => {
    const { status, stderr } = run('leaky.mjs');
    expect(status).toBe(0);
    const [report, ...more] = reports(stderr);
    expect(more).toEqual([]);
    for (const event of ['close', 'error', 'data']) {
      const site = lineOf('leaky.mjs', LEAKY, `socket.on('${event}'`);
      // The tracker's three lines, each with the same count: the report waits for the tracker to finish.
      expect(report).toMatch(new RegExp(`^  ${site} trackConnection x8  \\('${event}': \\d+ on the socket now\\)$`, 'm'));
    }
    expect(report).toMatch(/^listener-leak: listeners keep growing on one keep-alive socket \(Socket to 127\.0\.0\.1:\d+\): /);
    expect(report).toContain("'close' reached 10 listeners (threshold 10) during its request 8.");
    expect(stderr.indexOf('listener-leak:')).toBeLessThan(stderr.indexOf('MaxListenersExceededWarning'));
  });

  it('reports each line once, however many sockets leak', () => {
    const { status, stderr } = run('leaky.mjs', { env: { MAX_SOCKETS: '3' } });
    expect(status).toBe(0);
    expect(reports(stderr)).toHaveLength(1);
    expect(stderr.match(/^ {2}leaky\.mjs:\d+ /gm)).toHaveLength(3);
    // Node, for comparison, warns for every socket and every event.
    expect(stderr.match(/MaxListenersExceededWarning/g)).toHaveLength(9);
  });

  it('prints nothing for a tracker that registers once per socket', () => {
    expect(run('fixed.mjs')).toEqual({ status: 0, stderr: '' });
  });

  it('takes its threshold from LISTENER_LEAK_THRESHOLD, and says so when that is not a positive integer', () => {
    const low = run('leaky.mjs', { env: { LISTENER_LEAK_THRESHOLD: '4' } });
    expect(reports(low.stderr)).toHaveLength(1);
    // 'close' gets there first (the agent's and the request's own listeners are on it too), during request 2.
    expect(low.stderr).toContain("'close' reached 4 listeners (threshold 4) during its request 2.");
    expect(low.stderr.match(/^ {2}leaky\.mjs:\d+ trackConnection x2 /gm)).toHaveLength(3);

    const wrong = run('leaky.mjs', { env: { LISTENER_LEAK_THRESHOLD: 'ten' } });
    expect(wrong.stderr).toContain(
      `listener-leak: LISTENER_LEAK_THRESHOLD must be a positive integer (listeners per event on one socket), got "ten"; ` +
        `using each socket's max listeners instead.`,
    );
    expect(reports(wrong.stderr)).toHaveLength(1);
    expect(wrong.stderr).toContain('(threshold 10)');
  });

  it('costs nothing unless imported: the same service without --import prints only Node’s warnings', () => {
    const { stderr } = run('leaky.mjs', { hook: false });
    expect(stderr).not.toContain('listener-leak');
    expect(stderr).toContain('MaxListenersExceededWarning');
  });
});

describe('listener-leak/register on the example service', () => {
  const shipped = join(root, 'examples', 'rpc-service');
  let certificate: string;

  /** The file that defines ConnectionTracker.trackConnection, wherever the example keeps it. */
  const trackerFile = (): string => {
    const source = join(shipped, 'src');
    const file = readdirSync(source).find((name) => /^\s*trackConnection\(socket/m.test(readFileSync(join(source, name), 'utf8')));
    if (file === undefined) throw new Error(`no file in ${source} defines trackConnection(socket, ...)`);
    return join(source, file);
  };

  beforeAll(async () => {
    certificate = JSON.stringify(await testCertificate());
  });

  const example = (tracker: 'example' | 'registry'): Run =>
    run('example.mjs', {
      env: {
        MANAGER_URL: pathToFileURL(join(shipped, 'src', 'rpc-connection-manager.js')).href,
        TEST_CERTIFICATE: certificate,
        TRACKER: tracker,
      },
    });

  it("names ConnectionTracker.trackConnection's three lines in the shipped example", () => {
    const { status, stderr } = example('example');
    expect(status).toBe(0);
    const [report, ...more] = reports(stderr);
    expect(more).toEqual([]);
    expect(report).toContain('(TLSSocket to 127.0.0.1:');
    const tracker = trackerFile();
    const text = readFileSync(tracker, 'utf8');
    for (const event of ['close', 'error', 'data']) {
      // The example lies outside the child's working directory: the report shows its absolute path.
      expect(report).toContain(`  ${lineOf(tracker, text, `socket.on('${event}'`)} ConnectionTracker.trackConnection x`);
    }
  });

  it("stays silent when the example's HTTPClient tracks its sockets with a SocketRegistry instead", () => {
    expect(example('registry')).toEqual({ status: 0, stderr: '' });
  });
});
