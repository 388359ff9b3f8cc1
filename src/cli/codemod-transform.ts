// The transforms `listener-leak codemod` runs, loaded the same way in its own process and in its worker threads
// (codemod-worker.ts), so both run the very same code on each file (codemod.ts's transformFile).
import { readFileSync } from 'node:fs';
import type { ExternalCallersByPath } from '../../codemods/registry.js';
import type { SourceFile } from './files.js';

export type TransformName = 'registry' | 'teardown';

/** What the runner reports for each tracker or listener a transform looked at. */
export interface Outcome {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly status: 'rewritten' | 'left-alone';
  readonly reason: string | null;
}

export interface TransformResult {
  readonly output: string | null;
  readonly outcomes: readonly Outcome[];
  readonly parsed: boolean;
}

export interface TransformOptions {
  readonly unsafe: boolean;
  /** registry only: the calls into each file from the other files of the run (codemods/registry.ts callersByPath). */
  readonly externalCallers?: ExternalCallersByPath;
}

/** A transform's module, loaded only when there are files for it: other commands do not pay for jscodeshift. */
export interface LoadedTransform {
  readonly name: TransformName;
  rewrite(path: string, source: string, options: TransformOptions): TransformResult;
  readonly ParseError: new (...args: never[]) => Error & { line: number; column: number };
}

export async function loadTransform(name: TransformName): Promise<LoadedTransform> {
  if (name === 'registry') {
    const registry = await import('../../codemods/registry.js');
    return {
      name,
      rewrite: (path, source, { unsafe, externalCallers }) => {
        const result = registry.rewriteTrackers(path, source, { unsafe, ...registry.externalCallersOf(externalCallers, path) });
        return { output: result.output, outcomes: result.trackers, parsed: result.parsed };
      },
      ParseError: registry.CodemodParseError,
    };
  }
  const teardown = await import('../../codemods/teardown.js');
  return {
    name,
    rewrite: (path, source) => {
      const result = teardown.rewriteTeardowns(path, source);
      return { output: result.output, outcomes: result.listeners, parsed: result.parsed };
    },
    ParseError: teardown.CodemodParseError,
  };
}

/**
 * registry: the calls between the files of this run, found once before any file is rewritten, so that a tracker
 * called only from another file (the client in one module, the tracker in the next) is rewritten too. A plain
 * object keyed by path, so it can go to worker threads as it is.
 */
export async function crossFileCallers(files: readonly SourceFile[]): Promise<ExternalCallersByPath> {
  const registry = await import('../../codemods/registry.js');
  // A file that cannot be read here is reported when it is transformed.
  const texts = files.flatMap((file) => {
    try {
      return [{ path: file.path, text: readFileSync(file.path, 'utf8') }];
    } catch {
      return [];
    }
  });
  return registry.callersByPath(texts);
}
