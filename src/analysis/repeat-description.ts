// How a repeating context reads in a message: how often it runs, and the chain of calls that makes it repeat.
import { line } from './ast.js';
import type { RepeatKind, RepeatReason } from './repeating-contexts.js';

/** The phrase for how often a reason runs, the chain of calls that makes it repeat, and the line that does. */
export function describeRepeat(reason: RepeatReason): { often: string; detail: string; line: number } {
  const root = skipInherited(reason);
  let seedReason = root;
  while (seedReason.kind === 'called-from' && seedReason.via) seedReason = skipInherited(seedReason.via);
  const often =
    seedReason.kind === 'recurring-event' && seedReason.event ? `on every '${seedReason.event}' event` : OFTEN[seedReason.kind];
  return { often, detail: chain(root, 0), line: line(root.node) };
}

function skipInherited(reason: RepeatReason): RepeatReason {
  let current = reason;
  while (current.kind === 'inherited' && current.via) current = current.via;
  return current;
}

function chain(reason: RepeatReason, hops: number): string {
  if (reason.kind !== 'called-from' || !reason.via) return `${reason.what} (line ${line(reason.node)})`;
  const caller = skipInherited(reason.via);
  const from = caller.kind === 'called-from' && hops < 1 ? `${reason.what}, which is ${chain(caller, hops + 1)}` : caller.kind === 'called-from' ? reason.what : chain(caller, hops + 1);
  return `called at line ${line(reason.node)} from ${from}`;
}

const OFTEN: Record<RepeatKind, string> = {
  'server-handler': 'once per request',
  'route-handler': 'once per request',
  'client-callback': 'once per request',
  'socket-callback': 'once per request',
  'issues-request': 'once per request',
  configured: 'once per request',
  interval: 'on every timer tick',
  'recurring-event': 'on every event',
  reentered: 'every time it is re-entered (e.g. on every reconnect)',
  loop: 'on every loop iteration',
  'called-from': 'once per request',
  inherited: 'once per request',
};
