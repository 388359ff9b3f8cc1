// A unified diff of two texts by lines (Myers' algorithm), for `codemod --dry`: what a run would change,
// in the form `git apply` and `patch` read.
import { painter } from './format-findings.js';

type Edit = readonly [' ' | '-' | '+', string];

/** Beyond this many differing lines the middle is shown as one replaced block (memory grows with its square). */
const MAX_EDIT_DISTANCE = 2000;
const CONTEXT_LINES = 3;

/** Lines with their terminators, so a change to the last line's newline is a change too. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1)); // the furthest x per diagonal after d-1 edits
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[]): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const v = trace[d]!;
    const at = (k: number): number => v[k + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push([' ', a[x]!]);
    }
    if (prevK === k + 1) edits.push(['+', b[prevY]!]);
    else edits.push(['-', a[prevX]!]);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    edits.push([' ', a[x]!]);
  }
  return edits.reverse();
}

function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const oldMiddle = a.slice(start, endA);
  const newMiddle = b.slice(start, endB);
  const middle = myers(oldMiddle, newMiddle) ?? [
    ...oldMiddle.map((line): Edit => ['-', line]),
    ...newMiddle.map((line): Edit => ['+', line]),
  ];
  const kept = (line: string): Edit => [' ', line];
  return [...a.slice(0, start).map(kept), ...middle, ...a.slice(endA).map(kept)];
}

function hunkRange(start: number, length: number): string {
  return length === 0 ? `${String(start)},0` : length === 1 ? String(start + 1) : `${String(start + 1)},${String(length)}`;
}

/** A unified diff with three lines of context; empty when the texts are equal. */
export function unifiedDiff(path: string, before: string, after: string, color: boolean): string {
  const paint = painter(color);
  const edits = diffLines(splitLines(before), splitLines(after));
  const changed = edits.flatMap((edit, index) => (edit[0] === ' ' ? [] : [index]));
  if (changed.length === 0) return '';
  const lines = [paint('bold', `--- ${path}`), paint('bold', `+++ ${path}`)];
  let next = 0;
  while (next < changed.length) {
    // A hunk runs from a change to the last change that is within two contexts of the one before it.
    let last = next;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * CONTEXT_LINES + 1) last++;
    const from = Math.max(0, changed[next]! - CONTEXT_LINES);
    const to = Math.min(edits.length, changed[last]! + CONTEXT_LINES + 1);
    let oldStart = 0;
    let newStart = 0;
    for (const [kind] of edits.slice(0, from)) {
      if (kind !== '+') oldStart++;
      if (kind !== '-') newStart++;
    }
    const hunk = edits.slice(from, to);
    const oldLength = hunk.filter(([kind]) => kind !== '+').length;
    const newLength = hunk.filter(([kind]) => kind !== '-').length;
    lines.push(paint('cyan', `@@ -${hunkRange(oldStart, oldLength)} +${hunkRange(newStart, newLength)} @@`));
    for (const [kind, text] of hunk) {
      const body = `${kind}${text.endsWith('\n') ? text.slice(0, -1) : text}`;
      lines.push(kind === '-' ? paint('red', body) : kind === '+' ? paint('green', body) : body);
      if (!text.endsWith('\n')) lines.push('\\ No newline at end of file');
    }
    next = last + 1;
  }
  return `${lines.join('\n')}\n`;
}
