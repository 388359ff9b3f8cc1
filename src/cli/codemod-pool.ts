// `listener-leak codemod --cpus N`: the files go to N worker threads (codemod-worker.ts), one file at a time to
// whichever worker is free, and each result comes back to the main thread, which writes, diffs and reports. The
// registry's calls across files are found once, in the main thread, before the pool starts; every worker gets them
// in its options.
//
// Worker threads rather than jscodeshift's Runner (child processes running the default transform export): the
// Runner caps the workers at the machine's cores minus one (so one worker on two cores, whatever --cpus says),
// sends back only a status line per file (not the new text, so no diff, no --print, no tracker list), writes files
// itself, and prints to stdout on its own, which --json and --print cannot have.
import { Worker } from 'node:worker_threads';
import type { Transformed } from './codemod.js';
import type { WorkerResult, WorkerSetup, WorkerTask } from './codemod-worker.js';
import type { SourceFile } from './files.js';

const WORKER_URL = new URL('./codemod-worker.js', import.meta.url);

/** Files sent ahead to each worker, so that it never waits for the main thread between two files. */
const IN_FLIGHT = 4;

/**
 * Transforms the files on `threads` worker threads (never more than there are files). `onResult` gets each file's
 * result as it arrives, in any order; the promise resolves when every file has one. A worker that dies (out of
 * memory, a crash outside the transform's own error handling) costs the file it was on, reported as an error; the
 * files sent ahead to it go to the others, and it is replaced while files remain.
 */
export async function transformOnWorkers(
  files: readonly SourceFile[],
  threads: number,
  setup: WorkerSetup,
  onResult: (index: number, transformed: Transformed) => void,
): Promise<void> {
  let next = 0;
  /** Files given back by a worker that died before it reached them. */
  const returned: number[] = [];
  let pending = files.length;
  const live = new Set<Worker>();
  if (pending === 0) return;
  const hasWork = (): boolean => returned.length > 0 || next < files.length;
  const take = (): number => returned.shift() ?? next++;

  await new Promise<void>((resolve) => {
    const finishOne = (index: number, transformed: Transformed): void => {
      onResult(index, transformed);
      pending--;
      if (pending === 0) resolve();
    };
    const failed = (index: number, why: string): void => {
      const file = files[index]!;
      finishOne(index, {
        report: { path: file.path, status: 'error', outcomes: [], reason: `the ${setup.transform} transform failed: ${why}`, line: null, column: null },
        source: '',
        output: null,
      });
    };

    const start = (): void => {
      const worker = new Worker(WORKER_URL, { workerData: setup });
      live.add(worker);
      /** Sent and not answered yet, oldest first: a worker takes its messages in order. */
      const sent: number[] = [];
      let produced = false;
      const feed = (): void => {
        while (sent.length < IN_FLIGHT && hasWork()) {
          const index = take();
          sent.push(index);
          const task: WorkerTask = { index, file: files[index]! };
          worker.postMessage(task);
        }
        if (sent.length === 0) {
          live.delete(worker);
          void worker.terminate();
        }
      };
      worker.on('message', (result: WorkerResult) => {
        sent.splice(sent.indexOf(result.index), 1);
        produced = true;
        finishOne(result.index, result.transformed);
        feed();
      });
      const lost = (why: string): void => {
        if (!live.delete(worker)) return;
        void worker.terminate();
        const [current, ...ahead] = sent;
        sent.length = 0;
        if (current !== undefined) failed(current, why);
        returned.push(...ahead);
        if (!hasWork()) return;
        // A worker that died before its first result would die again (it could not load the transform): no
        // replacement then, and when no worker is left, the files still waiting fail with the same reason.
        if (produced) start();
        else if (live.size === 0) while (hasWork()) failed(take(), why);
      };
      worker.on('error', (error) => {
        lost(`its worker thread stopped: ${error.message}`);
      });
      worker.on('exit', (code) => {
        lost(`its worker thread exited with code ${String(code)}`);
      });
      feed();
    };

    for (let i = 0; i < Math.min(threads, files.length); i++) start();
  });
  await Promise.all([...live].map((worker) => worker.terminate()));
}
