// Lists the source files of the benchmark corpus: the own code of each package listed in
// bench/corpus/package.json, in a deterministic order, with the sourceType each file is written in.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');
export const CORPUS_MODULES = path.join(CORPUS_DIR, 'node_modules');

// Packages that are installed for another purpose and are not corpus.
const NOT_CORPUS = new Set(['eslint-plugin-listeners']);

// Folders that are never a package's runtime code, at any depth.
const SKIPPED_DIRS = new Set([
  'node_modules', 'test', 'tests', '__tests__', '__mocks__', 'spec', 'specs', 'fixtures', 'testHelpers',
  'example', 'examples', 'docs', 'doc', 'bench', 'benchmark', 'benchmarks', 'scripts', 'coverage',
  'client-dist', 'browser', 'umd',
]);

// Folders and files (relative to the package root) skipped for one package, and why. A package that ships the same
// code twice (TypeScript sources and their compiled output, or CJS and ESM builds) is linted once, from the
// copy closest to what its authors wrote, so a finding is not counted twice.
export const PACKAGE_SKIPS = {
  '@grpc/grpc-js': { dirs: ['build'], why: 'build/ is compiled from the shipped TypeScript sources in src/' },
  mongodb: { dirs: ['lib'], why: 'lib/ is compiled from the shipped TypeScript sources in src/' },
  axios: { dirs: ['dist'], why: 'dist/ holds browser and Node bundles built from lib/' },
  mqtt: { dirs: ['dist'], why: 'dist/ holds browser bundles built from build/' },
  superagent: { dirs: ['dist'], why: 'dist/ holds the browser bundle' },
  nodemailer: { dirs: ['dist/cjs'], why: 'dist/cjs/ is the same code as dist/esm/, compiled to CommonJS' },
  fastify: { dirs: ['build', 'integration', 'types'], why: 'build scripts, an integration test server and type tests' },
  'node-fetch': { files: ['lib/index.es.js', 'lib/index.mjs'], why: 'the same code as lib/index.js (CommonJS), built as ESM twice' },
};

// Packages whose real code lives in a scoped sub-package are listed directly in bench/corpus/package.json:
// `redis` is a thin facade over `@redis/client`, so both are listed and both are linted.

const SOURCE_EXT = /\.(?:m|c)?js$|\.(?:m|c)?ts$/;
const DECLARATION = /\.d\.(?:m|c)?ts$/;
const MINIFIED_NAME = /[.-]min\.(?:m|c)?js$/;
const BROWSER_NAME = /^browser\.(?:m|c)?js$|\.browser\.(?:m|c)?js$/;
const TEST_NAME = /(?:^|[.-])(?:test|spec)(?:[.-]|$)/;
const MAX_BYTES = 1024 * 1024;
// A minified bundle packs thousands of characters into each line; hand-written and compiled code does not.
const MAX_MEAN_LINE = 300;

const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The corpus packages (name, exact version pinned in bench/corpus/package.json), sorted by name. */
export function corpusPackages(corpusDir = CORPUS_DIR) {
  const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'package.json'), 'utf8'));
  return Object.entries(manifest.dependencies)
    .filter(([name]) => !NOT_CORPUS.has(name))
    .map(([name, version]) => ({ name, version }))
    .sort((a, b) => byString(a.name, b.name));
}

const packageTypeCache = new Map();

/** The `type` of the package.json nearest to dir ('module' or 'commonjs'). */
function nearestPackageType(dir) {
  if (packageTypeCache.has(dir)) return packageTypeCache.get(dir);
  let type = 'commonjs';
  const manifest = path.join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
    } catch {
      type = nearestPackageType(path.dirname(dir));
    }
  } else if (path.dirname(dir) !== dir) {
    type = nearestPackageType(path.dirname(dir));
  }
  packageTypeCache.set(dir, type);
  return type;
}

/** The sourceType a file is written in: .mjs/.mts module, .cjs/.cts commonjs, .ts module, .js from package.json. */
export function sourceTypeOf(absolutePath) {
  if (/\.m[jt]s$/.test(absolutePath)) return 'module';
  if (/\.c[jt]s$/.test(absolutePath)) return 'commonjs';
  if (/\.ts$/.test(absolutePath)) return 'module';
  return nearestPackageType(path.dirname(absolutePath));
}

function skipReason(name, absolutePath, text) {
  if (DECLARATION.test(name)) return 'declaration';
  if (MINIFIED_NAME.test(name)) return 'minified';
  if (BROWSER_NAME.test(name)) return 'browser build';
  if (TEST_NAME.test(name)) return 'test file';
  if (statSync(absolutePath).size > MAX_BYTES) return 'over 1 MB';
  const lines = text.split('\n').length;
  if (text.length / lines > MAX_MEAN_LINE) return 'minified';
  return undefined;
}

/**
 * Walks every corpus package. Returns { files, skipped }: files as { package, version, file (relative to
 * the package root), path (absolute), sourceType, bytes }, skipped as { package, file, reason }.
 */
export function scanCorpus(corpusDir = CORPUS_DIR) {
  const modules = path.join(corpusDir, 'node_modules');
  const files = [];
  const skipped = [];
  for (const { name, version: pinned } of corpusPackages(corpusDir)) {
    const root = path.join(modules, name);
    if (!existsSync(path.join(root, 'package.json'))) {
      throw new Error(`${name} is not installed in ${modules}: run bench/corpus/install.sh`);
    }
    const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    if (version !== pinned) {
      throw new Error(`${name} is installed at ${version} but pinned at ${pinned}: run bench/corpus/install.sh`);
    }
    const packageSkips = new Set([...(PACKAGE_SKIPS[name]?.dirs ?? []), ...(PACKAGE_SKIPS[name]?.files ?? [])]);
    const walk = (relativeDir) => {
      const entries = readdirSync(path.join(root, relativeDir), { withFileTypes: true })
        .sort((a, b) => byString(a.name, b.name));
      for (const entry of entries) {
        const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (SKIPPED_DIRS.has(entry.name) || packageSkips.has(relative)) continue;
          walk(relative);
        } else if (entry.isFile() && SOURCE_EXT.test(entry.name) && !packageSkips.has(relative)) {
          const absolutePath = path.join(root, relative);
          const text = DECLARATION.test(entry.name) ? '' : readFileSync(absolutePath, 'utf8');
          const reason = skipReason(entry.name, absolutePath, text);
          if (reason) {
            if (reason !== 'declaration') skipped.push({ package: name, file: relative, reason });
            continue;
          }
          files.push({
            package: name,
            version,
            file: relative,
            path: absolutePath,
            sourceType: sourceTypeOf(absolutePath),
            bytes: Buffer.byteLength(text),
          });
        }
      }
    };
    walk('');
  }
  return { files, skipped };
}

/** The corpus's source files, in a deterministic order (package name, then path). */
export function listCorpusFiles(corpusDir = CORPUS_DIR) {
  return scanCorpus(corpusDir).files;
}

// `node bench/corpus-files.mjs` prints a per-package count, and what was skipped with --skipped.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { files, skipped } = scanCorpus();
  const counts = new Map();
  for (const f of files) counts.set(f.package, (counts.get(f.package) ?? 0) + 1);
  for (const [name, count] of counts) console.log(`${String(count).padStart(5)}  ${name}`);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(`${String(files.length).padStart(5)}  files, ${(bytes / 1e6).toFixed(1)} MB; ${skipped.length} skipped`);
  if (process.argv.includes('--skipped')) {
    for (const s of skipped) console.log(`skipped ${s.package}/${s.file}: ${s.reason}`);
  }
}
