// How a repeating context reads in a message: how often it runs, and the chain of calls that makes it repeat.
import { line } from './ast.js';
import type { RepeatKind, RepeatReason } from './repeating-contexts.js';

/** The phrase for how often a reason runs, the chain of calls that makes it repeat, and the line that does. */
export function describeRepeat(reason: RepeatReason): { often: string; detail: string; line: number } {
  const root = skipInherited(reason);
  let seedReason = root;
  while (seedReason.kind === 'called-from' && seedReason.via) seedReason = skipInherited(seedReason.via);
  const often =
    seedReason.kind === 'recurring-event' && seedReason.event
      ? `on every '${seedReason.event}' event`
      : seedReason.kind === 'external' && seedReason.external
        ? seedReason.external.often
        : OFTEN[seedReason.kind];
  return { often, detail: chain(root, 0), line: line(root.node) };
}

function skipInherited(reason: RepeatReason): RepeatReason {
  let current = reason;
  while (current.kind === 'inherited' && current.via) current = current.via;
  return current;
}

/** `called at line 40 from HTTPClient.request, which is called at line 12 from ...`: at most two calls deep. */
function chain(reason: RepeatReason, hops: number): string {
  if (reason.kind !== 'called-from' || !reason.via) return `${reason.what} (line ${line(reason.node)})`;
  const caller = skipInherited(reason.via);
  let from: string;
  if (caller.kind !== 'called-from') from = chain(caller, hops + 1); // the caller is the seed: name it
  else if (hops < 1) from = `${reason.what}, which is ${chain(caller, hops + 1)}`;
  else from = reason.what;
  return `called at line ${line(reason.node)} from ${from}`;
}

const OFTEN: Record<RepeatKind, string> = {
  'server-handler': 'once per request',
  'route-handler': 'once per request',
  'client-callback': 'once per request',
  'socket-callback': 'once per request',
  'issues-request': 'once per request',
  configured: 'once per request',
  external: 'once per request',
  interval: 'on every timer tick',
  'recurring-event': 'on every event',
  reentered: 'every time it is re-entered (e.g. on every reconnect)',
  loop: 'on every loop iteration',
  'called-from': 'once per request',
  inherited: 'once per request',
};
