// Generated service code for the editor benchmark: one module of a Node HTTP service, as JavaScript or as
// TypeScript (the same code with type annotations), about as many lines as asked. Each block is what such a
// module holds: an input check, an upstream client on a keep-alive agent, a route handler, and (rotating) a
// connection tracker with or without the per-request leak, a guarded one, a handler that removes its listener,
// a reconnecting client with a teardown, a metrics timer. Most of the code registers no listener, as in a service.
//
//   import { serviceSource } from './service-source.mjs';
//   serviceSource(2000, { typescript: true })  // -> the module's text
//   editLine(text, n)                           // -> the text with one number changed (a keystroke)

const HEADER_JS = `import http from 'node:http';
import net from 'node:net';
import { EventEmitter } from 'node:events';
`;
const HEADER_TS = `import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
interface Order { id: string; quantity: number; sku: string; notes?: string }
`;

const PRELUDE = (ts) => `
// The keystroke the editor benchmark makes edits this number.
export const REVISION = 0;

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const events = new EventEmitter();
const routes = new Map${ts ? '<string, Handler>' : ''}();
const metrics = { requests: 0, errors: 0, bytes: 0 };

function send(res${ts ? ': ServerResponse' : ''}, status${ts ? ': number' : ''}, body${ts ? ': unknown' : ''}) {
  const payload = JSON.stringify(body);
  metrics.bytes += payload.length;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function readBody(req${ts ? ': IncomingMessage' : ''})${ts ? ': Promise<string>' : ''} {
  return new Promise((resolve, reject) => {
    const chunks${ts ? ': Buffer[]' : ''} = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
`;

/** The part of block `i` that varies with i % 5: what a service module has besides its handlers. */
function variant(i, ts) {
  const Socket = ts ? ': Socket' : '';
  switch (i % 5) {
    case 0: // the seed's leak: a tracker called once per response, adding listeners to the pooled socket each time
      return `
class ConnectionTracker${i} {
  ${ts ? 'private readonly connections = new Map<Socket, { opened: number; requests: number }>();' : 'connections = new Map();'}
  trackConnection(socket${Socket}) {
    const record = this.connections.get(socket) ?? { opened: Date.now(), requests: 0 };
    record.requests += 1;
    this.connections.set(socket, record);
    socket.on('close', () => this.connections.delete(socket));
    return record;
  }
  get size() { return this.connections.size; }
}
const tracker${i} = new ConnectionTracker${i}();
`;
    case 1: // the same tracker, guarded: listeners once per socket
      return `
const seen${i} = new WeakSet${ts ? '<Socket>' : ''}();
const opened${i} = new WeakMap${ts ? '<Socket, number>' : ''}();
function trackSocket${i}(socket${Socket}) {
  if (seen${i}.has(socket)) return opened${i}.get(socket);
  seen${i}.add(socket);
  opened${i}.set(socket, Date.now());
  socket.on('close', () => opened${i}.delete(socket));
  return opened${i}.get(socket);
}
`;
    case 2: // a reconnecting client with a teardown
      return `
export class FeedClient${i} {
  ${ts ? 'private socket?: Socket;\n  private closing = false;\n  private attempts = 0;' : 'socket = undefined;\n  closing = false;\n  attempts = 0;'}
  constructor(${ts ? 'private readonly host: string, private readonly port: number' : 'host, port'}) {${ts ? '' : '\n    this.host = host;\n    this.port = port;'}
  }
  connect() {
    this.closing = false;
    const socket = net.connect(this.port, this.host);
    socket.on('data', (chunk) => events.emit('feed${i}', chunk));
    socket.on('close', () => {
      if (!this.closing) setTimeout(() => this.connect(), Math.min(30_000, 2 ** this.attempts++ * 100));
    });
    this.socket = socket;
  }
  close() {
    this.closing = true;
    this.socket?.destroy();
  }
}
`;
    case 3: // a metrics timer and a process-level hook set up once
      return `
function flushMetrics${i}() {
  const snapshot = { ...metrics, at: new Date().toISOString(), block: ${i} };
  events.emit('metrics', snapshot);
  metrics.requests = 0;
  metrics.errors = 0;
}
setInterval(flushMetrics${i}, 60_000).unref();
`;
    default: // pure helpers
      return `
function formatDuration${i}(ms${ts ? ': number' : ''})${ts ? ': string' : ''} {
  if (ms < 1_000) return \`\${ms} ms\`;
  const seconds = Math.round(ms / 100) / 10;
  return seconds < 60 ? \`\${seconds} s\` : \`\${Math.floor(seconds / 60)} min \${Math.round(seconds % 60)} s\`;
}
function parseQuery${i}(url${ts ? ': string' : ''}) {
  const query = new URL(url, 'http://localhost').searchParams;
  const limit = Number(query.get('limit') ?? 20);
  return { limit: Number.isInteger(limit) && limit > 0 && limit <= 100 ? limit : 20, cursor: query.get('cursor') };
}
`;
  }
}

/** Block `i`: an input check, an upstream client, a route, and variant(i). */
function block(i, ts) {
  const track = i % 5 === 0 ? `tracker${i}.trackConnection(res.socket);` : i % 5 === 1 ? `trackSocket${i}(res.socket);` : '';
  return `
// ---- orders${i}: validation, the upstream call, the route
function validateOrder${i}(body${ts ? ': unknown' : ''})${ts ? ': Order' : ''} {
  if (typeof body !== 'object' || body === null) throw new TypeError('order${i}: expected an object');
  const { id, quantity, sku, notes } = body${ts ? ' as Record<string, unknown>' : ''};
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('order${i}: id is required');
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0) throw new RangeError('order${i}: bad quantity');
  if (typeof sku !== 'string' || !/^[A-Z0-9-]{4,32}$/.test(sku)) throw new TypeError('order${i}: bad sku');
  return { id, quantity, sku, notes: typeof notes === 'string' ? notes.slice(0, 500) : undefined };
}
${variant(i, ts)}
export class InventoryClient${i} {
  ${ts ? 'constructor(private readonly baseUrl: string, private readonly timeoutMs = 5_000) {}' : 'constructor(baseUrl, timeoutMs = 5_000) {\n    this.baseUrl = baseUrl;\n    this.timeoutMs = timeoutMs;\n  }'}
  reserve(order${ts ? ': Order' : ''})${ts ? ': Promise<{ reserved: number }>' : ''} {
    return new Promise((resolve, reject) => {
      const req = http.request(\`\${this.baseUrl}/reserve/\${order.sku}\`, { method: 'POST', agent, timeout: this.timeoutMs }, (res) => {
        ${track}
        const chunks${ts ? ': Buffer[]' : ''} = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(\`inventory${i}: \${res.statusCode}\`));
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
      });
      req.on('timeout', () => req.destroy(new Error('inventory${i}: timed out')));
      req.on('error', reject);
      req.end(JSON.stringify({ quantity: order.quantity }));
    });
  }
}
const inventory${i} = new InventoryClient${i}('http://inventory-${i % 7}.internal:8080');

routes.set('/orders/${i}', async (req, res) => {
  const onAborted = () => { metrics.errors += 1; };
  req.socket.on('close', onAborted);
  try {
    const order = validateOrder${i}(JSON.parse(await readBody(req)));
    const { reserved } = await inventory${i}.reserve(order);
    send(res, reserved === order.quantity ? 201 : 409, { id: order.id, reserved });
  } catch (error) {
    send(res, error instanceof TypeError || error instanceof RangeError ? 400 : 502, { error: String(error) });
  } finally {
    req.socket.off('close', onAborted);
  }
});
`;
}

const SERVER = (ts) => `
export const server = http.createServer((req${ts ? ': IncomingMessage' : ''}, res${ts ? ': ServerResponse' : ''}) => {
  metrics.requests += 1;
  const handler = routes.get(new URL(req.url ?? '/', 'http://localhost').pathname);
  if (!handler) return send(res, 404, { error: 'not found' });
  Promise.resolve(handler(req, res)).catch((error) => send(res, 500, { error: String(error) }));
});
`;

/** A service module of at least `lines` lines (whole blocks; about 60 lines each), JavaScript or TypeScript. */
export function serviceSource(lines, { typescript = false } = {}) {
  const parts = [typescript ? HEADER_TS : HEADER_JS, PRELUDE(typescript)];
  const tail = SERVER(typescript);
  let count = parts.join('').split('\n').length + tail.split('\n').length;
  for (let i = 0; count < lines; i += 1) {
    const next = block(i, typescript);
    parts.push(next);
    count += next.split('\n').length - 1;
  }
  parts.push(tail);
  return parts.join('');
}

/** A keystroke: the text with REVISION set to `n` (one line, one number changed; nothing else moves). */
export function editLine(text, n) {
  const edited = text.replace(/^export const REVISION = \d+;$/m, `export const REVISION = ${n};`);
  if (edited === text && !text.includes(`export const REVISION = ${n};`)) throw new Error('editLine: no REVISION line in the text');
  return edited;
}
