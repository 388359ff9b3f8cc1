// The TypeScript projects the typed benchmarks lint and scan: a published package's own sources from the corpus,
// copied into a temporary folder with a generated tsconfig.json (skipLibCheck, types node) so that nothing is
// written into bench/corpus/node_modules. A node_modules symlink to the corpus's makes its declarations resolve.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { CORPUS_MODULES } from './corpus-files.mjs';

const COMMON_OPTIONS = {
  strict: true,
  target: 'ES2023',
  module: 'node16',
  moduleResolution: 'node16',
  skipLibCheck: true,
  lib: ['es2023'],
  types: ['node'],
  noEmit: true,
};

/** By key: the package, the folder of its TypeScript sources, and compiler options beyond the common ones (from its own tsconfig). */
export const TYPED_PROJECTS = {
  'grpc-js': {
    package: '@grpc/grpc-js',
    sources: 'src',
    compilerOptions: {},
  },
  mongodb: {
    package: 'mongodb',
    sources: 'src',
    // As in the package's own tsconfig.json; its optional peers (kerberos, mongodb-client-encryption, ...) are not
    // installed, so their imports stay unresolved (typed `any`), as in a project that does not use them.
    compilerOptions: { useUnknownInCatchVariables: false, useDefineForClassFields: false, noImplicitOverride: true },
  },
};

/** `src` for the first copy, `src2`, `src3`, ... for the others: distinct paths, identical code. */
export const copyFolder = (sources, copy) => (copy === 1 ? sources : `${sources}${copy}`);

const listTs = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.(?:m|c)?ts$/.test(entry.name) && !/\.d\.(?:m|c)?ts$/.test(entry.name))
  .map((entry) => path.join(entry.parentPath, entry.name))
  .sort();

/**
 * Copies the project's sources `copies` times into a new temporary folder with a tsconfig.json covering all of
 * them. Returns { key, package, version, root, tsconfig, files (absolute, sorted), lines, bytes, cleanup }.
 * cleanup() removes the folder; it also runs when the process exits.
 */
export function materializeProject(key, { copies = 1 } = {}) {
  const project = TYPED_PROJECTS[key];
  if (!project) throw new Error(`unknown project '${key}': one of ${Object.keys(TYPED_PROJECTS).join(', ')}`);
  const packageRoot = path.join(CORPUS_MODULES, project.package);
  if (!existsSync(path.join(packageRoot, project.sources))) {
    throw new Error(`${project.package}/${project.sources} is not installed in ${CORPUS_MODULES}: run bench/corpus/install.sh`);
  }
  const root = mkdtempSync(path.join(os.tmpdir(), `listener-leak-bench-${key}-x${copies}-`));
  let removed = false;
  const cleanup = () => {
    if (!removed) rmSync(root, { recursive: true, force: true });
    removed = true;
  };
  process.once('exit', cleanup);
  try {
    const folders = [];
    for (let copy = 1; copy <= copies; copy += 1) {
      folders.push(copyFolder(project.sources, copy));
      cpSync(path.join(packageRoot, project.sources), path.join(root, folders.at(-1)), { recursive: true });
    }
    // `require('../../package.json')` and bare imports resolve as they do in the installed package.
    cpSync(path.join(packageRoot, 'package.json'), path.join(root, 'package.json'));
    symlinkSync(CORPUS_MODULES, path.join(root, 'node_modules'), 'dir');
    const tsconfig = path.join(root, 'tsconfig.json');
    const compilerOptions = { ...COMMON_OPTIONS, ...project.compilerOptions };
    writeFileSync(tsconfig, `${JSON.stringify({ compilerOptions, include: folders.map((f) => `${f}/**/*`) }, null, 2)}\n`);
    const files = folders.flatMap((f) => listTs(path.join(root, f)));
    const texts = files.map((f) => ts.sys.readFile(f) ?? '');
    const { version } = JSON.parse(ts.sys.readFile(path.join(packageRoot, 'package.json')));
    return {
      key,
      package: project.package,
      version,
      sources: project.sources,
      root,
      tsconfig,
      compilerOptions,
      files,
      lines: texts.reduce((sum, t) => sum + t.split('\n').length, 0),
      bytes: texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0),
      cleanup,
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

function parseTsconfig(tsconfig) {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error(`${tsconfig}: not a readable tsconfig`);
  return parsed;
}

/** A TypeScript program of the project, as the compiler builds it from the tsconfig. */
export function createProgram(tsconfig) {
  const parsed = parseTsconfig(tsconfig);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
}

/** The compiler's errors on the project (what `tsc --noEmit` reports), and the modules it cannot resolve. */
export function typeErrors(tsconfig) {
  const parsed = parseTsconfig(tsconfig);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].filter((d) => d.category === ts.DiagnosticCategory.Error);
  const unresolved = new Set();
  for (const d of diagnostics) {
    if (d.code === 2307) unresolved.add(/'([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, '\n'))?.[1] ?? '?');
  }
  return { count: diagnostics.length, unresolvedModules: [...unresolved].sort() };
}
