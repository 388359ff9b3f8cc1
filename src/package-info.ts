// The package's own name and version, read from its package.json both from source (tests) and from dist/.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  root: string;
}

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (json.name === 'listener-leak') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`listener-leak: cannot find its package.json above ${start}`);
    dir = parent;
  }
}

const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
const json = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

export const packageInfo: PackageInfo = { name: json.name, version: json.version, root };
