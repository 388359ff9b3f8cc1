// Where a listener was added: the first stack frame that is neither Node's own code nor this runtime's. It runs on
// every listener a watched emitter gets, so it captures a short stack first and reads V8's call sites directly;
// when source maps are on or a stack formatter is installed, it reads the formatted stack so that they apply.
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallSite {
  /** `file:line`, the file relative to the working directory when it lies inside it, else absolute. */
  location: string;
  /** Absolute path of the file. */
  file: string;
  line: number;
  column: number;
  /** As V8 names it (`trackConnection`, `ConnectionTracker.trackConnection`), or undefined for an anonymous function. */
  functionName: string | undefined;
}

const RUNTIME_DIRECTORY = dirname(fileURLToPath(import.meta.url)) + sep;

// Node 20 exposes its own formatter as Error.prepareStackTrace; anything else there was installed by someone.
const NODE_FORMATTER_NAMES = new Set(['ErrorPrepareStackTrace', 'defaultPrepareStackTrace']);
const stackFormatter = (): unknown => Reflect.get(Error, 'prepareStackTrace');
const NODE_STACK_FORMATTER = stackFormatter();
const nodeFormatterOnly = (): boolean => {
  const formatter = stackFormatter();
  if (formatter === undefined) return true;
  return formatter === NODE_STACK_FORMATTER && typeof formatter === 'function' && NODE_FORMATTER_NAMES.has(formatter.name);
};

/** V8's call site, which renders itself as the formatted stack's line would. */
interface V8CallSite extends NodeJS.CallSite {
  toString(): string;
}

// Between the hook and the caller there are four or five frames of EventEmitter and stream code (seven with once):
// ten frames nearly always reach the caller, and a stack of Node's own code alone is usually shorter than that.
// Only a truncated stack with no caller in it is captured again, deeper. Each frame costs about half a microsecond.
const SHALLOW_DEPTH = 10;
const DEEP_DEPTH = 40;

// `    at name (location:line:column)` or `    at location:line:column`.
const FRAME = /^\s*at (?:(.*?) \()?(\S.*?):(\d+):(\d+)\)?$/;

function pathOf(location: string | null | undefined): string | undefined {
  if (location === null || location === undefined) return undefined;
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined; // A file URL of another platform: no path to show.
    }
  }
  // Anything else that is not an absolute path is Node's (`node:events`), native or eval'd code.
  return isAbsolute(location) ? location : undefined;
}

function displayPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

function functionNameOf(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const bare = name.replace(/^async /, '').replace(/ \[as [^\]]+\]$/, '');
  return bare === '' || bare === '<anonymous>' ? undefined : bare;
}

function callSiteOf(file: string, line: number, column: number, name: string | undefined): CallSite {
  return { location: `${displayPath(file)}:${line}`, file, line, column, functionName: functionNameOf(name) };
}

/** The first frame of a formatted V8 stack outside Node and outside this runtime, or undefined when there is none. */
export function firstOutsideFrame(stack: string): CallSite | undefined {
  for (const text of stack.split('\n')) {
    const match = FRAME.exec(text);
    if (match === null) continue;
    const [, name, location, line = '', column = ''] = match;
    const file = pathOf(location);
    if (file === undefined || file.startsWith(RUNTIME_DIRECTORY)) continue;
    return callSiteOf(file, Number(line), Number(column), name);
  }
  return undefined;
}

interface Frames {
  site: CallSite | undefined;
  /** Frames captured: fewer than the depth asked for means the whole stack was seen. */
  count: number;
}

function withStackTraceLimit<T>(depth: number, capture: () => T): T {
  const limit = Error.stackTraceLimit;
  // Reflect.set instead of assignment: frozen intrinsics make these read-only, and then the defaults do.
  Reflect.set(Error, 'stackTraceLimit', depth);
  try {
    return capture();
  } finally {
    Reflect.set(Error, 'stackTraceLimit', limit);
  }
}

function structuredFrames(below: (...args: never[]) => unknown, depth: number): Frames | undefined {
  const prepare = stackFormatter();
  const asCallSites = (_error: Error, callSites: V8CallSite[]): V8CallSite[] => callSites;
  if (!Reflect.set(Error, 'prepareStackTrace', asCallSites)) return undefined;
  let callSites: unknown;
  try {
    withStackTraceLimit(depth, () => {
      const holder: { stack?: unknown } = {};
      Error.captureStackTrace(holder, below);
      callSites = holder.stack; // formatted on first read: while asCallSites is in place
    });
  } finally {
    Reflect.set(Error, 'prepareStackTrace', prepare);
  }
  if (!Array.isArray(callSites)) return undefined;
  const frames = callSites as V8CallSite[];
  for (const callSite of frames) {
    const file = pathOf(callSite.getFileName());
    if (file === undefined || file.startsWith(RUNTIME_DIRECTORY)) continue;
    // V8's own rendering of the frame names the function as a formatted stack would (`Class.method`, `new Class`).
    const name = FRAME.exec(`    at ${callSite.toString()}`)?.[1];
    return { site: callSiteOf(file, callSite.getLineNumber() ?? 0, callSite.getColumnNumber() ?? 0, name), count: frames.length };
  }
  return { site: undefined, count: frames.length };
}

function formattedFrames(below: (...args: never[]) => unknown, depth: number): Frames {
  const holder: { stack?: unknown } = {};
  const stack = withStackTraceLimit(depth, () => {
    Error.captureStackTrace(holder, below);
    return holder.stack;
  });
  // A custom Error.prepareStackTrace may return something else than a string: then there is no site to name.
  if (typeof stack !== 'string') return { site: undefined, count: 0 };
  return { site: firstOutsideFrame(stack), count: stack.split('\n').filter((line) => FRAME.test(line)).length };
}

/** The call site of the code that led to `below` being called (`below` and the frames above it are left out). */
export function captureCallSite(below: (...args: never[]) => unknown): CallSite | undefined {
  // Source maps (--enable-source-maps, process.setSourceMapsEnabled) and installed formatters (source-map-support,
  // test runners) act on the formatted stack only.
  const formatted = process.sourceMapsEnabled || !nodeFormatterOnly();
  for (const depth of [SHALLOW_DEPTH, DEEP_DEPTH]) {
    const frames = (formatted ? undefined : structuredFrames(below, depth)) ?? formattedFrames(below, depth);
    if (frames.site !== undefined || frames.count < depth) return frames.site;
  }
  return undefined;
}
