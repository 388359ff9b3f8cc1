// Which source files a command was pointed at: files and directories, node_modules never entered, .gitignore
// respected (through git inside a work tree, through the `ignore` package outside), symlinks not followed out.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const DEFAULT_EXTENSIONS: readonly string[] = ['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts'];

export interface SourceFile {
  /** Absolute, as reached from the path the user gave (for display). */
  readonly path: string;
  /** The file itself, with every symlink resolved (for reading and writing). */
  readonly realPath: string;
}

/** A file found under the paths but deliberately not processed, with the reason a user reads. */
export interface ExcludedFile {
  readonly path: string;
  readonly reason: string;
}

export interface Discovery {
  /** Sorted by path; each real file once, however many paths reach it. */
  readonly files: readonly SourceFile[];
  readonly excluded: readonly ExcludedFile[];
  /** Given paths that do not exist, as given. */
  readonly missing: readonly string[];
}

export interface DiscoveryOptions {
  /** Extensions without the dot; only applied inside directories (a file named explicitly is always taken). */
  readonly extensions: readonly string[];
  /** Relative paths are resolved against it; default process.cwd(). */
  readonly cwd?: string;
}

interface GitResult {
  /** False when git is not installed. */
  found: boolean;
  ok: boolean;
  stdout: string;
  stderr: string;
}

function git(args: readonly string[], cwd: string): GitResult {
  const result = spawnSync('git', ['--literal-pathspecs', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1024 ** 3,
    env: { ...process.env, LC_ALL: 'C' }, // English messages, which gitWorkTree reads
  });
  return { found: result.error === undefined, ok: result.error === undefined && result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The top of the git work tree holding dir (symlinks resolved, as git reports it); undefined outside git or
 * without git. Throws when git is there but refuses the repository (e.g. `safe.directory`): writing without
 * the check for uncommitted changes would be the wrong way to fail.
 */
export function gitWorkTree(dir: string): string | undefined {
  const result = git(['rev-parse', '--show-toplevel'], dir);
  if (!result.found) return undefined;
  if (!result.ok) {
    if (/not a git repository|must be run in a work tree/.test(result.stderr)) return undefined;
    throw new Error(`git rev-parse failed in ${dir}: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Extensions as hasSourceExtension compares them: without the dot, lower case. */
function extensionSet(extensions: readonly string[]): ReadonlySet<string> {
  return new Set(extensions.map((extension) => extension.toLowerCase()));
}

function hasSourceExtension(path: string, extensions: ReadonlySet<string>): boolean {
  return extensions.has(extname(path).slice(1).toLowerCase());
}

/** Every file git would track under dir: tracked ones plus untracked ones .gitignore does not exclude. */
function gitFilesUnder(dir: string): string[] {
  const result = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], dir);
  if (!result.ok) throw new Error(`git ls-files failed in ${dir}: ${result.stderr.trim()}`);
  return [...new Set(result.stdout.split('\0').filter((entry) => entry !== ''))].map((entry) => join(dir, entry));
}

interface IgnoreLevel {
  readonly base: string;
  readonly rules: Ignore;
}

function readIgnoreFile(dir: string): IgnoreLevel | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined; // most directories have none
  }
  return { base: dir, rules: ignore().add(text) };
}

/** Git's precedence: the deepest .gitignore with a rule for the path decides. */
function isIgnored(path: string, isDirectory: boolean, levels: readonly IgnoreLevel[]): boolean {
  for (let index = levels.length - 1; index >= 0; index--) {
    const level = levels[index]!;
    const verdict = level.rules.test(toPosix(relative(level.base, path)) + (isDirectory ? '/' : ''));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** Outside git: walk dir, reading each .gitignore on the way down. Symlinks are listed, never entered. */
function walkFilesUnder(dir: string, levels: readonly IgnoreLevel[] = [], found: string[] = []): string[] {
  const own = readIgnoreFile(dir);
  const here = own === undefined ? levels : [...levels, own];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (isIgnored(path, entry.isDirectory(), here)) continue;
    if (entry.isDirectory()) walkFilesUnder(path, here, found);
    else found.push(path);
  }
  return found;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Resolves the given paths to the source files under them. Throws for I/O or git failures other than "missing". */
export function findSourceFiles(paths: readonly string[], options: DiscoveryOptions): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const extensions = extensionSet(options.extensions);
  const missing: string[] = [];
  /** Real directories and real files the user named: a symlink may point anywhere inside them. */
  const roots: string[] = [];
  /** Regular files by real path. */
  const regular = new Map<string, string>();
  const symlinks: string[] = [];

  const take = (path: string, stats: Stats): void => {
    if (stats.isSymbolicLink()) symlinks.push(path);
    else if (stats.isFile()) {
      const realPath = realpathSync(path);
      if (!regular.has(realPath)) regular.set(realPath, path);
    }
    // Anything else (a submodule's directory, a FIFO) holds no source to rewrite.
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    const own = lstatOrUndefined(path);
    let target: Stats | undefined;
    try {
      target = statSync(path);
    } catch {
      target = undefined; // a missing path or a broken symlink: nothing there to rewrite
    }
    if (own === undefined || target === undefined) {
      missing.push(given);
      continue;
    }
    if (!target.isDirectory()) {
      if (!own.isSymbolicLink()) roots.push(realpathSync(path));
      take(path, own);
      continue;
    }
    roots.push(realpathSync(path));
    const candidates = gitWorkTree(path) === undefined ? walkFilesUnder(path) : gitFilesUnder(path);
    for (const candidate of candidates) {
      if (!hasSourceExtension(candidate, extensions)) continue;
      if (relative(path, candidate).split(sep).includes('node_modules')) continue;
      const stats = lstatOrUndefined(candidate); // undefined: deleted but still in git's index
      if (stats !== undefined) take(candidate, stats);
    }
  }

  const excluded: ExcludedFile[] = [];
  for (const path of symlinks) {
    let realPath: string;
    try {
      realPath = realpathSync(path);
    } catch {
      excluded.push({ path, reason: 'broken symlink' });
      continue;
    }
    if (regular.has(realPath) || !statSync(realPath).isFile()) continue; // processed through its own path; or a directory
    const inside = roots.some((root) => isInside(realPath, root));
    excluded.push({
      path,
      reason: inside
        ? `symlink to ${realPath}, a file that is excluded (ignored, or in node_modules); not written`
        : `symlink to ${realPath}, outside the given paths; not written (name the file itself to rewrite it)`,
    });
  }

  const files = [...regular].map(([realPath, path]) => ({ path, realPath })).sort((a, b) => compare(a.path, b.path));
  return { files, excluded: excluded.sort((a, b) => compare(a.path, b.path)), missing };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Files under the given paths that `git status` shows as changed or untracked, absolute, sorted; empty outside
 * git. Throws when git is there but cannot answer.
 */
export function uncommittedFiles(paths: readonly string[], cwd: string = process.cwd()): string[] {
  const byWorkTree = new Map<string, string[]>();
  for (const given of paths) {
    const path = realpathSync(resolve(cwd, given));
    const top = gitWorkTree(statSync(path).isDirectory() ? path : join(path, '..'));
    if (top === undefined) continue;
    const pathspec = toPosix(relative(top, path)) || '.';
    byWorkTree.set(top, [...(byWorkTree.get(top) ?? []), pathspec]);
  }
  const dirty: string[] = [];
  for (const [top, pathspecs] of byWorkTree) {
    const result = git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...pathspecs], top);
    if (!result.ok) throw new Error(`git status failed in ${top}: ${result.stderr.trim()}`);
    const entries = result.stdout.split('\0');
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      if (entry.length < 4) continue;
      dirty.push(join(top, entry.slice(3)));
      // A rename or copy is followed by the path it came from, which is not a file of its own here.
      if (/[RC]/.test(entry.slice(0, 2))) index++;
    }
  }
  return [...new Set(dirty)].sort(compare);
}

/**
 * Writes next to the file, then renames over it: a reader sees the old text or the new, never half of one. With
 * `mode`, the new file keeps it (the umask may have narrowed what writeFileSync created).
 */
export function writeAtomically(path: string, text: string, mode?: number): void {
  const temp = join(dirname(path), `.${basename(path)}.${String(process.pid)}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * A given path that does not exist, as a message names it: a broken symlink says where it points, since the
 * path itself is there (`ls` lists it).
 */
export function describeMissing(given: string, cwd: string = process.cwd()): string {
  const path = resolve(cwd, given);
  try {
    if (lstatSync(path).isSymbolicLink()) return `${given} (a symlink to ${readlinkSync(path)}, which does not exist)`;
  } catch {
    // not there at all
  }
  return given;
}

/** A file named on the command line whose extension is not one of these: "a .txt file", "a file without an extension". */
export function foreignExtension(path: string, extensions: readonly string[]): string | null {
  if (hasSourceExtension(path, extensionSet(extensions))) return null;
  const extension = extname(path).slice(1).toLowerCase();
  return extension === '' ? 'a file without an extension' : `a .${extension} file`;
}

/** A file whose bytes are not UTF-8 source text; line and column (1-based) point at the first byte at fault. */
export class SourceTextError extends Error {
  override name = 'SourceTextError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** git's test for a binary file: a NUL byte in the first 8000 bytes. */
const BINARY_PROBE_BYTES = 8000;

/** 1-based line and column of the byte at offset, counted as parsers count them (in UTF-16 code units). */
function positionOfByte(bytes: Buffer, offset: number): { line: number; column: number } {
  const lines = bytes.subarray(0, offset).toString('utf8').split(/\r\n|[\n\r\u2028\u2029]/);
  return { line: lines.length, column: (lines.at(-1) ?? '').length + 1 };
}

/**
 * The text of a source file that is about to be rewritten. Throws SourceTextError when writing the text back would
 * not give back the bytes that are there: a binary file (a NUL byte, as git tells), or one that is not UTF-8 (Latin-1,
 * Windows-1252: decoding replaces each such byte with U+FFFD, and a rewrite would save that). A byte order mark stays.
 */
export function readSourceText(path: string): string {
  const bytes = readFileSync(path);
  const nul = bytes.subarray(0, BINARY_PROBE_BYTES).indexOf(0);
  if (nul !== -1) {
    const { line, column } = positionOfByte(bytes, nul);
    throw new SourceTextError(
      'not a text file: it holds a NUL byte here, so it is binary (or text in UTF-16); left as it was. Leave it out of the paths.',
      line,
      column,
    );
  }
  const text = bytes.toString('utf8');
  const roundTrip = Buffer.from(text, 'utf8');
  if (roundTrip.equals(bytes)) return text;
  let offset = 0;
  while (offset < bytes.length && bytes[offset] === roundTrip[offset]) offset++;
  const { line, column } = positionOfByte(bytes, offset);
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  throw new SourceTextError(
    `not UTF-8: byte 0x${byte} here is not valid UTF-8, and a rewrite would replace it with U+FFFD; left as it was. ` +
      'Convert the file to UTF-8 first (e.g. iconv -f latin1 -t utf-8), then run the codemod again.',
    line,
    column,
  );
}
