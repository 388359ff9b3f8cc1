// What every benchmark here measures with: a median, a one-line machine summary, and a clock around a
// plugin's rules (what ESLint's TIMING=1 reports).
import os from 'node:os';

/** The median; for an even count, the mean of the two middle values. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `AMD EPYC, 2 cores, Node v20.20.2`: the machine line every result names. */
export function machineSummary() {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}`;
}

/**
 * A copy of a plugin whose rules add the time spent in create() and in every listener to `clock.ms`, and, when the
 * clock has `parts`, each call's time to its part too: `create`, `exit` (Program:exit, where a rule that gathers during
 * the traversal does its work) or `nodes` (every other listener, called as the traversal meets its nodes).
 */
export function timedPlugin(original, clock) {
  const add = (part, ms) => {
    clock.ms += ms;
    if (clock.parts) clock.parts[part] += ms;
  };
  const rules = {};
  for (const [id, rule] of Object.entries(original.rules)) {
    rules[id] = {
      ...rule,
      create(context) {
        const start = performance.now();
        const listeners = rule.create(context);
        add('create', performance.now() - start);
        const timed = {};
        for (const [selector, listener] of Object.entries(listeners)) {
          const part = selector === 'Program:exit' ? 'exit' : 'nodes';
          timed[selector] = (...args) => {
            const begin = performance.now();
            try {
              return listener(...args);
            } finally {
              add(part, performance.now() - begin);
            }
          };
        }
        return timed;
      },
    };
  }
  return { ...original, rules };
}

/**
 * The calls across files of a project analysis, one sorted line each (target file, function, caller, which
 * arguments outlive the caller): two analyses found the same calls when these are equal.
 */
export function describeCallers(analysis) {
  return [...analysis.callers]
    .flatMap(([file, callers]) => callers.map((c) => `${file} ${c.target.className}.${c.target.name} <- ${c.what} [${c.longLivedArguments.map((a) => a.index)}]`))
    .sort();
}
