// Which files `listener-leak scan` analyses and how their imports resolve: a tsconfig.json's files (through ts-morph,
// with the projects it references), or every source file under the given paths; imports resolved the way tsc
// resolves them (path aliases, `.js` written for `.ts`, index files, package.json `exports`).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { getCompilerOptionsFromTsConfig, Project, ts } from 'ts-morph';
import type { ProjectFile } from '../analysis/project.js';
import { DEFAULT_EXTENSIONS, describeMissing, findSourceFiles, foreignExtension } from './files.js';
import { displayPath } from './format-findings.js';

export interface ProjectRequest {
  /** Files and directories as the user gave them; empty for the whole project. */
  readonly paths: readonly string[];
  /** `--project`: a tsconfig.json, or a directory holding one; null to look for one. */
  readonly project: string | null;
  readonly cwd: string;
  /** Called while files are read, for a progress bar. */
  readonly onRead?: (done: number, total: number) => void;
}

export interface LoadedProject {
  /** The tsconfig files the project came from, the one found or named first; empty without one. */
  readonly configs: readonly string[];
  /** Absolute paths, each real file once. */
  readonly files: readonly ProjectFile[];
  /** The files whose findings are reported (those under the given paths); null for every file. */
  readonly reported: ReadonlySet<string> | null;
  /** The project file an import names, or null for a package, a built-in or a file outside the project. */
  readonly resolveModule: (specifier: string, fromPath: string) => string | null;
  /** What the user should know but that does not stop the scan (a tsconfig option TypeScript does not know). */
  readonly warnings: readonly string[];
  /** Files that could not be read, with the reason. */
  readonly unreadable: readonly { readonly path: string; readonly message: string }[];
}

/** The project cannot be loaded: a missing path or tsconfig, a tsconfig that does not parse. Exit code 2. */
export class ProjectLoadError extends Error {
  override name = 'ProjectLoadError';
}

const CONFIG_NAME = 'tsconfig.json';
const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(DEFAULT_EXTENSIONS.map((extension) => `.${extension}`));
/** Without a tsconfig: resolve as a bundler would (extensionless, index files, `.js` for `.ts`), JS included. */
const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};
/** A declaration file stands for the JavaScript beside it, which holds the code. */
const DECLARATION_TO_SOURCE: readonly (readonly [string, readonly string[]])[] = [
  ['.d.ts', ['.js', '.jsx']],
  ['.d.mts', ['.mjs']],
  ['.d.cts', ['.cjs']],
];

export function loadProject(request: ProjectRequest): LoadedProject {
  const cwd = request.cwd;
  const configPath = findConfig(request);
  const warnings: string[] = [];

  // Files under the given paths: what is reported, and loaded even when the tsconfig leaves them out.
  const discovery = request.paths.length === 0 && configPath !== null ? null : findSourceFiles(request.paths.length === 0 ? ['.'] : request.paths, { extensions: DEFAULT_EXTENSIONS, cwd });
  if (discovery && discovery.missing.length > 0) {
    throw new ProjectLoadError(`not found: ${discovery.missing.map((path) => describeMissing(path, cwd)).join(', ')}. Pass existing files or directories.`);
  }
  // Directories yield source files only; a file named on the command line is taken as named, so it is checked here.
  const foreign = discovery?.files.flatMap((file) => {
    const kind = foreignExtension(file.path, DEFAULT_EXTENSIONS);
    return kind === null ? [] : [`${displayPath(file.path, cwd)} (${kind})`];
  });
  if (foreign !== undefined && foreign.length > 0) {
    throw new ProjectLoadError(
      `not a JavaScript or TypeScript file: ${foreign.join(', ')}. The scan reads ${DEFAULT_EXTENSIONS.map((extension) => `.${extension}`).join(', ')} files; ` +
        'pass those, or the directories that hold them.',
    );
  }
  if (discovery && discovery.files.length === 0 && (request.paths.length > 0 || configPath === null)) {
    const where = request.paths.length === 0 ? 'the working directory' : request.paths.join(', ');
    throw new ProjectLoadError(
      `no JavaScript or TypeScript files under ${where} (node_modules and what .gitignore excludes are skipped), so nothing was scanned. ` +
        'Pass the files or directories that hold your sources, or --project with a tsconfig.json.',
    );
  }

  /** By real path: the path shown (as reached), the text once read, and the compiler options of its project. */
  const byRealPath = new Map<string, { path: string; text: string | null; options: ts.CompilerOptions }>();
  const configs = configPath === null ? [] : projectConfigs(configPath, cwd, warnings);
  if (configPath !== null) {
    const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, skipLoadingLibFiles: true });
    for (const config of configs) {
      for (const sourceFile of project.addSourceFilesFromTsConfig(config.path)) {
        const path = resolve(sourceFile.getFilePath());
        const realPath = realPathOf(path);
        if (sourceFile.isDeclarationFile() || !SOURCE_EXTENSIONS.has(extname(path).toLowerCase()) || byRealPath.has(realPath)) continue;
        byRealPath.set(realPath, { path, text: sourceFile.getFullText(), options: config.options });
      }
    }
    // The texts are taken; the syntax trees ts-morph built are not needed again (the detector parses its own).
    for (const sourceFile of project.getSourceFiles()) sourceFile.forget();
    if (byRealPath.size === 0 && (discovery === null || discovery.files.length === 0)) {
      throw new ProjectLoadError(`${displayPath(configPath, cwd)} includes no JavaScript or TypeScript files (check its "include", "files" and "allowJs").`);
    }
  }
  const rootOptions = configs[0]?.options ?? DEFAULT_COMPILER_OPTIONS;

  const reported = discovery === null ? null : new Set<string>();
  for (const file of discovery?.files ?? []) {
    const known = byRealPath.get(file.realPath);
    if (known) reported?.add(known.path);
    else {
      byRealPath.set(file.realPath, { path: file.path, text: null, options: rootOptions });
      reported?.add(file.path);
    }
  }

  const files: ProjectFile[] = [];
  const unreadable: { path: string; message: string }[] = [];
  let done = 0;
  for (const [realPath, entry] of byRealPath) {
    request.onRead?.(done++, byRealPath.size);
    try {
      files.push({ path: entry.path, text: entry.text ?? readFileSync(realPath, 'utf8') });
    } catch (error) {
      const message = `cannot read: ${error instanceof Error ? error.message : String(error)}. Make it readable, or leave it out of the scan.`;
      unreadable.push({ path: entry.path, message });
    }
  }
  request.onRead?.(byRealPath.size, byRealPath.size);

  return { configs: configs.map((config) => config.path), files, reported, resolveModule: moduleResolver(byRealPath, rootOptions, cwd), warnings, unreadable };
}

/** `--project`, else a tsconfig.json in the one directory given, else in the working directory. */
function findConfig(request: ProjectRequest): string | null {
  if (request.project !== null) {
    const given = resolve(request.cwd, request.project);
    const path = isDirectory(given) ? join(given, CONFIG_NAME) : given;
    if (!isFile(path)) throw new ProjectLoadError(`cannot find ${request.project}${path === given ? '' : `/${CONFIG_NAME}`}. Pass a tsconfig.json or a directory that holds one.`);
    return path;
  }
  const [only] = request.paths;
  const given = request.paths.length === 1 && only !== undefined ? resolve(request.cwd, only) : null;
  for (const directory of given !== null && isDirectory(given) ? [given, request.cwd] : [request.cwd]) {
    const path = join(directory, CONFIG_NAME);
    if (isFile(path)) return path;
  }
  return null;
}

/** A tsconfig and the projects it references (`references`, as `tsc -b` builds them), each with its options. */
function projectConfigs(root: string, cwd: string, warnings: string[]): { path: string; options: ts.CompilerOptions }[] {
  const found: { path: string; options: ts.CompilerOptions }[] = [];
  const visit = (path: string, referencedFrom: string | null): void => {
    if (found.some((config) => config.path === path)) return;
    if (!isFile(path)) {
      // Only a reference can be missing here: the root was checked when it was found.
      warnings.push(`${displayPath(referencedFrom ?? root, cwd)} references ${displayPath(path, cwd)}, which does not exist; skipped.`);
      return;
    }
    const read = ts.readConfigFile(path, (file) => ts.sys.readFile(file));
    if (read.error) throw new ProjectLoadError(`${formatDiagnostic(read.error, cwd)} Fix ${displayPath(path, cwd)}, or pass another one with --project.`);
    let parsed: ReturnType<typeof getCompilerOptionsFromTsConfig>;
    try {
      parsed = getCompilerOptionsFromTsConfig(path);
    } catch (error) {
      throw new ProjectLoadError(`cannot read ${displayPath(path, cwd)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const diagnostic of parsed.errors) {
      const message = formatDiagnostic(diagnostic.compilerObject, cwd);
      // A missing `extends` leaves options unknown, which tsc refuses too; "no inputs" is judged once all files are in.
      if (diagnostic.getCode() === MISSING_FILE) throw new ProjectLoadError(`${displayPath(path, cwd)}: ${message}`);
      if (diagnostic.getCode() !== NO_INPUTS) warnings.push(`${displayPath(path, cwd)}: ${message} (the scan goes on)`);
    }
    found.push({ path, options: parsed.options });
    const references = (read.config as { references?: unknown } | undefined)?.references;
    if (!Array.isArray(references)) return;
    for (const reference of references as unknown[]) {
      const target = (reference as { path?: unknown } | null)?.path;
      if (typeof target !== 'string') continue;
      const referenced = resolve(dirname(path), target);
      visit(isDirectory(referenced) ? join(referenced, CONFIG_NAME) : referenced, path);
    }
  };
  visit(root, null);
  return found;
}

const MISSING_FILE = 6053;
const NO_INPUTS = 18003;

/** `tsconfig.json:3:5 - error TS1005: ',' expected.` or the message alone when it has no place. */
function formatDiagnostic(diagnostic: ts.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (!diagnostic.file || diagnostic.start === undefined) return `${message} (TS${String(diagnostic.code)})`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${displayPath(resolve(diagnostic.file.fileName), cwd)}:${String(line + 1)}:${String(character + 1)}: ${message} (TS${String(diagnostic.code)})`;
}

/**
 * TypeScript's own module resolution with each file's project options, kept only when it lands on a loaded file.
 * A file's import or require is resolved in the mode Node gives that file, then in the other (a `require` in an
 * ES module file, an `import` compiled to CommonJS).
 */
function moduleResolver(
  byRealPath: ReadonlyMap<string, { path: string; options: ts.CompilerOptions }>,
  rootOptions: ts.CompilerOptions,
  cwd: string,
): (specifier: string, fromPath: string) => string | null {
  const host: ts.ModuleResolutionHost = ts.sys;
  const getCanonicalFileName = (name: string): string => (ts.sys.useCaseSensitiveFileNames ? name : name.toLowerCase());
  const caches = new Map<ts.CompilerOptions, ts.ModuleResolutionCache>();
  const cacheOf = (options: ts.CompilerOptions): ts.ModuleResolutionCache => {
    let cache = caches.get(options);
    if (!cache) caches.set(options, (cache = ts.createModuleResolutionCache(cwd, getCanonicalFileName, options)));
    return cache;
  };
  const byPath = new Map([...byRealPath.values()].map((entry) => [entry.path, entry]));
  const loaded = (candidate: string): string | null => {
    const path = resolve(candidate);
    if (byPath.has(path)) return path;
    return byRealPath.get(realPathOf(path))?.path ?? null;
  };

  return (specifier, fromPath) => {
    const options = byPath.get(fromPath)?.options ?? rootOptions;
    const cache = cacheOf(options);
    const implied = ts.getImpliedNodeFormatForFile(fromPath, cache.getPackageJsonInfoCache(), host, options);
    const modes = implied === ts.ModuleKind.CommonJS ? [ts.ModuleKind.CommonJS, ts.ModuleKind.ESNext] : [ts.ModuleKind.ESNext, ts.ModuleKind.CommonJS];
    for (const mode of modes) {
      const resolved = ts.resolveModuleName(specifier, fromPath, options, host, cache, undefined, mode as ts.ResolutionMode).resolvedModule;
      if (!resolved) continue;
      const file = resolved.resolvedFileName;
      const declaration = DECLARATION_TO_SOURCE.find(([suffix]) => file.endsWith(suffix));
      if (!declaration) return loaded(file);
      const stem = file.slice(0, -declaration[0].length);
      for (const extension of declaration[1]) {
        const source = loaded(stem + extension);
        if (source !== null) return source;
      }
      return null;
    }
    return null;
  };
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
