// `node --import listener-leak/register app.js`: watches the listeners on the socket of every HTTP(S) client request
// in the process and, when one socket's listeners keep growing across requests, prints the lines that add them.
// Nothing here runs unless this module is imported.
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { debug } from './debug.js';
import { formatListenerSite, watchListeners, type ListenerGrowth, type ListenerSite, type ListenerWatch } from './watch-listeners.js';

interface WatchedSocket {
  watch: ListenerWatch;
  requests: number;
  /** The first event to reach the threshold since the last report, waiting for the code that added it to finish. */
  crossed: ListenerGrowth | undefined;
}

const THRESHOLD_VARIABLE = 'LISTENER_LEAK_THRESHOLD';
// Two copies of the package in one process (or a second --import) must not report everything twice.
const INSTALLED = Symbol.for('listener-leak.register');

function thresholdFromEnvironment(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const threshold = Number(value);
  if (Number.isInteger(threshold) && threshold >= 1) return threshold;
  // A typo in a diagnostic setting must not stop the service: say so and go on with the default.
  process.stderr.write(
    `listener-leak: ${THRESHOLD_VARIABLE} must be a positive integer (listeners per event on one socket), got ` +
      `${JSON.stringify(value)}; using each socket's max listeners instead.\n`,
  );
  return undefined;
}

function describeSocket(socket: Socket): string {
  const remote = socket.remoteAddress === undefined ? '' : ` to ${socket.remoteAddress}:${String(socket.remotePort)}`;
  return `${socket.constructor.name}${remote}`;
}

function formatReport(socket: Socket, requests: number, crossed: ListenerGrowth, sites: [ListenerSite, ListenerGrowth][]): string {
  const lines = [
    `listener-leak: listeners keep growing on one keep-alive socket (${describeSocket(socket)}): ` +
      `'${String(crossed.event)}' reached ${crossed.count} listeners (threshold ${crossed.threshold}) during its request ` +
      `${requests}. These lines add listeners to it on every request and never remove them:`,
    ...sites.map(([site, growth]) => `  ${formatListenerSite(site)}  ('${String(growth.event)}': ${growth.count} on the socket now)`),
    `Each listener lives as long as the socket, not the request: add them once per socket (a WeakMap keyed by the ` +
      `socket, cleaned up on its 'close'), or remove them when the request ends.`,
    `(listener-leak/register reports each line once; ${THRESHOLD_VARIABLE} sets the threshold.)`,
  ];
  return `${lines.join('\n')}\n`;
}

function install(): void {
  const threshold = thresholdFromEnvironment(process.env[THRESHOLD_VARIABLE]);
  const watched = new WeakMap<Socket, WatchedSocket>();
  const reported = new Set<string>();

  // One socket crossed the threshold: report, in one message, every site that added two or more of the listeners
  // still on it (a site that adds one per request and removes it never gets there), minus those already reported.
  const report = (socket: Socket, state: WatchedSocket, crossed: ListenerGrowth): void => {
    const sites: [ListenerSite, ListenerGrowth][] = [];
    for (const growth of state.watch.report()) {
      for (const site of growth.sites) {
        const key = `${site.file}:${site.line}:${site.column}`;
        if (site.count < 2 || reported.has(key)) continue;
        reported.add(key);
        sites.push([site, growth]);
      }
    }
    if (sites.length === 0) return;
    process.stderr.write(formatReport(socket, state.requests, crossed, sites));
  };

  // Wait until the code that is adding listeners (a tracker adds several, one after another) has finished, so that
  // one report shows all of its lines with the same counts, and events crossing together make one report.
  const grew = (socket: Socket, state: WatchedSocket, crossed: ListenerGrowth): void => {
    if (state.crossed !== undefined) return;
    state.crossed = crossed;
    process.nextTick(() => {
      state.crossed = undefined;
      report(socket, state, crossed);
    });
  };

  subscribe('http.client.request.start', function onClientRequestStart(message: unknown) {
    const socket = (message as { request?: ClientRequest } | null)?.request?.socket;
    if (socket === null || socket === undefined) return;
    let state = watched.get(socket);
    if (state === undefined) {
      const watching: WatchedSocket = {
        requests: 0,
        crossed: undefined,
        watch: watchListeners(socket, {
          ...(threshold === undefined ? {} : { threshold }),
          onGrowth: (growth) => {
            grew(socket, watching, growth);
          },
        }),
      };
      state = watching;
      watched.set(socket, state);
      debug('register: watching a %s', socket.constructor.name);
    }
    state.requests++;
  });
}

const registry = globalThis as { [INSTALLED]?: true };
if (registry[INSTALLED] === undefined) {
  registry[INSTALLED] = true;
  install();
}
