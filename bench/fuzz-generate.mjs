// Random, syntactically valid JavaScript and TypeScript programs made of what the detector reads: servers and
// clients, request and route handlers, timers, loops, trackers called with res.socket, every way of adding and
// removing a listener, WeakMap/WeakSet guards, classes with connect/disconnect lifecycles; mixed with the syntax
// around them that a real code base has (private fields, optional chaining, computed names, destructuring,
// async/await, generators, decorators, `using`, JSX, TypeScript types, enums and namespaces, deep nesting).
//
// Every choice comes from one seeded random source, so `generateProgram(seed)` is the same program everywhere.
// Validity is by construction: names are unique per scope, `await`/`yield`/`break`/`continue`/`return`/`super`
// appear only where the grammar allows them, TypeScript-only syntax only in TypeScript files, JSX only in .jsx/.tsx.
import { createRandom } from './fuzz-random.mjs';

export const LANGUAGES = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx'];

const TS_LANGUAGES = new Set(['ts', 'mts', 'cts', 'tsx']);
const JSX_LANGUAGES = new Set(['jsx', 'tsx']);
const SCRIPT_LANGUAGES = new Set(['cjs', 'cts']);

/** Words never used as a generated binding name (reserved, strict-mode restricted, or confusing globals). */
const RESERVED = new Set([
  'await', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'enum',
  'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'process', 'console', 'require', 'module', 'exports',
  'globalThis', 'Symbol', 'Promise', 'Math', 'Number', 'String', 'Object', 'Array', 'Map', 'Set', 'WeakMap',
  'WeakSet', 'Error', 'JSON', 'Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval',
  'queueMicrotask', 'async', 'of', 'type', 'declare', 'namespace', 'abstract', 'readonly', 'as', 'satisfies',
  'accessor', 'using', 'get', 'set', 'constructor', 'default', 'new', 'this', 'super', 'class', 'function',
  'delete', 'in', 'instanceof', 'typeof', 'void', 'with', 'do', 'if', 'for', 'while', 'switch', 'case', 'try',
  'catch', 'finally', 'throw', 'return', 'break', 'continue', 'var', 'const', 'import', 'export', 'extends',
  'null', 'true', 'false', 'debugger', 'keyof', 'infer', 'is', 'asserts', 'unique', 'never', 'unknown', 'any',
  'global', 'require', 'Socket', 'EventEmitter',
]);

const EVENTS = ['close', 'error', 'data', 'end', 'timeout', 'connect', 'message', 'finish', 'drain', 'free', 'agentRemove',
  'response', 'socket', 'request', 'connection', 'upgrade', 'readable', 'pong', 'open', 'exit', 'SIGINT', 'SIGTERM',
  'uncaughtException', 'unhandledRejection', 'warning', 'refresh', 'tick', 'abort', 'secureConnect', 'session'];
const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning'];
const SOCKET_EVENTS = ['close', 'error', 'data', 'end', 'timeout', 'drain', 'free', 'agentRemove', 'connect', 'lookup'];
const REGISTER_METHODS = [[6, 'on'], [2, 'once'], [1.2, 'addListener'], [1, 'prependListener'], [0.5, 'prependOnceListener']];
const REMOVE_METHODS = [[3, 'off'], [3, 'removeListener']];
const ROUTE_VERBS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'use'];
const NEST_VERBS = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'All', 'Sse', 'MessagePattern', 'EventPattern', 'SubscribeMessage'];
const TEARDOWNS = ['disconnect', 'close', 'stop', 'destroy', 'dispose', 'unsubscribe'];
const LIFECYCLES = ['connect', 'reconnect', 'start', 'subscribe'];
const PER_CALL_METHODS = ['request', 'send', 'query', 'fetch', 'call', 'execute', 'handleRequest', 'onRequest', 'get', 'post'];
const TRACKER_NAMES = ['trackConnection', 'trackSocket', 'watch', 'observe', 'attach', 'register', 'monitor', 'record',
  'countSocket', 'instrument', 'adopt', 'follow', 'touch', 'remember'];
const SETUP_NAMES = ['setup', 'init', 'bootstrap', 'main', 'configure', 'install', 'listen'];
const TYPES = ['Socket', 'unknown', 'any', 'NodeJS.EventEmitter', 'EventEmitter', 'Record<string, unknown>', 'string | undefined',
  '() => void', 'Promise<void>', 'readonly string[]', '[number, string]', 'Error', 'Map<number, { socket: Socket }>',
  '{ socket: Socket; url?: string }', 'Socket | null', 'Array<Socket>', 'typeof process', 'keyof typeof process',
  'ReturnType<typeof setTimeout>', '`on${string}`', 'object extends never ? never : object'];

class Scope {
  constructor(parent) {
    this.parent = parent;
    this.names = new Set();
  }
}

/**
 * The context a piece of code is written in: what its scope holds and what the grammar allows there. Functions,
 * blocks, loops and classes make a new context from their parent's with `enter`.
 */
function rootContext(writer) {
  return {
    scope: writer.top,
    vars: [],
    async: writer.esm, // top-level await in modules
    generator: false,
    returnOk: false,
    loop: false,
    breakable: false,
    labels: [],
    privates: [],
    thisInfo: null,
    superOk: false,
    superCall: false,
    depth: 0,
    top: true,
    usingOk: writer.esm,
    inStaticBlock: false,
    newTargetOk: false,
  };
}

class ProgramWriter {
  constructor(random, language) {
    this.r = random;
    this.language = language;
    this.ts = TS_LANGUAGES.has(language);
    this.jsx = JSX_LANGUAGES.has(language);
    this.esm = !SCRIPT_LANGUAGES.has(language);
    this.quoteChar = random.chance(0.7) ? "'" : '"';
    this.indentUnit = random.weighted([[6, '  '], [2, '    '], [2, '\t']]);
    this.top = new Scope(null);
    this.globalNames = new Set();
    this.imports = [];
    this.importByKey = new Map();
    this.prelude = [];
    this.preludeByKey = new Map();
    this.trackers = [];
    this.defaultExported = false;
    this.exported = false;
    this.labelCount = 0;
    this.maxDepth = random.weighted([[3, 2], [3, 3], [2, 4], [1, 5]]);
  }

  // ---- names, strings, layout ----

  q(text) {
    return `${this.quoteChar}${text}${this.quoteChar}`;
  }

  indent(text) {
    return text
      .split('\n')
      .map((line) => (line === '' ? line : this.indentUnit + line))
      .join('\n');
  }

  /** `{ ... }` around statements (or `{}`). */
  block(statements) {
    if (statements.length === 0) return '{}';
    return `{\n${this.indent(statements.join('\n'))}\n}`;
  }

  topName(base) {
    let name = base;
    for (let i = 2; this.globalNames.has(name) || RESERVED.has(name); i++) name = `${base}${i}`;
    this.globalNames.add(name);
    this.top.names.add(name);
    return name;
  }

  localName(ctx, base) {
    if (ctx.scope === this.top) return this.topName(base);
    let name = base;
    for (let i = 2; ctx.scope.names.has(name) || this.globalNames.has(name) || RESERVED.has(name); i++) name = `${base}${i}`;
    ctx.scope.names.add(name);
    return name;
  }

  /** Declares a binding in ctx and makes it visible to the code that follows there. */
  bind(ctx, base, kind) {
    const name = this.localName(ctx, base);
    ctx.vars.push({ name, kind });
    return name;
  }

  enter(ctx, changes = {}) {
    return { ...ctx, scope: new Scope(ctx.scope), vars: [...ctx.vars], labels: [...ctx.labels], depth: ctx.depth + 1, top: false, ...changes };
  }

  /** A function's context: what an arrow keeps from its parent (this, super) and what any function resets. */
  enterFunction(ctx, kind, { async = false, generator = false, thisInfo = null, superOk = false, superCall = false } = {}) {
    const arrow = kind === 'arrow';
    return this.enter(ctx, {
      async,
      generator: arrow ? false : generator,
      returnOk: true,
      loop: false,
      breakable: false,
      labels: [],
      thisInfo: arrow ? ctx.thisInfo : thisInfo,
      superOk: arrow ? ctx.superOk : superOk,
      superCall: arrow ? ctx.superCall : superCall,
      usingOk: true,
      inStaticBlock: false,
      newTargetOk: arrow ? ctx.newTargetOk : true,
    });
  }

  type() {
    this.typeName('Socket');
    this.importNamed('node:events', 'EventEmitter', true);
    return this.r.pick(TYPES);
  }

  /** `: T` on a binding in TypeScript, sometimes. */
  ann(probability = 0.5, type) {
    if (!this.ts || !this.r.chance(probability)) return '';
    return `: ${type ?? this.type()}`;
  }

  // ---- imports and module-level state ----

  importDefault(specifier, base) {
    const key = `default:${specifier}`;
    const known = this.importByKey.get(key);
    if (known) return known;
    const name = this.topName(base);
    const bare = specifier.replace(/^node:/, '');
    let line;
    if (this.esm) {
      const source = this.q(this.r.chance(0.5) ? specifier : bare);
      line = this.r.chance(0.2) && specifier.startsWith('node:') ? `import * as ${name} from ${source};` : `import ${name} from ${source};`;
    } else if (this.ts && this.r.chance(0.4)) {
      line = `import ${name} = require(${this.q(bare)});`;
    } else {
      line = `const ${name} = require(${this.q(this.r.chance(0.5) ? specifier : bare)});`;
    }
    this.imports.push(line);
    this.importByKey.set(key, name);
    return name;
  }

  /** A named import (or a destructured require); `typeOnly` ones only in TypeScript. Returns the local name. */
  importNamed(specifier, exported, typeOnly = false) {
    if (typeOnly && !this.ts) return exported;
    const key = `named:${specifier}:${exported}`;
    const known = this.importByKey.get(key);
    if (known) return known;
    const name = this.globalNames.has(exported) || (RESERVED.has(exported) && exported !== 'EventEmitter' && exported !== 'Socket') ? this.topName(`${exported}_`) : exported;
    this.globalNames.add(name);
    this.top.names.add(name);
    const spec = name === exported ? name : `${exported} as ${name}`;
    const source = this.q(specifier);
    let line;
    if (typeOnly) line = this.esm || this.r.chance(0.7) ? `import type { ${spec} } from ${source};` : `import { type ${spec} } from ${source};`;
    else if (this.esm) line = `import { ${spec} } from ${source};`;
    else line = `const { ${name === exported ? name : `${exported}: ${name}`} } = require(${source});`;
    this.imports.push(line);
    this.importByKey.set(key, name);
    return name;
  }

  typeName(name) {
    if (!this.ts) return name;
    if (name === 'Socket') return this.importNamed('node:net', 'Socket', true);
    return name;
  }

  emitter() {
    return this.importNamed('node:events', 'EventEmitter');
  }

  preludeVar(key, base, init) {
    const known = this.preludeByKey.get(key);
    if (known) return known;
    const name = this.topName(base);
    this.prelude.push(init(name));
    this.preludeByKey.set(key, name);
    return name;
  }

  bus() {
    return this.preludeVar('bus', this.r.pick(['bus', 'events', 'hub', 'emitter']), (n) => `${this.exportPrefix(0.2)}const ${n} = new ${this.emitter()}();`);
  }

  agent() {
    const secure = this.r.chance(0.5);
    const mod = this.importDefault(secure ? 'node:https' : 'node:http', secure ? 'https' : 'http');
    return this.preludeVar('agent', 'agent', (n) => `const ${n}${this.ann(0.3, `${mod}.Agent`)} = new ${mod}.Agent({ keepAlive: true, maxSockets: ${this.r.between(1, 64)} });`);
  }

  weakSet() {
    return this.preludeVar('seen', this.r.pick(['seen', 'tracked', 'known']), (n) => `const ${n} = new WeakSet${this.ts ? `<${this.r.pick(['object', 'Socket', 'EventEmitter'])}>` : ''}();`);
  }

  weakMap() {
    return this.preludeVar('registry', this.r.pick(['registry', 'bySocket', 'records']), (n) => `const ${n} = new WeakMap${this.ts ? '<object, { id: number }>' : ''}();`);
  }

  counter() {
    return this.preludeVar('count', this.r.pick(['count', 'openSockets', 'live']), (n) => `let ${n}${this.ann(0.5, 'number')} = 0;`);
  }

  socketSet() {
    return this.preludeVar('sockets', 'sockets', (n) => `const ${n} = new Set${this.ts ? `<${this.typeName('Socket')}>` : ''}();`);
  }

  eventConstant() {
    return this.preludeVar('kClose', this.r.pick(['kClose', 'CLOSE', 'closeEvent']), (n) => `const ${n} = ${this.q(this.r.pick(['close', 'error', 'end']))}${this.ts && this.r.chance(0.5) ? ' as const' : ''};`);
  }

  methodConstant() {
    return this.preludeVar('kOn', this.r.pick(['kOn', 'ON', 'addMethod']), (n) => `const ${n} = ${this.q(this.r.pick(['on', 'once', 'addListener']))};`);
  }

  symbolConstant() {
    return this.preludeVar('kTrack', this.r.pick(['kTrack', 'kWatch']), (n) => `const ${n} = Symbol(${this.q('track')});`);
  }

  exportPrefix(probability) {
    if (!this.esm || !this.r.chance(probability)) return '';
    this.exported = true;
    return 'export ';
  }

  // ---- small expressions ----

  event(ctx, pool = EVENTS) {
    const name = this.r.pick(pool);
    return this.r.weighted([
      [10, () => this.q(name)],
      [1, () => `\`${name}\``],
      [0.7, () => this.eventConstant()],
      [0.4, () => `${this.q(name.slice(0, 2))} + ${this.q(name.slice(2))}`],
      [0.3, () => (ctx.vars.some((v) => v.kind === 'event') ? this.r.pick(ctx.vars.filter((v) => v.kind === 'event')).name : this.q(name))],
      [0.2, () => `Symbol.for(${this.q(name)})`],
    ])();
  }

  valueOf(ctx) {
    const vars = ctx.vars.filter((v) => v.kind !== 'event');
    return this.r.weighted([
      [3, () => (vars.length ? this.r.pick(vars).name : 'null')],
      [1, () => String(this.r.between(0, 5000))],
      [1, () => this.q(this.r.pick(['ok', 'id', '/path', 'GET']))],
      [0.5, () => 'Date.now()'],
      [0.5, () => `\`\${${this.counter()}}-\${${this.r.between(0, 9)}}\``],
      [0.3, () => `${this.r.between(1, 99)}n`],
      [0.3, () => '1_000'],
      [0.4, () => (ctx.thisInfo ? `this.${this.r.pick(ctx.thisInfo.fields)}` : 'null')],
      [0.3, () => `${vars.length ? this.r.pick(vars).name : 'null'} ?? ${this.q('fallback')}`],
      [0.2, () => `typeof ${vars.length ? this.r.pick(vars).name : 'process'} === ${this.q('object')}`],
    ])();
  }

  condition(ctx) {
    const vars = ctx.vars.filter((v) => v.kind !== 'event');
    const someVar = () => (vars.length ? this.r.pick(vars).name : 'process');
    return this.r.weighted([
      [2, () => `!${someVar()}`],
      [1, () => `${someVar()}.destroyed`],
      [1, () => `${this.counter()} > ${this.r.between(0, 100)}`],
      [1, () => `${someVar()}?.readyState === ${this.r.between(0, 3)}`],
      [0.6, () => (ctx.thisInfo ? `this.${this.r.pick(ctx.thisInfo.fields)}` : 'true')],
      [0.4, () => (ctx.thisInfo && ctx.privates.length ? `#${this.r.pick(ctx.privates)} in this` : 'false')],
      [0.5, () => `Math.random() < 0.${this.r.between(1, 9)}`],
      [0.5, () => `${someVar()} instanceof ${this.emitter()}`],
      [0.4, () => `/${this.r.pick(['close', 'end|error', '^on'])}/u.test(String(${someVar()}))`],
      [0.3, () => `${someVar()}${this.ts ? '!' : ''}.listenerCount?.(${this.q('close')}) > 0`],
    ])();
  }

  /** An emitter expression: a keep-alive socket, process, a module-level bus, a field, or a per-request object. */
  receiver(ctx, { socketOnly = false } = {}) {
    const entries = [];
    const add = (weight, make) => entries.push([weight, make]);
    for (const v of ctx.vars) {
      switch (v.kind) {
        case 'socket':
          add(4, () => v.name);
          break;
        case 'req':
        case 'res':
          add(3, () => `${v.name}.socket`);
          add(1, () => `${v.name}.connection`);
          add(0.8, () => `${v.name}?.socket`);
          add(0.4, () => `${v.name}[${this.q('socket')}]`);
          if (this.ts) {
            add(0.6, () => `${v.name}.socket!`);
            add(0.6, () => `(${v.name}.socket as ${this.typeName('Socket')})`);
          }
          if (!socketOnly) add(1, () => v.name);
          break;
        case 'koa':
          add(3, () => `${v.name}.req.socket`);
          if (!socketOnly) add(1, () => `${v.name}.res`);
          break;
        case 'fastify':
          add(3, () => `${v.name}.raw.socket`);
          add(1, () => `${v.name}.socket`);
          break;
        case 'hapi':
          add(3, () => `${v.name}.raw.req.socket`);
          break;
        case 'emitter':
        case 'ws':
        case 'server':
          if (!socketOnly) add(1.5, () => v.name);
          break;
        default:
          break;
      }
    }
    if (ctx.thisInfo) {
      for (const field of ctx.thisInfo.emitterFields) add(socketOnly ? 0.5 : 2, () => `this.${field}`);
      for (const field of ctx.thisInfo.privateEmitters) if (ctx.privates.includes(field)) add(1, () => `this.#${field}`);
    }
    if (!socketOnly) {
      add(1.2, () => 'process');
      add(1.2, () => this.bus());
      add(0.5, () => this.agent());
      add(0.2, () => 'globalThis.process');
      add(0.2, () => `${this.importDefault('node:http', 'http')}.globalAgent`);
      if (this.jsx) add(0.3, () => 'window');
    }
    if (entries.length === 0) add(1, () => (socketOnly ? `${this.agent()}.sockets` : 'process'));
    return this.r.weighted(entries)();
  }

  /** A listener: an arrow or function with a body, a function held in a variable, or a method of this. */
  handler(ctx, events = 'any') {
    const handlers = ctx.vars.filter((v) => v.kind === 'handler');
    const thisHandlers = ctx.thisInfo ? ctx.thisInfo.handlerFields : [];
    const nest = ctx.depth < this.maxDepth;
    const param = () => this.r.pick(['error', 'err', 'code', 'data', 'chunk', 'hadError', 'reason', 'message']);
    return this.r.weighted([
      [2, () => `() => ${this.smallCall(ctx)}`],
      [1, () => '() => {}'],
      [nest ? 3 : 0, () => {
        const inner = this.enterFunction(ctx, 'arrow', { async: this.r.chance(0.2) });
        const p = this.r.chance(0.5) ? this.bind(inner, param(), 'value') : null;
        const head = p ? (this.ts && this.r.chance(0.5) ? `(${p}: ${this.r.pick(['Error', 'unknown', 'Buffer', 'any'])})` : this.r.chance(0.5) ? `(${p})` : p) : '()';
        return `${inner.async ? 'async ' : ''}${head} => ${this.block(this.statements(inner, this.r.between(0, 3)))}`;
      }],
      [nest ? 1 : 0, () => {
        const inner = this.enterFunction(ctx, 'function', { async: this.r.chance(0.2) });
        const name = this.r.chance(0.3) ? ` ${this.localName(inner, this.r.pick(['onClose', 'handle', 'listener']))}` : '';
        const p = this.r.chance(0.5) ? this.bind(inner, param(), 'value') + this.ann(0.4) : '';
        return `${inner.async ? 'async ' : ''}function${name}(${p}) ${this.block(this.statements(inner, this.r.between(0, 3)))}`;
      }],
      [handlers.length ? 2 : 0, () => this.r.pick(handlers).name],
      [handlers.length ? 0.4 : 0, () => `${this.r.pick(handlers).name}.bind(null, ${this.valueOf(ctx)})`],
      [thisHandlers.length ? 2 : 0, () => `this.${this.r.pick(thisHandlers)}`],
      [ctx.thisInfo ? 0.6 : 0, () => `this.${this.r.pick(ctx.thisInfo.methods)}.bind(this)`],
      [events === 'any' ? 0.2 : 0, () => `(...args${this.ts ? ': unknown[]' : ''}) => console.log(...args)`],
    ])();
  }

  smallCall(ctx) {
    return this.r.weighted([
      [2, () => `${this.counter()}--`],
      [1, () => `console.log(${this.q('closed')})`],
      [ctx.thisInfo ? 2 : 0, () => `this.${this.r.pick(ctx.thisInfo.methods)}(${this.valueOf(ctx)})`],
      [1, () => `${this.weakMap()}.delete(${this.receiver(ctx, { socketOnly: true })})`],
      [0.5, () => `void ${this.valueOf(ctx)}`],
      [0.5, () => `${this.bus()}.emit(${this.q('change')}, ${this.valueOf(ctx)})`],
      [ctx.thisInfo && ctx.privates.length ? 0.5 : 0, () => `this.#${this.r.pick(ctx.privates)} = ${this.valueOf(ctx)}`],
      [0.3, () => `(${this.counter()} += ${this.r.between(1, 3)})`],
    ])();
  }

  /** A listener registration, in any of the forms the detector reads (or should). */
  registration(ctx) {
    const receiver = this.receiver(ctx);
    const safe = /[!)\s]$|\bas\b/.test(receiver) ? `(${receiver})` : receiver;
    const method = this.r.weighted(REGISTER_METHODS);
    const event = () => this.event(ctx, /process/.test(receiver) ? PROCESS_EVENTS : /socket|connection|sock/i.test(receiver) ? SOCKET_EVENTS : EVENTS);
    return this.r.weighted([
      [10, () => `${safe}.${method}(${event()}, ${this.handler(ctx)})`],
      [1.2, () => `${safe}?.${method}(${event()}, ${this.handler(ctx)})`],
      [0.8, () => `${safe}.${method}?.(${event()}, ${this.handler(ctx)})`],
      [0.8, () => `${safe}[${this.q(method)}](${event()}, ${this.handler(ctx)})`],
      [0.4, () => `${safe}[${this.methodConstant()}](${event()}, ${this.handler(ctx)})`],
      [0.8, () => `${safe}.${method}(${event()}, ${this.handler(ctx)}).${this.r.weighted(REGISTER_METHODS)}(${event()}, ${this.handler(ctx)})`],
      [1, () => `${safe}.addEventListener(${event()}, ${this.handler(ctx)}${this.r.pick(['', ', { once: true }', ', false', ', { passive: true }'])})`],
      [1.2, () => `${safe}.setTimeout(${this.r.between(0, 60000)}, ${this.handler(ctx)})`],
      [this.ts ? 0.3 : 0, () => `${safe}.on<${this.r.pick(['string', 'never', 'any'])}>(${event()}, ${this.handler(ctx)})`],
      [0.5, () => `${this.importDefault('node:net', 'net')}.connect(${this.r.between(1, 65535)}, ${this.handler(ctx)})`],
      [0.4, () => `${this.importDefault('node:net', 'net')}.createConnection({ port: ${this.r.between(1, 65535)} }, ${this.handler(ctx)})`],
      [0.3, () => `${this.importDefault('node:tls', 'tls')}.connect(${this.r.between(1, 65535)}, ${this.q('localhost')}, {}, ${this.handler(ctx)})`],
      [0.4, () => `${safe}.connect(${this.r.between(1, 65535)}, ${this.q('127.0.0.1')}, ${this.handler(ctx)})`],
      [0.4, () => `${this.importNamed('node:stream', 'finished')}(${safe}, ${this.handler(ctx)})`],
      [ctx.async ? 0.6 : 0, () => `await ${this.importNamed('node:events', 'once')}(${safe}, ${event()})`],
    ])();
  }

  removal(ctx) {
    const receiver = this.receiver(ctx);
    const safe = /[!)\s]$|\bas\b/.test(receiver) ? `(${receiver})` : receiver;
    return this.r.weighted([
      [6, () => `${safe}.${this.r.weighted(REMOVE_METHODS)}(${this.event(ctx)}, ${this.handler(ctx)})`],
      [1, () => `${safe}.removeEventListener(${this.event(ctx)}, ${this.handler(ctx)})`],
      [2, () => `${safe}.removeAllListeners(${this.event(ctx)})`],
      [1, () => `${safe}.removeAllListeners()`],
      [0.5, () => `${safe}?.removeAllListeners?.(${this.event(ctx)})`],
      [0.4, () => `${safe}[${this.q('removeAllListeners')}]()`],
    ])();
  }

  maxListeners(ctx) {
    const receiver = this.receiver(ctx);
    const safe = /[!)\s]$|\bas\b/.test(receiver) ? `(${receiver})` : receiver;
    const n = this.r.pick(['0', 'Infinity', '100', String(this.r.between(11, 5000)), 'Number.MAX_SAFE_INTEGER', '-1 >>> 0', '10']);
    return this.r.weighted([
      [4, () => `${safe}.setMaxListeners(${n})`],
      [1, () => `${this.emitter()}.defaultMaxListeners = ${n}`],
      [1, () => `${this.importNamed('node:events', 'setMaxListeners')}(${n}, ${safe})`],
      [0.5, () => `${safe}.setMaxListeners?.(${safe}.getMaxListeners() + 1)`],
      [0.5, () => `${this.importDefault('node:events', 'events')}.defaultMaxListeners = ${n}`],
    ])();
  }

  trackerCall(ctx) {
    const choices = [...this.trackers];
    if (ctx.thisInfo) for (const m of ctx.thisInfo.trackerMethods) choices.push({ call: (arg) => `this.${m}(${arg})` });
    const tracker = this.r.pick(choices);
    const arg = this.receiver(ctx, { socketOnly: true });
    const extra = this.r.chance(0.4) ? `, ${this.r.chance(0.5) ? `{ url: ${this.valueOf(ctx)} }` : this.valueOf(ctx)}` : '';
    return tracker.call(`${arg}${extra}`);
  }

  // ---- statements ----

  statements(ctx, count) {
    const out = [];
    for (let i = 0; i < count; i++) out.push(this.statement(ctx));
    return out;
  }

  statement(ctx) {
    const nest = ctx.depth < this.maxDepth;
    const trackable = this.trackers.length > 0 || (ctx.thisInfo?.trackerMethods.length ?? 0) > 0;
    return this.r.weighted([
      [7, () => `${this.registration(ctx)};`],
      [1.5, () => `${this.removal(ctx)};`],
      [0.6, () => `${this.maxListeners(ctx)};`],
      [trackable ? 3 : 0, () => `${this.trackerCall(ctx)};`],
      [1.5, () => this.guard(ctx)],
      [1.5, () => this.declaration(ctx)],
      [nest ? 1.2 : 0, () => this.ifStatement(ctx)],
      [nest ? 1.2 : 0, () => this.loop(ctx)],
      [nest ? 0.8 : 0, () => this.tryStatement(ctx)],
      [nest ? 0.8 : 0, () => this.timer(ctx)],
      [nest ? 0.5 : 0, () => this.nestedFunction(ctx)],
      [nest ? 0.3 : 0, () => this.switchStatement(ctx)],
      [nest ? 0.2 : 0, () => this.labelled(ctx)],
      [nest ? 0.15 : 0, () => this.promiseChain(ctx)],
      [ctx.async ? 1 : 0, () => this.awaitStatement(ctx)],
      [ctx.generator ? 0.8 : 0, () => this.yieldStatement(ctx)],
      [ctx.breakable ? 0.3 : 0, () => this.jump(ctx)],
      [ctx.returnOk ? 0.3 : 0, () => `return${this.r.chance(0.5) ? ` ${this.valueOf(ctx)}` : ''};`],
      [1, () => this.misc(ctx)],
      [this.jsx ? 0.5 : 0, () => `const ${this.bind(ctx, 'element', 'value')} = ${this.jsxElement(ctx, 0)};`],
      [this.ts ? 0.6 : 0, () => this.tsLocal(ctx)],
      [ctx.usingOk ? 0.4 : 0, () => this.usingDeclaration(ctx)],
      [ctx.depth < 3 && this.r.chance(0.3) ? 0.15 : 0, () => this.deep(ctx)],
    ])();
  }

  guard(ctx) {
    const socket = this.receiver(ctx, { socketOnly: true });
    const body = () => this.statements(this.enter(ctx), this.r.between(1, 2));
    return this.r.weighted([
      [2, () => {
        const seen = this.weakSet();
        const rest = this.statements(ctx, this.r.between(1, 2));
        return [`if (${seen}.has(${socket})) ${ctx.returnOk ? 'return;' : '{}'}`, `${seen}.add(${socket});`, ...rest].join('\n');
      }],
      [2, () => {
        const registry = this.weakMap();
        return `if (!${registry}.has(${socket})) ${this.block([`${registry}.set(${socket}, { id: ${this.r.between(0, 99)} });`, ...body()])}`;
      }],
      [1, () => `if (${socket}.listenerCount(${this.q('close')}) === 0) ${this.block(body())}`],
      [0.6, () => {
        const registry = this.weakMap();
        const record = this.bind(ctx, 'record', 'value');
        return [`let ${record} = ${registry}.get(${socket});`, `if (${record} === undefined) ${this.block([`${record} = { id: 0 };`, `${registry}.set(${socket}, ${record});`, ...body()])}`].join('\n');
      }],
    ])();
  }

  declaration(ctx) {
    const kw = this.r.pick(['const', 'const', 'let']);
    return this.r.weighted([
      [3, () => {
        const source = this.receiver(ctx, { socketOnly: true });
        return `${kw} ${this.bind(ctx, this.r.pick(['socket', 's', 'sock', 'conn', 'tlsSocket']), 'socket')}${this.ann(0.4, `${this.typeName('Socket')}${this.r.chance(0.3) ? ' | null' : ''}`)} = ${source};`;
      }],
      [2, () => {
        const objects = ctx.vars.filter((v) => v.kind === 'req' || v.kind === 'res');
        const from = objects.length ? this.r.pick(objects).name : this.r.chance(0.5) ? 'globalThis' : this.agent();
        const name = this.localName(ctx, 'socket');
        ctx.vars.push({ name, kind: 'socket' });
        const pattern = name === 'socket' ? '{ socket }' : `{ socket: ${name} }`;
        const rest = this.r.chance(0.3) ? `, ...${this.bind(ctx, 'rest', 'value')}` : '';
        return `${kw} ${pattern.replace(' }', `${rest} }`)} = ${from};`;
      }],
      [1.5, () => {
        const name = this.bind(ctx, this.r.pick(['onClose', 'onError', 'handleEnd', 'listener', 'cleanup']), 'handler');
        return this.r.chance(0.6)
          ? `const ${name} = ${this.handler(this.withoutHandler(ctx, name))};`
          : `function ${name}()${this.ann(0.3, 'void')} ${this.block(this.statements(this.enterFunction(ctx, 'function'), this.r.between(0, 2)))}`;
      }],
      [1, () => `${kw} ${this.bind(ctx, 'event', 'event')} = ${this.q(this.r.pick(EVENTS))};`],
      [1, () => {
        const first = this.bind(ctx, this.r.pick(['first', 'head', 'a']), 'value');
        const second = this.bind(ctx, this.r.pick(['second', 'tail', 'b']), 'value');
        return `${kw} [${first}, , ...${second}] = [${this.valueOf(ctx)}, 1, 2];`;
      }],
      [1, () => `${kw} ${this.bind(ctx, this.r.pick(['emitter', 'ee', 'channel']), 'emitter')}${this.ann(0.4, 'EventEmitter')} = new ${this.emitter()}();`],
      [0.6, () => `${kw} ${this.bind(ctx, this.r.pick(['server', 'srv']), 'server')} = ${this.importDefault('node:http', 'http')}.createServer();`],
      [0.6, () => `${kw} ${this.bind(ctx, 'ws', 'ws')} = new ${this.importDefault('ws', 'WebSocket')}(${this.q('ws://localhost')});`],
      [0.8, () => `${kw} ${this.bind(ctx, this.r.pick(['id', 'n', 'started']), 'value')}${this.ann(0.3, 'number')} = ${this.r.chance(0.5) ? 'Date.now()' : `++${this.counter()}`};`],
    ])();
  }

  /** ctx where `name` is not yet visible (a handler's own initializer cannot read it without a TDZ read). */
  withoutHandler(ctx, name) {
    return { ...ctx, vars: ctx.vars.filter((v) => v.name !== name) };
  }

  ifStatement(ctx) {
    const then = this.block(this.statements(this.enter(ctx), this.r.between(1, 3)));
    const form = this.r.int(3);
    if (form === 0) return `if (${this.condition(ctx)}) ${then}`;
    if (form === 1) return `if (${this.condition(ctx)}) ${then} else ${this.block(this.statements(this.enter(ctx), this.r.between(1, 2)))}`;
    return `if (${this.condition(ctx)}) ${then} else if (${this.condition(ctx)}) ${this.block(this.statements(this.enter(ctx), 1))}`;
  }

  loop(ctx) {
    const inner = this.enter(ctx, { loop: true, breakable: true });
    return this.r.weighted([
      [3, () => {
        const list = this.r.chance(0.5) ? this.socketSet() : this.r.chance(0.5) ? `${this.agent()}.freeSockets[${this.q('localhost:80')}] ?? []` : `[${this.receiver(ctx, { socketOnly: true })}]`;
        const item = this.bind(inner, this.r.pick(['socket', 's', 'conn']), 'socket');
        return `for (const ${item} of ${list}) ${this.block(this.statements(inner, this.r.between(1, 3)))}`;
      }],
      [2, () => {
        const i = this.localName(inner, 'i');
        return `for (let ${i} = 0; ${i} < ${this.r.between(1, 10)}; ${i}++) ${this.block(this.statements(inner, this.r.between(1, 3)))}`;
      }],
      [1, () => `while (${this.condition(ctx)}) ${this.block(this.statements(inner, this.r.between(1, 3)))}`],
      [0.8, () => `do ${this.block(this.statements(inner, this.r.between(1, 2)))} while (${this.condition(ctx)});`],
      [1.5, () => {
        const cb = this.enterFunction(ctx, 'arrow');
        const item = this.bind(cb, this.r.pick(['socket', 'conn', 'sock']), 'socket');
        return `${this.r.chance(0.5) ? this.socketSet() : `[${this.receiver(ctx, { socketOnly: true })}]`}.forEach((${item}) => ${this.block(this.statements(cb, this.r.between(1, 3)))});`;
      }],
      [ctx.async ? 0.8 : 0, () => {
        const item = this.bind(inner, 'chunk', 'value');
        return `for await (const ${item} of ${this.receiver(ctx)}) ${this.block(this.statements(inner, this.r.between(1, 2)))}`;
      }],
      [0.5, () => {
        const key = this.bind(inner, 'key', 'value');
        return `for (const ${key} in ${this.receiver(ctx)}) ${this.block(this.statements(inner, 1))}`;
      }],
    ])();
  }

  tryStatement(ctx) {
    const body = this.block(this.statements(this.enter(ctx), this.r.between(1, 3)));
    const handler = () => {
      if (this.r.chance(0.3)) return ` catch ${this.block(this.statements(this.enter(ctx), this.r.between(0, 2)))}`;
      const inner = this.enter(ctx);
      const e = this.bind(inner, this.r.pick(['error', 'err', 'e']), 'value');
      return ` catch (${e}${this.ts && this.r.chance(0.3) ? ': unknown' : ''}) ${this.block(this.statements(inner, this.r.between(0, 2)))}`;
    };
    const final = () => ` finally ${this.block(this.statements(this.enter(ctx), this.r.between(0, 2)))}`;
    const form = this.r.int(3);
    if (form === 0) return `try ${body}${handler()}`;
    if (form === 1) return `try ${body}${final()}`;
    return `try ${body}${handler()}${final()}`;
  }

  timer(ctx) {
    const cb = this.enterFunction(ctx, 'arrow', { async: this.r.chance(0.2) });
    const body = this.block(this.statements(cb, this.r.between(1, 3)));
    const fn = `${cb.async ? 'async ' : ''}() => ${body}`;
    return this.r.weighted([
      [3, () => `${this.r.chance(0.3) ? `const ${this.bind(ctx, 'timer', 'value')} = ` : ''}setInterval(${fn}, ${this.r.between(1, 60000)});`],
      [1.5, () => `setTimeout(${fn}, ${this.r.between(0, 5000)});`],
      [0.5, () => `setImmediate(${fn});`],
      [0.5, () => `process.nextTick(${fn});`],
      [0.5, () => `queueMicrotask(${fn});`],
      [0.5, () => `setInterval(${fn}, ${this.r.between(1, 1000)}).unref();`],
    ])();
  }

  nestedFunction(ctx) {
    const async = this.r.chance(0.3);
    const generator = this.r.chance(0.15);
    const inner = this.enterFunction(ctx, 'function', { async, generator });
    const params = this.params(inner);
    const name = this.bind(ctx, this.r.pick([...TRACKER_NAMES, 'helper', 'attachAll', 'onEach']), 'handler');
    const body = this.block(this.statements(inner, this.r.between(1, 3)));
    if (this.r.chance(0.6)) return `${async ? 'async ' : ''}function${generator ? '*' : ''} ${name}(${params})${this.ann(0.2, 'void')} ${body}`;
    const arrow = this.enterFunction(ctx, 'arrow', { async });
    const arrowParams = this.params(arrow);
    return `const ${name} = ${async ? 'async ' : ''}(${arrowParams}) => ${this.block(this.statements(arrow, this.r.between(1, 3)))};`;
  }

  /** Parameters for a function whose first one is (often) a socket: plain, defaulted, destructured, rest. */
  params(ctx) {
    const out = [];
    const n = this.r.between(0, 3);
    for (let i = 0; i < n; i++) {
      const form = this.r.weighted([[6, 'plain'], [1, 'default'], [1, 'object'], [0.5, 'array'], [i === n - 1 ? 0.5 : 0, 'rest']]);
      if (form === 'plain') {
        const name = this.bind(ctx, i === 0 ? this.r.pick(['socket', 'sock', 'conn', 'target']) : this.r.pick(['meta', 'options', 'id', 'url']), i === 0 ? 'socket' : 'value');
        out.push(`${name}${this.ann(0.6)}`);
      } else if (form === 'default') {
        out.push(`${this.bind(ctx, this.r.pick(['options', 'meta', 'opts']), 'value')}${this.ann(0.4, 'Record<string, unknown>')} = {}`);
      } else if (form === 'object') {
        const s = this.localName(ctx, 'socket');
        ctx.vars.push({ name: s, kind: 'socket' });
        const other = this.bind(ctx, this.r.pick(['url', 'method', 'headers']), 'value');
        out.push(`{ ${s === 'socket' ? 'socket' : `socket: ${s}`}, ${other} = ${this.q('/')} }${this.ann(0.4, 'any')}`);
      } else if (form === 'array') {
        out.push(`[${this.bind(ctx, 'head', 'value')}, ${this.bind(ctx, 'second', 'value')}]${this.ann(0.3, 'any[]')} = []`);
      } else {
        out.push(`...${this.bind(ctx, this.r.pick(['rest', 'args']), 'value')}${this.ann(0.4, 'unknown[]')}`);
      }
    }
    return out.join(', ');
  }

  switchStatement(ctx) {
    const cases = [];
    const n = this.r.between(1, 3);
    for (let i = 0; i < n; i++) {
      const inner = this.enter(ctx, { breakable: true });
      cases.push(`case ${this.q(this.r.pick(EVENTS))}: ${this.block([...this.statements(inner, this.r.between(1, 2)), 'break;'])}`);
    }
    if (this.r.chance(0.5)) cases.push(`default: ${this.block(this.statements(this.enter(ctx, { breakable: true }), 1))}`);
    return `switch (${this.valueOf(ctx)}) ${this.block(cases)}`;
  }

  labelled(ctx) {
    const label = `label${++this.labelCount}`;
    const inner = this.enter(ctx, { loop: true, breakable: true, labels: [...ctx.labels, label] });
    const item = this.bind(inner, 'socket', 'socket');
    return `${label}: for (const ${item} of ${this.socketSet()}) ${this.block(this.statements(inner, this.r.between(1, 3)))}`;
  }

  jump(ctx) {
    const labels = ctx.labels;
    const word = ctx.loop && this.r.chance(0.5) ? 'continue' : 'break';
    const label = labels.length && ctx.loop && this.r.chance(0.4) ? ` ${this.r.pick(labels)}` : '';
    return `if (${this.condition(ctx)}) ${word}${label};`;
  }

  promiseChain(ctx) {
    const links = [];
    const n = this.r.between(1, 4);
    for (let i = 0; i < n; i++) {
      const cb = this.enterFunction(ctx, 'arrow');
      links.push(`.then(() => ${this.block(this.statements(cb, 1))})`);
    }
    return `Promise.resolve()${links.join('')}.catch(${this.handler(ctx)});`;
  }

  awaitStatement(ctx) {
    const receiver = this.receiver(ctx);
    return this.r.weighted([
      [2, () => `await ${this.importNamed('node:events', 'once')}(${receiver}, ${this.event(ctx)});`],
      [2, () => `await new Promise((resolve) => ${receiver}.once(${this.event(ctx)}, resolve));`],
      [1, () => `await Promise.all([${this.valueOf(ctx)}, null]);`],
      [1, () => `const ${this.bind(ctx, 'result', 'value')} = await ${this.importDefault('node:events', 'events')}.once(${receiver}, ${this.q('connect')});`],
      [0.5, () => `for await (const ${this.bind(this.enter(ctx), 'item', 'value')} of ${this.importNamed('node:events', 'on')}(${receiver}, ${this.q('data')})) break;`],
    ])();
  }

  yieldStatement(ctx) {
    return this.r.weighted([
      [3, () => `yield ${this.registration(ctx)};`],
      [1, () => `yield* [${this.valueOf(ctx)}];`],
      [1, () => `const ${this.bind(ctx, 'sent', 'value')} = yield;`],
    ])();
  }

  misc(ctx) {
    const someVar = () => {
      const vars = ctx.vars.filter((v) => v.kind !== 'event');
      return vars.length ? this.r.pick(vars).name : this.bus();
    };
    return this.r.weighted([
      [2, () => `${this.counter()}++;`],
      [1, () => `console.debug(\`\${${this.valueOf(ctx)}} \${${this.r.between(0, 9)}}\`);`],
      [1, () => `${someVar()}?.${this.r.pick(['ref', 'unref', 'resume', 'pause', 'destroy'])}?.();`],
      [1, () => `const ${this.bind(ctx, 'copy', 'value')} = { ...${someVar()}, [${this.q('key')}]: ${this.valueOf(ctx)}, ${this.r.pick(['get size() { return 1; }', 'toString() { return ""; }', 'async *items() {}'])} };`],
      [0.8, () => `${this.counter()} ||= ${this.r.between(1, 9)};`],
      [0.6, () => `void String.raw\`${this.r.pick(['a', 'b\\n', 'c'])}\${${this.valueOf(ctx)}}\`;`],
      [0.6, () => `${someVar()}.emit?.(${this.event(ctx)}, ${this.valueOf(ctx)});`],
      [0.5, () => `const ${this.bind(ctx, 'mod', 'value')} = import(${this.q('node:events')});`],
      [this.esm ? 0.4 : 0, () => `console.log(import.meta.url);`],
      [0.4, () => `${this.counter()} = ${this.condition(ctx)} ? ${this.valueOf(ctx)} : ${this.r.between(0, 1)};`],
      [0.4, () => `const ${this.bind(ctx, 'Local', 'value')} = class extends ${this.emitter()} ${this.block([`${this.r.pick(['static count = 0;', '#state = 1;', 'ready = false;'])}`])};`],
      [ctx.superOk ? 0.8 : 0, () => `super.emit(${this.q('change')});`],
      [ctx.newTargetOk ? 0.2 : 0, () => `void new.target;`],
      [0.3, () => `${this.counter()} = (${this.counter()}, ${this.r.between(0, 9)}) ** 2;`],
      [0.3, () => `;`],
    ])();
  }

  usingDeclaration(ctx) {
    const awaitUsing = ctx.async && this.r.chance(0.4);
    const name = this.bind(ctx, this.r.pick(['lease', 'handle', 'scope']), 'value');
    const receiver = this.receiver(ctx, { socketOnly: true });
    const resource = this.r.weighted([
      [2, () => `{ [Symbol.${awaitUsing ? 'asyncDispose' : 'dispose'}]: () => ${receiver}.removeAllListeners(${this.q('close')}) }`],
      [1, () => 'null'],
      [1, () => `${this.r.pick(['acquire', 'lock', 'open'])}(${receiver})`],
    ])();
    return `${awaitUsing ? 'await using' : 'using'} ${name}${this.ann(0.2, 'Disposable | null')} = ${resource};`;
  }

  tsLocal(ctx) {
    const Socket = this.typeName('Socket');
    return this.r.weighted([
      [2, () => `const ${this.bind(ctx, 'socket', 'socket')} = ${this.receiver(ctx, { socketOnly: true })} as unknown as ${Socket};`],
      [1, () => `type ${this.localName(ctx, 'Local')}<T = ${Socket}> = { [K in keyof T]?: T[K] };`],
      [1, () => `interface ${this.localName(ctx, 'Shape')} { on(event: string, cb: (...args: any[]) => void): this; readonly id?: number }`],
      [this.language === 'tsx' ? 0 : 0.6, () => `const ${this.bind(ctx, 'cast', 'socket')} = <${Socket}>${this.receiver(ctx, { socketOnly: true })};`],
      [1, () => `const ${this.bind(ctx, 'checked', 'value')} = { port: ${this.r.between(1, 9)} } satisfies Record<string, number>;`],
      [0.6, () => `let ${this.bind(ctx, 'maybe', 'value')}: ${Socket} | undefined;`],
      [0.5, () => `const ${this.bind(ctx, 'pick', 'handler')} = ${this.language === 'tsx' ? '<T,>' : '<T>'}(value: T): T => value;`],
    ])();
  }

  jsxElement(ctx, level) {
    const tag = this.r.pick(['div', 'section', 'span', 'button', 'ul']);
    const attrs = [];
    if (this.r.chance(0.5)) attrs.push(` className=${this.q(this.r.pick(['a', 'panel', 'row']))}`);
    if (this.r.chance(0.5)) attrs.push(` onClick={() => ${this.registration({ ...ctx, async: false })}}`);
    if (this.r.chance(0.3)) attrs.push(` data-id={${this.valueOf(ctx)}}`);
    if (this.r.chance(0.2)) attrs.push(` {...${this.r.chance(0.5) ? '{ hidden: true }' : '{}'}}`);
    const children = [];
    const n = this.r.between(0, 2);
    for (let i = 0; i < n; i++) {
      children.push(this.r.weighted([
        [2, () => this.r.pick(['text', 'open sockets', 'status'])],
        [2, () => `{${this.valueOf(ctx)}}`],
        [level < 3 ? 1 : 0, () => this.jsxElement(ctx, level + 1)],
        [0.5, () => '<></>'],
        [0.5, () => `{[1, 2].map((n) => <li key={n}>{n}</li>)}`],
      ])());
    }
    if (children.length === 0 && this.r.chance(0.5)) return `<${tag}${attrs.join('')} />`;
    return `<${tag}${attrs.join('')}>${children.join('')}</${tag}>`;
  }

  /** A registration (or tracker call) under 15 to 120 levels of blocks, ifs, loops, callbacks and tries. */
  deep(ctx) {
    const levels = this.r.between(15, 120);
    let inner = ctx;
    const opens = [];
    const closes = [];
    for (let i = 0; i < levels; i++) {
      const kind = this.r.weighted([[3, 'if'], [2, 'block'], [2, 'arrow'], [1, 'for'], [1, 'try'], [0.5, 'callback'], [0.5, 'function']]);
      if (kind === 'if') {
        opens.push(`if (${this.condition(inner)}) {`);
        closes.push('}');
        inner = this.enter(inner);
      } else if (kind === 'block') {
        opens.push('{');
        closes.push('}');
        inner = this.enter(inner);
      } else if (kind === 'arrow') {
        opens.push('(() => {');
        closes.push('})();');
        inner = this.enterFunction(inner, 'arrow');
      } else if (kind === 'for') {
        inner = this.enter(inner, { loop: true, breakable: true });
        opens.push(`for (const ${this.bind(inner, 'socket', 'socket')} of ${this.socketSet()}) {`);
        closes.push('}');
      } else if (kind === 'try') {
        opens.push('try {');
        closes.push('} finally {}');
        inner = this.enter(inner);
      } else if (kind === 'callback') {
        opens.push('setImmediate(() => {');
        closes.push('});');
        inner = this.enterFunction(inner, 'arrow');
      } else {
        opens.push('(function () {');
        closes.push('})();');
        inner = this.enterFunction(inner, 'function');
      }
    }
    inner = { ...inner, depth: this.maxDepth };
    const core = this.r.chance(0.3) && this.trackers.length ? `${this.trackerCall(inner)};` : `${this.registration(inner)};`;
    return [...opens, core, ...closes.reverse()].join('\n');
  }

  // ---- module-level items ----

  /** A function (declaration, arrow, or object method) that adds listeners to the socket it is given. */
  trackerFunction(ctx) {
    const form = this.r.weighted([[3, 'declaration'], [2, 'arrow'], [1, 'object'], [1, 'factory']]);
    const name = this.topName(this.r.pick(TRACKER_NAMES));
    const async = this.r.chance(0.15);
    const fn = this.enterFunction(ctx, form === 'arrow' ? 'arrow' : 'function', { async });
    const socket = this.bind(fn, this.r.pick(['socket', 'sock', 'conn', 'target']), 'socket');
    const extra = this.r.chance(0.4) ? `, ${this.bind(fn, this.r.pick(['meta', 'url', 'info']), 'value')}${this.ann(0.4, 'unknown')}${this.r.chance(0.3) ? ' = {}' : ''}` : '';
    const head = `${socket}${this.ann(0.6, this.typeName('Socket'))}${extra}`;
    const body = [];
    if (this.r.chance(0.2)) body.push(`if (!${socket}) return;`);
    if (this.r.chance(0.2)) body.push(this.guard(fn));
    const n = this.r.between(1, 4);
    for (let i = 0; i < n; i++) {
      body.push(this.r.chance(0.7) ? `${socket}.${this.r.weighted(REGISTER_METHODS)}(${this.event(fn, SOCKET_EVENTS)}, ${this.handler(fn)});` : this.statement(fn));
    }
    if (this.r.chance(0.3)) body.push(`return ${this.valueOf(fn)};`);
    const text = this.block(body);
    if (form === 'declaration') {
      this.trackers.push({ name, call: (arg) => `${name}(${arg})` });
      return `${this.exportPrefix(0.3)}${async ? 'async ' : ''}function ${name}(${head})${this.ann(0.3, async ? 'Promise<unknown>' : 'unknown')} ${text}`;
    }
    if (form === 'arrow') {
      this.trackers.push({ name, call: (arg) => `${name}(${arg})` });
      return `${this.exportPrefix(0.3)}const ${name} = ${async ? 'async ' : ''}(${head}) => ${text};`;
    }
    if (form === 'object') {
      const method = this.r.pick(['track', 'attach', 'watch']);
      this.trackers.push({ name, call: (arg) => `${name}.${method}(${arg})` });
      return `${this.exportPrefix(0.3)}const ${name} = ${this.block([`${async ? 'async ' : ''}${method}(${head}) ${text},`, `size: 0,`])};`;
    }
    const instance = this.topName(`${name}Instance`);
    this.trackers.push({ name: instance, call: (arg) => `${instance}.attach(${arg})` });
    return [`function ${name}() ${this.block([`return ${this.block([`${async ? 'async ' : ''}attach(${head}) ${text},`])};`])}`, `const ${instance} = ${name}();`].join('\n');
  }

  /** A class that keeps a record per socket; `new` at module level, its method called per request. */
  trackerClass(ctx) {
    const className = this.topName(this.r.pick(['ConnectionTracker', 'SocketBook', 'Keepalive', 'Pool', 'Stats', 'Monitor']));
    const instance = this.topName(this.r.pick(['tracker', 'book', 'stats', 'monitor']));
    const method = this.r.pick(TRACKER_NAMES);
    const privates = this.r.chance(0.4) ? [this.r.pick(['open', 'records', 'connections'])] : [];
    const thisInfo = { fields: ['connections', 'stats'], emitterFields: [], privateEmitters: [], handlerFields: [], methods: ['handleClose', method], trackerMethods: [method] };
    const members = [];
    if (this.ts) members.push(`private connections = new Map<number, unknown>();`, `readonly stats = { closed: 0 };`);
    else members.push('connections = new Map();', 'stats = { closed: 0 };');
    for (const p of privates) members.push(`#${p}${this.ann(0.4, 'Map<number, unknown>')} = new Map();`);
    if (this.r.chance(0.2)) members.push(`static #instances = 0;`, `static { ${className}.#instances = 0; }`);
    const classCtx = { ...ctx, privates: [...ctx.privates, ...privates, ...members.some((m) => m.startsWith('static #')) ? ['instances'] : []] };
    const fn = this.enterFunction(classCtx, 'method', { async: this.r.chance(0.15), thisInfo });
    const socket = this.bind(fn, this.r.pick(['socket', 'sock', 'conn']), 'socket');
    const id = this.bind(fn, 'id', 'value');
    const body = [`const ${id} = ${this.r.chance(0.5) ? 'Date.now()' : 'Math.random()'};`];
    if (privates.length) body.push(`this.#${privates[0]}.set(${id}, ${socket});`);
    else body.push(`this.connections.set(${id}, { ${socket}, opened: Date.now() });`);
    const n = this.r.between(1, 3);
    for (let i = 0; i < n; i++) {
      body.push(this.r.chance(0.7) ? `${socket}.${this.r.weighted(REGISTER_METHODS)}(${this.event(fn, SOCKET_EVENTS)}, () => this.handleClose(${id}));` : this.statement(fn));
    }
    if (this.r.chance(0.5)) body.push(`return ${id};`);
    const mods = this.ts ? this.r.pick(['', 'public ', 'protected ']) : '';
    members.push(`${mods}${fn.async ? 'async ' : ''}${method}(${socket}${this.ann(0.6, this.typeName('Socket'))}${this.r.chance(0.3) ? `, ${this.localName(fn, 'meta')}${this.ts ? '?: unknown' : ' = {}'}` : ''}) ${this.block(body)}`);
    members.push(`handleClose(${this.ts ? 'id: number' : 'id'}) ${this.block(['this.connections.delete(id);', 'this.stats.closed++;'])}`);
    this.trackers.push({ name: instance, call: (arg) => `${instance}.${method}(${arg})` });
    const decorated = this.ts && this.r.chance(0.2) ? `@${this.importNamed('@nestjs/common', 'Injectable')}()\n` : '';
    return [`${decorated}${this.exportPrefix(0.3)}class ${className} ${this.block(members)}`, `const ${instance} = new ${className}();`].join('\n');
  }

  /** An http/https/net server whose handler runs per request (or per connection). */
  server(ctx) {
    const kind = this.r.weighted([[3, 'http'], [1, 'https'], [1, 'net'], [1, 'request-event'], [1, 'named']]);
    if (kind === 'net') {
      const net = this.importDefault('node:net', 'net');
      const fn = this.enterFunction(ctx, 'arrow');
      const socket = this.bind(fn, this.r.pick(['socket', 'conn']), 'socket');
      return `const ${this.topName('server')} = ${net}.createServer((${socket}) => ${this.block(this.statements(fn, this.r.between(1, 4)))});`;
    }
    const mod = this.importDefault(kind === 'https' ? 'node:https' : 'node:http', kind === 'https' ? 'https' : 'http');
    const fn = this.enterFunction(ctx, kind === 'named' ? 'function' : 'arrow', { async: this.r.chance(0.3) });
    const req = this.bind(fn, this.r.pick(['req', 'request', 'incoming']), 'req');
    const res = this.bind(fn, this.r.pick(['res', 'response', 'reply']), 'res');
    const params = `${req}${this.ann(0.5, `${mod}.IncomingMessage`)}, ${res}${this.ann(0.5, `${mod}.ServerResponse`)}`;
    const body = this.block([...this.statements(fn, this.r.between(1, 4)), `${res}.end(${this.q('ok')});`]);
    const server = this.topName(this.r.pick(['server', 'app', 'srv']));
    const asyncWord = fn.async ? 'async ' : '';
    if (kind === 'named') {
      const name = this.topName(this.r.pick(['handleRequest', 'onRequest', 'handler', 'serve']));
      return [`${asyncWord}function ${name}(${params}) ${body}`, `const ${server} = ${mod}.createServer(${name});`, `${server}.listen(${this.r.between(1024, 9999)});`].join('\n');
    }
    if (kind === 'request-event') {
      return [`const ${server} = ${mod}.createServer();`, `${server}.on(${this.q('request')}, ${asyncWord}(${params}) => ${body});`].join('\n');
    }
    const options = kind === 'https' ? `{ key: ${this.q('')}, cert: ${this.q('')} }, ` : '';
    return `${this.exportPrefix(0.2)}const ${server} = ${mod}.createServer(${options}${asyncWord}(${params}) => ${body});`;
  }

  /** Express, Koa, Fastify or Hapi routes and middleware. */
  framework(ctx) {
    const kind = this.r.pick(['express', 'koa', 'fastify', 'hapi', 'router']);
    const fnBody = (fn, extra = []) => this.block([...this.statements(fn, this.r.between(1, 3)), ...extra]);
    if (kind === 'express' || kind === 'router') {
      const express = this.importDefault('express', 'express');
      const app = this.topName(kind === 'router' ? 'router' : this.r.pick(['app', 'api']));
      const lines = [`const ${app} = ${kind === 'router' ? `${express}.Router()` : `${express}()`};`];
      const routes = this.r.between(1, 3);
      for (let i = 0; i < routes; i++) {
        const asFunction = this.r.chance(0.2);
        const fn = this.enterFunction(ctx, asFunction ? 'function' : 'arrow', { async: this.r.chance(0.4) });
        const req = this.bind(fn, this.r.pick(['req', 'request']), 'req');
        const res = this.bind(fn, this.r.pick(['res', 'response']), 'res');
        const next = this.r.chance(0.5) ? this.bind(fn, 'next', 'value') : null;
        const verb = this.r.pick(ROUTE_VERBS);
        const path = verb === 'use' && this.r.chance(0.5) ? '' : `${this.q(`/${this.r.pick(['items', 'health', 'users/:id', ''])}`)}, `;
        const params = `${req}${this.ann(0.4, 'any')}, ${res}${this.ann(0.4, 'any')}${next ? `, ${next}${this.ann(0.4, '() => void')}` : ''}`;
        const body = fnBody(fn, [next ? `${next}();` : `${res}.send(${this.q('ok')});`]);
        lines.push(asFunction
          ? `${app}.${verb}(${path}${fn.async ? 'async ' : ''}function (${params}) ${body});`
          : `${app}.${verb}(${path}${fn.async ? 'async ' : ''}(${params}) => ${body});`);
      }
      return lines.join('\n');
    }
    if (kind === 'koa') {
      const Koa = this.importDefault('koa', 'Koa');
      const app = this.topName('app');
      const fn = this.enterFunction(ctx, 'arrow', { async: true });
      const c = this.bind(fn, 'ctx', 'koa');
      const next = this.bind(fn, 'next', 'value');
      return [`const ${app} = new ${Koa}();`, `${app}.use(async (${c}${this.ann(0.4, 'any')}, ${next}${this.ann(0.3, '() => Promise<void>')}) => ${fnBody(fn, [`await ${next}();`])});`].join('\n');
    }
    if (kind === 'fastify') {
      const fastify = this.importDefault('fastify', 'Fastify');
      const app = this.topName(this.r.pick(['fastify', 'server', 'instance']));
      const lines = [`const ${app} = ${fastify}({ logger: false });`];
      const form = this.r.int(3);
      const fn = this.enterFunction(ctx, 'arrow', { async: form !== 1 });
      const request = this.bind(fn, 'request', 'fastify');
      const reply = this.bind(fn, 'reply', 'res');
      if (form === 0) lines.push(`${app}.get(${this.q('/x')}, async (${request}, ${reply}) => ${fnBody(fn, [`return ${this.q('ok')};`])});`);
      else if (form === 1) {
        const done = this.bind(fn, 'done', 'value');
        lines.push(`${app}.addHook(${this.q(this.r.pick(['onRequest', 'preHandler', 'onResponse']))}, (${request}, ${reply}, ${done}) => ${fnBody(fn, [`${done}();`])});`);
      } else lines.push(`${app}.route(${this.block([`method: ${this.q('GET')},`, `url: ${this.q('/')},`, `handler: async (${request}, ${reply}) => ${fnBody(fn)},`])});`);
      return lines.join('\n');
    }
    const Hapi = this.importDefault('@hapi/hapi', 'Hapi');
    const server = this.topName('server');
    const fn = this.enterFunction(ctx, 'arrow', { async: this.r.chance(0.5) });
    const request = this.bind(fn, 'request', 'hapi');
    const h = this.bind(fn, 'h', 'value');
    const handler = `${fn.async ? 'async ' : ''}(${request}, ${h}) => ${fnBody(fn, [`return ${h}.response(${this.q('ok')});`])}`;
    const route = [`method: ${this.q('GET')},`, `path: ${this.q('/')},`, this.r.chance(0.5) ? `handler: ${handler},` : `options: { handler: ${handler} },`];
    if (this.r.chance(0.3)) {
      const ext = this.enterFunction(ctx, 'arrow');
      const extRequest = this.bind(ext, 'request', 'hapi');
      const extH = this.bind(ext, 'h', 'value');
      return [`const ${server} = ${Hapi}.server({ port: ${this.r.between(1024, 9999)} });`, `${server}.route(${this.block(route)});`,
        `${server}.ext(${this.q('onPreResponse')}, (${extRequest}, ${extH}) => ${fnBody(ext, [`return ${extH}.continue;`])});`].join('\n');
    }
    return [`const ${server} = ${Hapi}.server({ port: ${this.r.between(1024, 9999)} });`, `${server}.route(${this.block(route)});`].join('\n');
  }

  /** A NestJS controller or middleware: decorators, parameter decorators, parameter properties. */
  nest(ctx) {
    const decorator = (name) => this.importNamed('@nestjs/common', name);
    const className = this.topName(this.r.pick(['ItemsController', 'HealthController', 'LoggingMiddleware', 'EventsGateway']));
    const members = [];
    const thisInfo = { fields: ['service'], emitterFields: [], privateEmitters: [], handlerFields: [], methods: ['helper'], trackerMethods: [] };
    if (this.r.chance(0.5)) members.push(`constructor(private readonly service${this.r.chance(0.5) ? ': unknown' : ': { track(s: unknown): void }'}) {}`);
    const middleware = className.endsWith('Middleware');
    const methods = this.r.between(1, 3);
    for (let i = 0; i < methods; i++) {
      const fn = this.enterFunction(ctx, 'method', { async: this.r.chance(0.5), thisInfo });
      if (middleware && i === 0) {
        const req = this.bind(fn, 'req', 'req');
        const res = this.bind(fn, 'res', 'res');
        const next = this.bind(fn, 'next', 'value');
        members.push(`${fn.async ? 'async ' : ''}use(${req}: any, ${res}: any, ${next}: () => void) ${this.block([...this.statements(fn, this.r.between(1, 3)), `${next}();`])}`);
        continue;
      }
      const verb = this.r.pick(NEST_VERBS);
      const verbName = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'All', 'Sse'].includes(verb) ? decorator(verb) : decorator(verb);
      const req = this.bind(fn, 'req', 'req');
      const res = this.bind(fn, 'res', 'res');
      const reqParam = `@${decorator('Req')}() ${req}: ${this.r.pick(['any', 'Request', '{ socket: unknown }'])}`;
      const resParam = `@${decorator('Res')}(${this.r.chance(0.5) ? '{ passthrough: true }' : ''}) ${res}${this.r.chance(0.3) ? '?' : ''}: any`;
      const method = this.localName(fn, this.r.pick(['find', 'list', 'create', 'stream', 'handle']) + i);
      members.push(`@${verbName}(${this.r.chance(0.5) ? this.q(':id') : ''})\n${fn.async ? 'async ' : ''}${method}(${reqParam}, ${resParam}) ${this.block(this.statements(fn, this.r.between(1, 4)))}`);
    }
    members.push(`private helper() ${this.block([])}`);
    const classDecorator = middleware ? `@${decorator('Injectable')}()` : `@${decorator('Controller')}(${this.q('items')})`;
    const implementsClause = middleware ? ` implements ${this.importNamed('@nestjs/common', 'NestMiddleware', true)}` : '';
    return `${classDecorator}\n${this.exportPrefix(0.7)}class ${className}${implementsClause} ${this.block(members)}`;
  }

  /** An HTTP client: a function or a class whose per-call method gets a response from a keep-alive agent. */
  client(ctx) {
    const secure = this.r.chance(0.5);
    const mod = this.importDefault(secure ? 'node:https' : 'node:http', secure ? 'https' : 'http');
    const agent = this.agent();
    const responseHandler = (outer) => {
      const fn = this.enterFunction(outer, 'arrow');
      const res = this.bind(fn, this.r.pick(['res', 'response']), 'res');
      return `(${res}${this.ann(0.4, 'any')}) => ${this.block([...this.statements(fn, this.r.between(1, 3)), `${res}.resume();`])}`;
    };
    if (this.r.chance(0.5)) {
      const name = this.topName(this.r.pick(['fetchJson', 'getStatus', 'post', 'callUpstream']));
      const fn = this.enterFunction(ctx, 'function', { async: this.r.chance(0.4) });
      const url = this.bind(fn, 'url', 'value');
      const promise = this.enterFunction(fn, 'arrow');
      const resolve = this.bind(promise, 'resolve', 'value');
      const reject = this.bind(promise, 'reject', 'value');
      const req = this.bind(promise, 'req', 'req');
      const lines = [`const ${req} = ${mod}.${this.r.pick(['get', 'request'])}(${url}, { agent: ${agent} }, ${responseHandler(promise)});`];
      lines.push(`${req}.on(${this.q('error')}, ${reject});`);
      if (this.r.chance(0.6)) {
        const sock = this.enterFunction(promise, 'arrow');
        const socket = this.bind(sock, 'socket', 'socket');
        lines.push(`${req}.on(${this.q('socket')}, (${socket}) => ${this.block(this.statements(sock, this.r.between(1, 2)))});`);
      }
      lines.push(`${req}.end();`, `${resolve}(${req});`);
      return `${this.exportPrefix(0.4)}${fn.async ? 'async ' : ''}function ${name}(${url}${this.ann(0.5, 'string')}) ${this.block([`return new Promise((${resolve}, ${reject}) => ${this.block(lines)});`])}`;
    }
    const className = this.topName(this.r.pick(['HttpClient', 'RpcClient', 'Upstream']));
    const perCall = this.r.pick(PER_CALL_METHODS);
    const thisInfo = { fields: ['agent', 'baseUrl'], emitterFields: ['agent'], privateEmitters: [], handlerFields: [], methods: [perCall], trackerMethods: [] };
    const fn = this.enterFunction(ctx, 'method', { async: this.r.chance(0.4), thisInfo });
    const path = this.bind(fn, 'path', 'value');
    const req = this.bind(fn, 'req', 'req');
    const body = [`const ${req} = ${mod}.request({ path: ${path}, agent: this.agent }, ${responseHandler(fn)});`, ...this.statements(fn, this.r.between(0, 2)), `${req}.end();`];
    const members = [
      this.ts ? `private agent = ${agent};` : `agent = ${agent};`,
      `baseUrl = ${this.q('https://example.invalid')};`,
      `${fn.async ? 'async ' : ''}${perCall}(${path}${this.ann(0.5, 'string')}) ${this.block(body)}`,
    ];
    return `${this.exportPrefix(0.4)}class ${className} ${this.block(members)}`;
  }

  /** A client with connect()/disconnect() (or start/stop, subscribe/unsubscribe): the teardown codemod's input. */
  lifecycleClass(ctx) {
    const className = this.topName(this.r.pick(['WebSocketClient', 'Feed', 'Poller', 'Subscriber', 'PriceStream', 'Worker']));
    const lifecycle = this.r.pick(LIFECYCLES);
    const teardown = this.r.chance(0.8) ? this.r.pick(TEARDOWNS) : null;
    const extendsEmitter = this.r.chance(0.4);
    const privateHandler = this.r.chance(0.3);
    const handlerField = privateHandler ? 'onSignal' : this.r.pick(['onSigint', 'onRefresh', 'listener']);
    const thisInfo = {
      fields: ['ws', 'closing', 'url'],
      emitterFields: ['ws'],
      privateEmitters: [],
      handlerFields: privateHandler ? [] : [handlerField],
      methods: [lifecycle, ...(teardown ? [teardown] : []), 'schedule'],
      trackerMethods: [],
    };
    const privates = privateHandler ? [handlerField] : [];
    const classCtx = { ...ctx, privates: [...ctx.privates, ...privates] };
    const members = [];
    if (this.ts) members.push(`private ws: any = null;`, `closing = false;`);
    else members.push('ws = null;', 'closing = false;');
    if (privateHandler) members.push(`#${handlerField}${this.ts ? '?: () => void' : ' = null'};`);
    else if (this.r.chance(0.5)) members.push(`${handlerField}${this.ts ? ': (() => void) | null' : ''} = null;`);
    const ctor = this.enterFunction(classCtx, 'method', { thisInfo, superOk: extendsEmitter, superCall: extendsEmitter });
    const url = this.bind(ctor, 'url', 'value');
    members.push(`constructor(${url}${this.ann(0.5, 'string')}) ${this.block([...(extendsEmitter ? ['super();'] : []), `this.url = ${url};`])}`);
    if (this.ts) members.unshift('url: string;');

    const connect = this.enterFunction(classCtx, 'method', { async: this.r.chance(0.3), thisInfo, superOk: extendsEmitter });
    const body = ['this.closing = false;'];
    const ws = this.importDefault('ws', 'WebSocket');
    if (this.r.chance(0.7)) {
      body.push(`this.ws = new ${ws}(this.url);`);
      body.push(`this.ws.on(${this.q('close')}, () => ${this.block([`if (!this.closing) setTimeout(() => this.${lifecycle}(), ${this.r.between(100, 5000)});`])});`);
    }
    const target = this.r.pick(['process', this.bus(), 'process']);
    const event = target === 'process' ? this.r.pick(PROCESS_EVENTS) : this.r.pick(['refresh', 'tick', 'change']);
    const form = this.r.weighted([[3, 'inline'], [1.5, 'field'], [0.8, 'fixed'], [0.5, 'bound']]);
    const handlerRef = privateHandler ? `this.#${handlerField}` : `this.${handlerField}`;
    if (form === 'inline') body.push(`${target}.on(${this.q(event)}, () => this.${teardown ?? 'schedule'}());`);
    else if (form === 'field') body.push(`${handlerRef} = () => this.${teardown ?? 'schedule'}();`, `${target}.on(${this.q(event)}, ${handlerRef});`);
    else if (form === 'fixed') body.push(`if (${handlerRef}) ${target}.off(${this.q(event)}, ${handlerRef});`, `${handlerRef} = () => this.schedule();`, `${target}.on(${this.q(event)}, ${handlerRef});`);
    else body.push(`${target}.once(${this.q(event)}, this.schedule.bind(this));`);
    body.push(...this.statements(connect, this.r.between(0, 2)));
    members.push(`${connect.async ? 'async ' : ''}${lifecycle}()${this.ann(0.3, connect.async ? 'Promise<void>' : 'void')} ${this.block(body)}`);
    members.push(`schedule() ${this.block([`this.emit?.(${this.q('scheduled')});`])}`);
    if (teardown) {
      const td = this.enterFunction(classCtx, 'method', { thisInfo, superOk: extendsEmitter });
      const tdBody = ['this.closing = true;', 'this.ws?.close();'];
      if (form !== 'inline' && this.r.chance(0.4)) tdBody.push(`if (${handlerRef}) ${target}.off(${this.q(event)}, ${handlerRef});`);
      if (this.r.chance(0.3)) tdBody.push(...this.statements(td, 1));
      const param = this.r.chance(0.2) ? this.bind(td, this.r.pick(['callback', 'reason', 'force']), 'value') + this.ann(0.5, 'unknown') : '';
      members.push(`${teardown}(${param}) ${this.block(tdBody)}`);
    }
    if (this.r.chance(0.3)) members.push(`get connected()${this.ann(0.5, 'boolean')} { return this.ws !== null; }`);
    if (this.r.chance(0.2)) members.push(`[Symbol.${this.r.pick(['dispose', 'asyncDispose'])}]() { this.${teardown ?? 'schedule'}(); }`);
    if (this.r.chance(0.2) && this.ts) members.push('override toString(): string { return this.url; }'.replace('override ', extendsEmitter ? 'override ' : ''));
    const heritage = extendsEmitter ? ` extends ${this.emitter()}` : '';
    return `${this.exportPrefix(0.4)}class ${className}${heritage} ${this.block(members)}`;
  }

  interval(ctx) {
    return this.timer(ctx);
  }

  topLoop(ctx) {
    return this.loop(ctx);
  }

  generatorItem(ctx) {
    const async = this.r.chance(0.5);
    const fn = this.enterFunction(ctx, 'function', { async, generator: true });
    const name = this.topName(this.r.pick(['listenAll', 'streamEvents', 'pump']));
    const sockets = this.bind(fn, 'sockets', 'value');
    const inner = this.enter(fn, { loop: true, breakable: true });
    const socket = this.bind(inner, 'socket', 'socket');
    const loopBody = this.block([`yield ${socket}.on(${this.q('data')}, ${this.handler(inner)});`, ...this.statements(inner, this.r.between(0, 2))]);
    return `${this.exportPrefix(0.3)}${async ? 'async ' : ''}function* ${name}(${sockets}${this.ann(0.5, 'Iterable<any>')}) ${this.block([`for ${async && this.r.chance(0.5) ? 'await ' : ''}(const ${socket} of ${sockets}) ${loopBody}`])}`;
  }

  component(ctx) {
    const useEffect = this.importNamed('react', 'useEffect');
    const name = this.topName(this.r.pick(['Ticker', 'Status', 'Panel', 'Live']));
    const fn = this.enterFunction(ctx, 'function');
    const bus = this.localName(fn, 'bus');
    fn.vars.push({ name: bus, kind: 'emitter' });
    const effect = this.enterFunction(fn, 'arrow');
    const listener = this.bind(effect, 'listener', 'handler');
    const effectBody = [`const ${listener} = () => {};`, `${bus}.on(${this.q('tick')}, ${listener});`];
    if (this.r.chance(0.6)) effectBody.push(`return () => ${bus}.off(${this.q('tick')}, ${listener});`);
    const props = this.ts ? `{ ${bus} }: { ${bus}: any }` : `{ ${bus} }`;
    return `${this.exportPrefix(0.5)}function ${name}(${props}) ${this.block([
      `${useEffect}(() => ${this.block(effectBody)}, [${bus}]);`,
      ...this.statements(fn, this.r.between(0, 2)),
      `return (\n${this.indent(this.jsxElement(fn, 0))}\n);`,
    ])}`;
  }

  tsDeclarations(ctx) {
    const Socket = this.typeName('Socket');
    return this.r.weighted([
      [2, () => `${this.exportPrefix(0.5)}interface ${this.topName('ConnectionInfo')}<T = unknown> ${this.block(['id: number;', `socket: ${Socket};`, 'meta?: T;', 'readonly opened: number;', '[key: string]: unknown;'])}`],
      [1, () => `type ${this.topName('Handler')} = (this: void, ...args: unknown[]) => void;`],
      [1, () => `type ${this.topName('Events')} = { [K in ${this.q('close')} | ${this.q('error')}]: (event: K) => void };`],
      [1, () => `type ${this.topName('Cond')}<T> = T extends string ? \`on\${Capitalize<T>}\` : never;`],
      [2, () => `${this.r.chance(0.3) ? 'const ' : ''}enum ${this.topName('State')} { Idle, Active = 5, Closed = ${this.q('closed')} }`],
      [1.5, () => {
        const ns = this.topName(this.r.pick(['Tracking', 'Sockets']));
        const seen = this.weakSet();
        return `namespace ${ns} ${this.block([`export function track(socket: ${Socket}) ${this.block([`if (${seen}.has(socket)) return;`, `${seen}.add(socket);`, `socket.on(${this.q('close')}, () => {});`])}`, `export const version = 1;`])}`;
      }],
      [1, () => {
        const name = this.topName('describe');
        return [`function ${name}(value: string): string;`, `function ${name}(value: number): string;`, `function ${name}(value: unknown): string ${this.block(['return String(value);'])}`].join('\n');
      }],
      [1, () => `${this.exportPrefix(0.3)}abstract class ${this.topName('Base')}<T extends ${this.emitter()} = ${this.emitter()}> ${this.block(['protected abstract attach(target: T): void;', 'protected readonly created = Date.now();', 'accessor label = "";'.replace(/"/g, this.quoteChar)])}`],
      [0.6, () => `declare module ${this.q('fuzz-ambient')} ${this.block(['export function track(socket: unknown): void;'])}`],
      [0.6, () => `declare const ${this.topName('injected')}: unique symbol;`],
      [0.6, () => `declare function ${this.topName('acquire')}(target: unknown): Disposable;`],
      [0.5, () => `function ${this.topName('isSocket')}(value: unknown): value is ${Socket} ${this.block([`return typeof value === ${this.q('object')} && value !== null;`])}`],
    ])();
  }

  objectItem(ctx) {
    const kOn = this.methodConstant();
    const kTrack = this.symbolConstant();
    const members = [];
    const method = (head, async = false, generator = false) => {
      const fn = this.enterFunction(ctx, 'function', { async, generator });
      const socket = this.bind(fn, 'socket', 'socket');
      return `${async ? 'async ' : ''}${generator ? '*' : ''}${head}(${socket}${this.ann(0.4, 'any')}) ${this.block(this.statements(fn, this.r.between(1, 2)))},`;
    };
    members.push(method(`[${kTrack}]`));
    if (this.r.chance(0.5)) members.push(method(`[${this.q('handle')} + ${this.q('Request')}]`));
    if (this.r.chance(0.5)) members.push(method(`[${kOn}]`, this.r.chance(0.5)));
    if (this.r.chance(0.4)) members.push(method('gen', this.r.chance(0.5), true));
    members.push('get value() { return this; },');
    const name = this.topName('handlers');
    if (this.esm && !this.defaultExported && this.r.chance(0.5)) {
      this.defaultExported = true;
      this.exported = true;
      return `export default ${this.block(members)};`;
    }
    return `const ${name} = ${this.block(members)};`;
  }

  iife(ctx) {
    const async = this.r.chance(0.5);
    const arrow = this.r.chance(0.6);
    const fn = this.enterFunction(ctx, arrow ? 'arrow' : 'function', { async });
    const body = this.block(this.statements(fn, this.r.between(1, 4)));
    const head = arrow ? `${async ? 'async ' : ''}() => ${body}` : `${async ? 'async ' : ''}function ${this.r.chance(0.5) ? this.localName(fn, this.r.pick(SETUP_NAMES)) : ''}() ${body}`;
    return this.r.pick([`(${head})();`, `void (${head})();`]);
  }

  setupFunction(ctx) {
    const name = this.topName(this.r.pick(SETUP_NAMES));
    const fn = this.enterFunction(ctx, 'function', { async: this.r.chance(0.4) });
    return [`${fn.async ? 'async ' : ''}function ${name}() ${this.block(this.statements(fn, this.r.between(1, 4)))}`, `${fn.async ? 'void ' : ''}${name}();`].join('\n');
  }

  item(ctx) {
    return this.r.weighted([
      [3, () => this.trackerFunction(ctx)],
      [2, () => this.trackerClass(ctx)],
      [3, () => this.server(ctx)],
      [2.5, () => this.framework(ctx)],
      [this.ts ? 1.2 : 0, () => this.nest(ctx)],
      [2, () => this.client(ctx)],
      [2.5, () => this.lifecycleClass(ctx)],
      [1.5, () => this.interval(ctx)],
      [1, () => this.topLoop(ctx)],
      [0.7, () => this.generatorItem(ctx)],
      [this.jsx ? 1.5 : 0, () => this.component(ctx)],
      [this.ts ? 2.5 : 0, () => this.tsDeclarations(ctx)],
      [0.7, () => this.objectItem(ctx)],
      [0.8, () => this.iife(ctx)],
      [0.8, () => this.setupFunction(ctx)],
      [1.5, () => this.statement(ctx)],
    ])();
  }

  program() {
    const ctx = rootContext(this);
    const items = [];
    // Trackers first, so the contexts generated after them can call them.
    const trackers = this.r.between(0, 2);
    for (let i = 0; i < trackers; i++) items.push(this.r.chance(0.6) ? this.trackerFunction(ctx) : this.trackerClass(ctx));
    const n = this.r.weighted([[4, 1], [4, 2], [3, 3], [1, 4], [0.5, 6]]);
    for (let i = 0; i < n; i++) items.push(this.item(ctx));
    if (!this.esm && this.r.chance(0.5)) {
      const names = [...this.trackers.map((t) => t.name)].slice(0, 3);
      if (names.length) items.push(`module.exports = { ${names.join(', ')} };`);
    }
    if (this.esm && !this.exported && this.imports.length === 0) items.push('export {};');
    const header = [];
    if (this.r.chance(0.05)) header.push('#!/usr/bin/env node');
    if (this.r.chance(0.1)) header.push(`${this.q('use strict')};`);
    if (this.r.chance(0.3)) header.push(`// fuzz program (${this.language})`);
    if (this.r.chance(0.1)) header.push('/* eslint-disable */');
    const parts = [header.join('\n'), this.imports.join('\n'), this.prelude.join('\n'), items.join('\n\n')].filter((part) => part !== '');
    return `${parts.join('\n\n')}\n`;
  }
}

export const EXTENSIONS = { js: '.js', mjs: '.mjs', cjs: '.cjs', jsx: '.jsx', ts: '.ts', mts: '.mts', cts: '.cts', tsx: '.tsx' };

/** The language of a file name by its extension (`.js` and `.mjs` are modules, `.cjs` a script). */
export function languageOf(filename) {
  const match = /\.([cm]?[jt]sx?)$/.exec(filename);
  return match && LANGUAGES.includes(match[1]) ? match[1] : 'js';
}

export const isTypeScript = (language) => TS_LANGUAGES.has(language);
export const isScript = (language) => SCRIPT_LANGUAGES.has(language);
export const hasJsx = (language) => JSX_LANGUAGES.has(language);

/**
 * The program of one seed: `{ seed, language, filename, code, origin }`. `language` forces the language (the
 * seed picks one otherwise); with `crlf` chosen by the seed, one program in ten has Windows line ends.
 */
export function generateProgram(seed, { language } = {}) {
  const random = createRandom(seed);
  const chosen = language ?? random.weighted([[3, 'js'], [1, 'mjs'], [1.5, 'cjs'], [1, 'jsx'], [3, 'ts'], [0.7, 'mts'], [0.7, 'cts'], [1.5, 'tsx']]);
  const crlf = random.chance(0.1);
  const writer = new ProgramWriter(random, chosen);
  let code = writer.program();
  if (crlf) code = code.replace(/\n/g, '\r\n');
  return { seed, language: chosen, filename: `program${EXTENSIONS[chosen]}`, code, origin: 'grammar' };
}
