// A worker thread of `listener-leak codemod --cpus N` (codemod-pool.ts): loads the transform once, then transforms
// each file the main thread sends and posts back what happened. It never writes: the main thread writes, diffs
// and reports, in the files' order, exactly as a run in one process does.
import { parentPort, workerData } from 'node:worker_threads';
import { transformFile, type Transformed } from './codemod.js';
import { loadTransform, type TransformName, type TransformOptions } from './codemod-transform.js';
import type { SourceFile } from './files.js';

/** What the pool starts each worker with (workerData): the transform and its options, the same for every file. */
export interface WorkerSetup {
  readonly transform: TransformName;
  readonly options: TransformOptions;
}

export interface WorkerTask {
  readonly index: number;
  readonly file: SourceFile;
}

export interface WorkerResult {
  readonly index: number;
  readonly transformed: Transformed;
}

if (parentPort === null) throw new Error('codemod-worker.js runs as a worker thread of `listener-leak codemod`');
const port = parentPort;
const setup = workerData as WorkerSetup;
const transform = await loadTransform(setup.transform);
port.on('message', (task: WorkerTask) => {
  const result: WorkerResult = { index: task.index, transformed: transformFile(transform, task.file, setup.options) };
  port.postMessage(result);
});
