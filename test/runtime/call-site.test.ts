// Reading the adding line out of a V8 stack: Node's frames and the runtime's own are skipped, file URLs become paths
// relative to the working directory, and the function is named as V8 names it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureCallSite, firstOutsideFrame } from '../../src/runtime/call-site.js';

const cwd = process.cwd();
const runtimeFile = join(cwd, 'src', 'runtime', 'watch-listeners.ts');

describe('firstOutsideFrame', () => {
  it("skips Node's frames and the runtime's, and names the first other frame", () => {
    const stack = [
      'Error',
      '    at Socket.emit (node:events:519:28)',
      '    at _addListener (node:events:598:17)',
      `    at onNewListener (${pathToFileURL(runtimeFile).href}:120:5)`,
      '    at Readable.on (node:internal/streams/readable:1128:35)',
      `    at ConnectionTracker.trackConnection (${pathToFileURL(join(cwd, 'src', 'tracker.js')).href}:42:12)`,
      `    at ClientRequest.<anonymous> (${join(cwd, 'src', 'client.js')}:9:3)`,
    ].join('\n');
    expect(firstOutsideFrame(stack)).toEqual({
      location: join('src', 'tracker.js') + ':42',
      file: join(cwd, 'src', 'tracker.js'),
      line: 42,
      column: 12,
      functionName: 'ConnectionTracker.trackConnection',
    });
  });

  it('reads every frame shape V8 prints', () => {
    const at = (frame: string) => firstOutsideFrame(`Error\n    at ${frame}`);
    expect(at('/srv/app.js:3:4')).toMatchObject({ location: '/srv/app.js:3', functionName: undefined });
    expect(at('async fetchAll (/srv/app.js:3:4)')).toMatchObject({ functionName: 'fetchAll' });
    expect(at('new Client (/srv/app.js:3:4)')).toMatchObject({ functionName: 'new Client' });
    expect(at('Socket.track [as on] (/srv/app.js:3:4)')).toMatchObject({ functionName: 'Socket.track' });
    expect(at('Object.<anonymous> (/srv/app.js:3:4)')).toMatchObject({ functionName: 'Object.<anonymous>' });
    expect(at('<anonymous> (/srv/app.js:3:4)')).toMatchObject({ functionName: undefined });
    expect(at('new Promise (<anonymous>)')).toBeUndefined();
    expect(at('eval (eval at run (/srv/app.js:1:1), <anonymous>:1:1)')).toBeUndefined();
    expect(at('process.processTicksAndRejections (node:internal/process/task_queues:95:5)')).toBeUndefined();
  });
});

describe('captureCallSite', () => {
  it('names the caller of the function it is given, in this file', () => {
    function hook(): ReturnType<typeof captureCallSite> {
      return captureCallSite(hook);
    }
    const site = hook(); // marker:call
    const line = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').findIndex((text) => text.includes('// marker:call')) + 1;
    expect(site).toMatchObject({ file: fileURLToPath(import.meta.url), line, functionName: undefined });
    expect(site?.location).toBe(`${join('test', 'runtime', 'call-site.test.ts')}:${line}`);
  });

  it('leaves Error.stackTraceLimit and Error.prepareStackTrace as they were', () => {
    const limit = Error.stackTraceLimit;
    const prepare: unknown = Reflect.get(Error, 'prepareStackTrace');
    function hook(): void {
      captureCallSite(hook);
    }
    hook();
    expect(Error.stackTraceLimit).toBe(limit);
    expect(Reflect.get(Error, 'prepareStackTrace')).toBe(prepare);
  });
});
