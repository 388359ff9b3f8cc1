// A scratch folder for one test file: made before its tests, removed after them, and a fresh case folder for each
// test that asks, holding the files it is given.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface Scratch {
  /** The folder itself (set once the test file's beforeAll hooks have run). */
  readonly root: string;
  /** A new folder under it holding these files (paths relative to it, parent folders made as needed). */
  caseDir(files?: Readonly<Record<string, string | Buffer>>): string;
}

export function useScratch(name: string): Scratch {
  let root = '';
  let count = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), `listener-leak-${name}-`));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    caseDir(files = {}) {
      count++;
      const dir = join(root, `case-${String(count)}`);
      mkdirSync(dir);
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      return dir;
    },
  };
}
