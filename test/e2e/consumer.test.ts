// The package as a user gets it: `npm pack` (of the build `npm test` made), installed with ESLint from the npm
// registry into a fresh project, then every entry point used from that project: the ESLint plugin from an ESM and a
// CommonJS config, the CLI, the jscodeshift transform, the runtime by import and require, and the shipped .d.ts
// files under TypeScript's node16 and bundler resolution. Also checks what the tarball holds and how big it is.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'e2e', 'consumer', 'fixtures');

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: unknown;
  devDependencies?: Record<string, string>;
}
const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** What `npm pack --json` prints for one package. */
interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Measured at 185 kB packed and 677 kB unpacked (137 files) with dist's .map files and .tsbuildinfo left out; with
// them the tarball was 285 kB and 1.19 MB. The bounds leave room for growth and still catch their return.
const MAX_PACKED_BYTES = 300_000;
const MAX_UNPACKED_BYTES = 1_000_000;

const INSTALL_TIMEOUT = 300_000;
const TSC_TIMEOUT = 180_000;
// Without --no-babel, jscodeshift would first compile the transform and everything it imports (TypeScript's 9 MB
// compiler included) with Babel: about 25 s of CPU. The README passes --no-babel; the transform is plain JavaScript.
const JSCODESHIFT_TIMEOUT = 120_000;
const DEMO_TIMEOUT = 180_000;

const RULE_ID = 'listener-leak/no-per-request-listener';
const PLUGIN_CONFIGS = ['recommended', 'flat/recommended', 'recommended-type-checked'];
const LEAKY_SOURCE = readFileSync(join(fixtures, 'leaky.js'), 'utf8');

/** Where the sample adds its per-response 'close' listener (1-based line and column), read from the sample itself. */
function leakLocation(): { line: number; column: number } {
  const lines = LEAKY_SOURCE.split('\n');
  const index = lines.findIndex((text) => text.includes("sock.on('close'"));
  if (index < 0) throw new Error("the sample leaky.js no longer has its sock.on('close') line");
  return { line: index + 1, column: lines[index]!.indexOf('sock') + 1 };
}

function majorOf(range: string | undefined, what: string): string {
  const major = /\d+/.exec(range ?? '')?.[0];
  if (major === undefined) throw new Error(`cannot tell the major version of ${what} from package.json (${String(range)})`);
  return major;
}

let tempRoot = '';

/**
 * The environment for the consumer's commands. `npm test` exports npm's own settings to its children, and
 * npm_config_local_prefix would make npm and npx in the consumer use this checkout's node_modules instead of the
 * consumer's: those go, as does the test runner's NODE_OPTIONS. GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temporary folder.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower === 'npm_config_local_prefix' || lower === 'init_cwd' || lower === 'npm_command') continue;
    if (lower.startsWith('npm_package_') || lower.startsWith('npm_lifecycle_')) continue;
    if (lower === 'force_color' || lower === 'node_options') continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  env.GIT_CEILING_DIRECTORIES = tempRoot;
  return env;
}

function run(command: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: consumerEnv(),
      timeout,
      // npm and npx are .cmd scripts on Windows.
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (signal !== null) stderr += `\n[killed by ${signal}: over ${String(timeout)} ms?]`;
      resolve({ status, stdout, stderr });
    });
  });
}

/** A failed expectation on a run shows what the command printed. */
function shown(what: string, result: Run): string {
  return `${what} exited ${String(result.status)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Every file path named in the package.json `exports` map. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

function withoutDotSlash(path: string): string {
  return path.replace(/^\.\//, '');
}

interface EslintJsonResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; severity: number; fatal?: boolean }[];
}

function parseEslintJson(result: Run): EslintJsonResult[] {
  try {
    return JSON.parse(result.stdout) as EslintJsonResult[];
  } catch (error) {
    throw new Error(`${shown('eslint --format json', result)}\nits stdout is not JSON: ${String(error)}`, { cause: error });
  }
}

const hasGit = spawnSync('git', ['--version'], { encoding: 'utf8' }).status === 0;

let pack: PackResult;
let consumer = '';

/** The sample, copied into the consumer under `name`. */
function writeSample(name: string): string {
  const path = join(consumer, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, LEAKY_SOURCE);
  return path;
}

function eslint(...args: string[]): Promise<Run> {
  return run('npx', ['--no', '--', 'eslint', ...args], consumer);
}

function listenerLeak(args: readonly string[], cwd = consumer, timeout?: number): Promise<Run> {
  return run('npx', ['--no', '--', 'listener-leak', ...args], cwd, timeout);
}

/** Lints one file of the consumer with its eslint.config.js and expects no problem at all. */
async function expectClean(file: string): Promise<void> {
  const result = await eslint('--format', 'json', file);
  const messages = parseEslintJson(result).flatMap((entry) => entry.messages);
  expect(messages, shown(`eslint ${file}`, result)).toEqual([]);
  expect(result.status, shown(`eslint ${file}`, result)).toBe(0);
}

beforeAll(async () => {
  for (const built of ['dist/rules/index.js', 'dist/src/cli/index.js', 'dist/src/runtime/index.js', 'dist/codemods/registry.js']) {
    if (!existsSync(join(root, built))) {
      throw new Error(`${built} is missing: run \`npm run build\` first (npm test does), then this test packs dist/.`);
    }
  }
  tempRoot = mkdtempSync(join(tmpdir(), 'listener-leak-consumer-'));
  const packDir = join(tempRoot, 'pack');
  consumer = join(tempRoot, 'consumer');
  mkdirSync(packDir);
  mkdirSync(consumer);

  const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], root);
  expect(packed.status, shown('npm pack', packed)).toBe(0);
  const results = JSON.parse(packed.stdout) as PackResult[];
  expect(results).toHaveLength(1);
  pack = results[0]!;

  // What `npm init -y` would write, as an ES module project (eslint.config.js is ESM; the .cjs config is CommonJS).
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'listener-leak-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  const eslintMajor = majorOf(ownPackage.devDependencies?.eslint, 'eslint');
  const typesNodeMajor = majorOf(ownPackage.devDependencies?.['@types/node'], '@types/node');
  const installed = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', join(packDir, pack.filename), `eslint@${eslintMajor}`, `@types/node@${typesNodeMajor}`],
    consumer,
    INSTALL_TIMEOUT - 10_000,
  );
  expect(installed.status, shown('npm install', installed)).toBe(0);

  writeFileSync(
    join(consumer, 'eslint.config.js'),
    "import listenerLeak from 'listener-leak';\n\nexport default [listenerLeak.configs.recommended];\n",
  );
  writeFileSync(
    join(consumer, 'eslint.config.cjs'),
    "const listenerLeak = require('listener-leak');\n\nmodule.exports = [listenerLeak.configs.recommended];\n",
  );
  writeSample('leaky.js');
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (tempRoot !== '') rmSync(tempRoot, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds dist (JavaScript and .d.ts only), docs, the example, README and package.json, and nothing else', () => {
    const paths = pack.files.map((file) => file.path);
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICEN[CS]E(\.md|\.txt)?$/,
      /^dist\/(rules|src|codemods)\/.+(?<!\.d)\.js$/,
      /^dist\/(rules|src|codemods)\/.+\.d\.ts$/,
      /^docs\/.+$/,
      /^examples\/rpc-service\/(?!.*node_modules\/).+$/,
    ];
    expect(paths.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(paths.filter((path) => /\.map$|tsbuildinfo|^test\/|^bench\/|(?<!\.d)\.ts$/.test(path))).toEqual([]);
  });

  it('holds every entry point package.json names, both codemods, and a build of every source file', () => {
    const paths = new Set(pack.files.map((file) => file.path));
    const entryPoints = [
      ...exportTargets(ownPackage.exports),
      ...Object.values(ownPackage.bin ?? {}),
      ownPackage.main ?? '',
      ownPackage.types ?? '',
    ].filter((path) => path !== '' && path !== './package.json');
    expect(entryPoints.length).toBeGreaterThan(4);
    expect(entryPoints.map(withoutDotSlash).filter((path) => !paths.has(path))).toEqual([]);
    expect(paths).toContain('dist/codemods/registry.js');
    expect(paths).toContain('dist/codemods/teardown.js');

    const sources = ['rules', 'src', 'codemods'].flatMap((dir) =>
      filesUnder(join(root, dir))
        .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
        .map((path) => `${dir}/${path}`),
    );
    expect(sources.length).toBeGreaterThan(10);
    const builtJs = (source: string): string => `dist/${source.replace(/\.ts$/, '.js')}`;
    expect(sources.filter((source) => !paths.has(builtJs(source)))).toEqual([]);
    // And nothing built from a source that is gone (a stale dist/ would ship it).
    const shippedJs = [...paths].filter((path) => path.startsWith('dist/') && !path.endsWith('.d.ts'));
    expect(shippedJs.filter((path) => !sources.some((source) => builtJs(source) === path))).toEqual([]);
  });

  it('holds every docs page and the whole example the demo lints', () => {
    const paths = new Set(pack.files.map((file) => file.path));
    const wanted = [
      ...filesUnder(join(root, 'docs')).map((path) => `docs/${path}`),
      ...filesUnder(join(root, 'examples')).map((path) => `examples/${path}`),
    ];
    expect(wanted.length).toBeGreaterThan(5);
    expect(wanted.filter((path) => !paths.has(path))).toEqual([]);
    const ruleIds = readdirSync(join(root, 'rules')).filter((name) => name.endsWith('.ts') && name !== 'index.ts');
    expect(ruleIds.filter((file) => !paths.has(`docs/rules/${file.replace(/\.ts$/, '.md')}`))).toEqual([]);
  });

  it(`stays under ${String(MAX_PACKED_BYTES / 1000)} kB packed and ${String(MAX_UNPACKED_BYTES / 1000)} kB unpacked`, () => {
    const measured = `${pack.filename}: ${String(pack.entryCount)} files, ${String(pack.size)} bytes packed, ${String(pack.unpackedSize)} unpacked`;
    expect(pack.size, measured).toBeLessThan(MAX_PACKED_BYTES);
    expect(pack.unpackedSize, measured).toBeLessThan(MAX_UNPACKED_BYTES);
  });

  it('installs from the registry with eslint into a fresh project, exactly the files it lists', () => {
    // npm may nest a dependency under the package (when another version is hoisted): that is not from the tarball.
    const installed = filesUnder(join(consumer, 'node_modules', 'listener-leak')).filter((path) => !path.startsWith('node_modules/'));
    expect(installed).toEqual(pack.files.map((file) => file.path).sort());
    for (const bin of ['eslint', 'listener-leak', 'jscodeshift', 'tsc']) {
      const name = process.platform === 'win32' ? `${bin}.cmd` : bin;
      expect(existsSync(join(consumer, 'node_modules', '.bin', name)), `node_modules/.bin/${name}`).toBe(true);
    }
  });
});

describe('the ESLint plugin in the consumer', () => {
  const leak = leakLocation();

  it('eslint.config.js (ESM) with configs.recommended reports the tracker, and eslint exits 1', async () => {
    const result = await eslint('leaky.js');
    expect(result.status, shown('eslint leaky.js', result)).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^\\s+${String(leak.line)}:${String(leak.column)}\\s+error\\s.*\\s${RULE_ID}$`, 'm'));
    expect(result.stdout).toMatch(/1 problem \(1 error, 0 warnings\)/);
  });

  it('--format json parses and names the rule, line and column', async () => {
    const result = await eslint('--format', 'json', 'leaky.js');
    expect(result.status, shown('eslint --format json', result)).toBe(1);
    const [file, ...others] = parseEslintJson(result);
    expect(others).toEqual([]);
    expect(file?.filePath).toBe(join(consumer, 'leaky.js'));
    expect(file?.messages.map(({ ruleId, line, column, severity }) => ({ ruleId, line, column, severity }))).toEqual([
      { ruleId: RULE_ID, line: leak.line, column: leak.column, severity: 2 },
    ]);
  });

  it("eslint.config.cjs with require('listener-leak') reports the same", async () => {
    const result = await eslint('--config', 'eslint.config.cjs', '--format', 'json', 'leaky.js');
    expect(result.status, shown('eslint --config eslint.config.cjs', result)).toBe(1);
    const messages = parseEslintJson(result).flatMap((entry) => entry.messages);
    expect(messages.map(({ ruleId, line }) => ({ ruleId, line }))).toEqual([{ ruleId: RULE_ID, line: leak.line }]);
  });

  it('require() gets the same plugin object as import', async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "import plugin from 'listener-leak';",
      "const required = createRequire(process.cwd() + '/')('listener-leak');",
      'console.log(JSON.stringify({ same: required === plugin, configs: Object.keys(plugin.configs), rules: Object.keys(plugin.rules) }));',
    ].join('\n');
    const result = await run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(result.status, shown('node (import and require of listener-leak)', result)).toBe(0);
    const seen = JSON.parse(result.stdout) as { same: boolean; configs: string[]; rules: string[] };
    expect(seen.configs).toEqual(PLUGIN_CONFIGS);
    expect(seen.rules).toContain('no-per-request-listener');
    expect(seen.same).toBe(true);
  });
});

describe('the CLI and the codemods in the consumer', () => {
  it('listener-leak --version prints the packed version', async () => {
    const result = await listenerLeak(['--version']);
    expect(result.status, shown('listener-leak --version', result)).toBe(0);
    expect(result.stdout.trim()).toBe(ownPackage.version);
  });

  it('listener-leak scan reports the leak with its line and exits 1', async () => {
    const result = await listenerLeak(['scan', 'leaky.js']);
    expect(result.status, shown('listener-leak scan', result)).toBe(1);
    expect(result.stdout).toContain(`leaky.js:${String(leakLocation().line)}:${String(leakLocation().column)}`);
  });

  it('listener-leak codemod registry fixes the file outside git; eslint then reports nothing', async () => {
    const file = writeSample('fix-cli/leaky.js');
    const result = await listenerLeak(['codemod', 'registry', 'fix-cli/leaky.js']);
    expect(result.status, shown('listener-leak codemod registry', result)).toBe(0);
    expect(result.stdout).toMatch(/^fix-cli\/leaky\.js: rewrote noteSocket$/m);
    expect(result.stdout).toMatch(/^0 errors \/ 0 unmodified \/ 0 skipped \/ 1 ok$/m);
    expect(readFileSync(file, 'utf8')).not.toBe(LEAKY_SOURCE);
    await expectClean('fix-cli/leaky.js');
  });

  it.skipIf(!hasGit)('in a git work tree it refuses an uncommitted file without --force, and fixes it with --force', async () => {
    const repo = join(consumer, 'git-project');
    const file = writeSample('git-project/leaky.js');
    const init = await run('git', ['init', '--quiet'], repo);
    expect(init.status, shown('git init', init)).toBe(0);

    const refused = await listenerLeak(['codemod', 'registry', 'leaky.js'], repo);
    expect(refused.status, shown('codemod without --force', refused)).toBe(2);
    expect(refused.stderr).toContain('uncommitted changes');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe(LEAKY_SOURCE);

    const forced = await listenerLeak(['codemod', 'registry', '--force', 'leaky.js'], repo);
    expect(forced.status, shown('codemod --force', forced)).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(LEAKY_SOURCE);
    await expectClean('git-project/leaky.js');
  });

  it(
    'jscodeshift with the shipped dist/codemods/registry.js fixes a fresh copy as the CLI does; eslint then reports nothing',
    async () => {
      const file = writeSample('fix-jscodeshift/leaky.js');
      const printed = await listenerLeak(['codemod', 'registry', '--print', 'fix-jscodeshift/leaky.js']);
      expect(printed.status, shown('listener-leak codemod registry --print', printed)).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(LEAKY_SOURCE);

      // As the README gives it. (jscodeshift exits 0 even when the transform file is missing: the report says more.)
      const transform = 'node_modules/listener-leak/dist/codemods/registry.js';
      const result = await run('npx', ['--no', '--', 'jscodeshift', '-t', transform, '--no-babel', '--parser=tsx', 'fix-jscodeshift/leaky.js'], consumer, JSCODESHIFT_TIMEOUT - 10_000);
      expect(result.status, shown('jscodeshift', result)).toBe(0);
      expect(result.stdout).toMatch(/^0 errors$/m);
      expect(result.stdout).toMatch(/^1 ok$/m);
      const fixed = readFileSync(file, 'utf8');
      expect(fixed).not.toBe(LEAKY_SOURCE);
      expect(fixed).toBe(printed.stdout);
      await expectClean('fix-jscodeshift/leaky.js');
    },
    JSCODESHIFT_TIMEOUT,
  );

  it(
    'listener-leak demo lints the example it ships and finds the tracker across files',
    async () => {
      const result = await listenerLeak(['demo'], consumer, DEMO_TIMEOUT - 10_000);
      expect(result.status, shown('listener-leak demo', result)).toBe(0);
      const example = 'node_modules/listener-leak/examples/rpc-service/';
      const found = [...result.stdout.matchAll(/^(\S+):(\d+):\d+ {2}error {2}listener-leak\/no-per-request-listener$/gm)].map(
        ([, file = '', line = '']) => `${file.replace(example, '')}:${line}`,
      );
      // Each registration of the example's tracker (called once per response from another file) is a finding.
      const tracker = 'src/connection-tracker.js';
      const trackerLines = readFileSync(join(consumer, example, tracker), 'utf8')
        .split('\n')
        .flatMap((text, index) => (/\bsocket\.on\(/.test(text) ? [`${tracker}:${String(index + 1)}`] : []));
      expect(trackerLines.length).toBeGreaterThan(0);
      expect(found).toEqual(expect.arrayContaining(trackerLines));
    },
    DEMO_TIMEOUT,
  );
});

describe('the runtime in the consumer', () => {
  const useRegistry = [
    'const registry = new SocketRegistry();',
    'registry.track(new Socket());',
    'console.log(JSON.stringify({ watch: typeof watchListeners, open: registry.stats().open }));',
  ].join('\n');

  it("import { SocketRegistry, watchListeners } from 'listener-leak/runtime' works", async () => {
    const script = `import { Socket } from 'node:net';\nimport { SocketRegistry, watchListeners } from 'listener-leak/runtime';\n${useRegistry}`;
    const result = await run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(result.status, shown('node (import)', result)).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ watch: 'function', open: 1 });
  });

  it("require('listener-leak/runtime') works", async () => {
    const script = `const { Socket } = require('node:net');\nconst { SocketRegistry, watchListeners } = require('listener-leak/runtime');\n${useRegistry}`;
    const result = await run(process.execPath, ['-e', script], consumer);
    expect(result.status, shown('node (require)', result)).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ watch: 'function', open: 1 });
  });

  it('node --import listener-leak/register loads quietly', async () => {
    const result = await run(process.execPath, ['--import', 'listener-leak/register', '-e', "console.log('up')"], consumer);
    expect(result.status, shown('node --import listener-leak/register', result)).toBe(0);
    expect(result.stdout).toBe('up\n');
    expect(result.stderr).toBe('');
  });
});

describe('a TypeScript consumer of the shipped .d.ts files', () => {
  /** Writes tsconfig.<name>.json checking `file` (from the fixtures) and runs the consumer's own tsc on it. */
  async function typeCheck(name: string, file: string, compilerOptions: Record<string, unknown>): Promise<Run> {
    mkdirSync(join(consumer, 'ts'), { recursive: true });
    copyFileSync(join(fixtures, file), join(consumer, 'ts', file));
    const tsconfig = {
      compilerOptions: { target: 'ES2022', strict: true, noEmit: true, types: ['node'], ...compilerOptions },
      files: [`ts/${file}`],
    };
    writeFileSync(join(consumer, `tsconfig.${name}.json`), `${JSON.stringify(tsconfig, null, 2)}\n`);
    return run('npx', ['--no', '--', 'tsc', '--noEmit', '-p', `tsconfig.${name}.json`], consumer, TSC_TIMEOUT - 10_000);
  }

  it(
    'type-checks the plugin and the runtime with moduleResolution node16 (declaration files checked too)',
    async () => {
      // skipLibCheck off: the shipped .d.ts files themselves must type-check (slow: all of ESLint's and typescript-eslint's are checked too).
      const result = await typeCheck('node16', 'uses-package.ts', { module: 'node16', moduleResolution: 'node16', skipLibCheck: false });
      expect(result.status, shown('tsc -p tsconfig.node16.json', result)).toBe(0);
    },
    TSC_TIMEOUT,
  );

  it(
    'type-checks the plugin and the runtime with moduleResolution bundler',
    async () => {
      const result = await typeCheck('bundler', 'uses-package.ts', { module: 'preserve', moduleResolution: 'bundler', skipLibCheck: true });
      expect(result.status, shown('tsc -p tsconfig.bundler.json', result)).toBe(0);
    },
    TSC_TIMEOUT,
  );

  it(
    "an eslint.config.ts passes the plugin's configs to ESLint's defineConfig",
    async () => {
      const result = await typeCheck('eslint-config', 'eslint-config.ts', { module: 'node16', moduleResolution: 'node16', skipLibCheck: true });
      expect(result.status, shown('tsc -p tsconfig.eslint-config.json', result)).toBe(0);
    },
    TSC_TIMEOUT,
  );

  it('a type error in the consumer fails the check (the check is real)', async () => {
    const broken = "import { SocketRegistry } from 'listener-leak/runtime';\nexport const open: string = new SocketRegistry().stats().open;\n";
    mkdirSync(join(consumer, 'ts'), { recursive: true });
    writeFileSync(join(consumer, 'ts', 'broken.ts'), broken);
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
      files: ['ts/broken.ts'],
    };
    writeFileSync(join(consumer, 'tsconfig.broken.json'), JSON.stringify(tsconfig));
    const result = await run('npx', ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.broken.json'], consumer);
    expect(result.status, shown('tsc -p tsconfig.broken.json', result)).toBe(2);
    expect(result.stdout).toMatch(/ts\/broken\.ts\(2,14\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });
});
