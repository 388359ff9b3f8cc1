// The detector over a whole project: a call from repeating code in one file to a function or method declared in
// another (imported, re-exported, a class instance held in a field or injected through a constructor) makes that
// function repeat too, with the caller's long-lived arguments. Each file is analysed with the calls into it
// (`externalCallers`) until nothing new is found; the per-file analysis is cached by its inputs, so a file is
// analysed again only when the calls into it change.
import { dirname, extname, join, relative, resolve } from 'node:path';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { calleeName, describeNode, line, memberName, memberPath, rootOf, unwrap } from './ast.js';
import { definitionOf } from './bindings.js';
import type { AnalysisInput, FileIndex } from './file-index.js';
import { analyzeFile, type DetectorOptions, type FileAnalysis, type Finding } from './index.js';
import { ExportResolver, type OutgoingTarget } from './exports.js';
import { importEqualsSpecifier, moduleSpecifier, requiredModule } from './modules.js';
import { keepParsesOf, ParseError, parsedFile, rememberParse } from './parse.js';
import { eventArgument } from './registrations.js';
import { describeRepeat } from './repeat-description.js';
import { mayRepeatText, type ChainStep, type ExternalCaller, type RepeatReason } from './repeating-contexts.js';

export interface ProjectFile {
  /** Absolute path. */
  readonly path: string;
  readonly text: string;
}

export interface ProjectOptions extends Omit<DetectorOptions, 'externalCallers'> {
  /** Paths in messages are shown relative to this directory (the project root); absolute without it. */
  readonly root?: string;
  /**
   * Only what the calls into each file need (the type-checked rule): analyse the files whose code may repeat by
   * itself (mayRepeatText), then the files that repeating calls land in, and parse the others only to resolve an
   * export. Findings and parse errors then cover those files only. `scan` analyses everything.
   */
  readonly relevantOnly?: boolean;
  /**
   * The project file an import specifier names, from the importing file; null for a package or a file outside the
   * project. The default resolves relative specifiers (with or without extension, `.js` for `.ts`, `index.*`).
   */
  readonly resolveModule?: (specifier: string, fromPath: string) => string | null;
  /** The TypeScript program the files belong to, if there is one: their syntax trees are reused, not parsed again. */
  readonly program?: ts.Program;
  /**
   * Parses a file that is not in the parse cache, before parseFile (which parses what this returns null for): the
   * type-checked rule passes the parser ESLint uses, which keeps each parse for ESLint to lint the file with.
   */
  readonly parse?: (path: string, text: string) => AnalysisInput | null;
}

export interface ProjectFinding {
  readonly path: string;
  readonly finding: Finding;
  /** The calls that make the registration repeat, across files, ending at the registration itself. */
  readonly chain: readonly ChainStep[];
}

export interface ProjectAnalysis {
  readonly findings: readonly ProjectFinding[];
  /** Files that do not parse, located; the rest of the project is still analysed. */
  readonly errors: readonly { readonly path: string; readonly line: number; readonly column: number; readonly message: string }[];
  /** Rounds of the cross-file propagation (1 when no call crosses a file). */
  readonly rounds: number;
  /** The calls into each file from repeating code elsewhere (by absolute path). */
  readonly callers: ReadonlyMap<string, readonly ExternalCaller[]>;
  /** How many files were parsed, and how many of those analysed (all of them, unless relevantOnly). */
  readonly files: { readonly parsed: number; readonly analysed: number };
}

const MAX_ROUNDS = 8;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export function analyzeProject(files: readonly ProjectFile[], options: ProjectOptions = {}): ProjectAnalysis {
  const byPath = new Map(files.map((file) => [resolve(file.path), file]));
  const resolveModule = options.resolveModule ?? defaultResolver(byPath);
  const { root } = options;
  const detectorOptions: DetectorOptions = {
    perRequestFunctions: options.perRequestFunctions,
    setupFunctions: options.setupFunctions,
    longLivedReceivers: options.longLivedReceivers,
    ignoreEvents: options.ignoreEvents,
  };
  const shown = (path: string): string => (root === undefined ? path : relative(root, path));

  const errors: { path: string; line: number; column: number; message: string }[] = [];
  // Parsed on first use; null for a file that does not parse (reported once, in errors).
  const parsed = new Map<string, AnalysisInput | null>();
  const inputOf = (path: string): AnalysisInput | null => {
    if (!parsed.has(path)) {
      const file = byPath.get(path);
      let input: AnalysisInput | null = null;
      if (file) {
        try {
          input = parsedFile(path, file.text, options.program, options.parse);
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
          errors.push({ path, line: error.line, column: error.column, message: error.message });
        }
      }
      parsed.set(path, input);
    }
    return parsed.get(path) ?? null;
  };
  // Every file, or (relevantOnly) the files whose code may repeat by itself; files that repeating calls land in join
  // as they are found. The rest cannot call out from repeating code, so they are never analysed, nor parsed unless
  // an import is resolved through them.
  const perRequest = options.perRequestFunctions ?? [];
  const analysed = new Set<string>();
  for (const [path, file] of byPath) {
    if (options.relevantOnly === true && !mayRepeatText(file.text, perRequest)) continue;
    if (inputOf(path)) analysed.add(path);
  }

  // The parse cache holds this project's files only: an editor's long session does not keep every file it saw.
  keepParsesOf(new Set(byPath.keys()));

  const callers = new Map<string, ExternalCaller[]>();
  const seen = new Set<string>();
  const analysisOf = (path: string): FileAnalysis =>
    analyzeFile(inputOf(path)!, { ...detectorOptions, externalCallers: callers.get(path) ?? [] }, true);
  const exports = new ExportResolver({ text: (path) => byPath.get(path)?.text ?? '', input: inputOf, paths: () => byPath.keys() }, resolveModule);
  // A bug of the detector on one file must not stop the project: that file is reported and left out.
  const failed = new Set<string>();
  const safely = (path: string): FileAnalysis | null => {
    if (failed.has(path)) return null;
    try {
      return analysisOf(path);
    } catch (error) {
      failed.add(path);
      errors.push({ path, line: 1, column: 1, message: `listener-leak could not analyse this file (a bug, please report it): ${error instanceof Error ? error.message : String(error)}` });
      return null;
    }
  };

  let rounds = 0;
  for (let changed = true; changed && rounds < MAX_ROUNDS; rounds++) {
    changed = false;
    // A file added to `analysed` during a round is analysed later in that same round (a Set iterates what it gains).
    for (const path of analysed) {
      const analysis = safely(path);
      if (!analysis) continue;
      for (const { targetPath, caller } of outgoingCalls(path, shown(path), analysis, exports)) {
        const key = `${targetPath}|${caller.target.className ?? ''}.${caller.target.name}|${caller.chain.map((s) => `${s.path}:${s.line}`).join('>')}|${caller.longLivedArguments.map((a) => a.index).join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const list = callers.get(targetPath) ?? [];
        callers.set(targetPath, [...list, caller]);
        if (inputOf(targetPath)) analysed.add(targetPath);
        changed = true;
      }
    }
  }

  const findings: ProjectFinding[] = [];
  for (const path of analysed) {
    for (const finding of safely(path)?.findings ?? []) findings.push({ path, finding, chain: chainOf(path, finding) });
  }
  const counts = { parsed: [...parsed.values()].filter((input) => input !== null).length, analysed: analysed.size };
  return { findings, errors, rounds, callers, files: counts };
}

const byProgram = new WeakMap<ts.Program, Map<string, ProjectAnalysis>>();

/**
 * The project analysis of a TypeScript program's own files (not declarations, not node_modules), with imports
 * resolved as the compiler resolves them (path aliases, `.js` for `.ts`). Computed once per program.
 */
export function analyzeProgram(
  program: ts.Program,
  options: Omit<ProjectOptions, 'resolveModule' | 'parse'> = {},
  eslint?: {
    /** The file being linted, as ESLint parsed it. */
    readonly linted: { readonly path: string; readonly input: AnalysisInput };
    /** ESLint's parser, when it can take over the pass's parses (see ProjectOptions.parse). */
    readonly parse?: ProjectOptions['parse'] | null;
  },
): ProjectAnalysis {
  // Once per program and options: every file's lint asks, and two configurations of the rule may differ in options.
  const optionsKey = JSON.stringify(options);
  let analyses = byProgram.get(program);
  if (!analyses) byProgram.set(program, (analyses = new Map<string, ProjectAnalysis>()));
  const known = analyses.get(optionsKey);
  if (known) return known;
  // The file being linted, as ESLint parsed it: read instead of parsing it again (in an editor, the file being typed
  // in is the one that changed). Only when the pass runs: kept for every file linted after it, ESLint's trees (with
  // their tokens) would stay in memory to the end of the lint, for nothing.
  if (eslint) rememberParse(eslint.linted.path, eslint.linted.input);
  const compilerOptions = program.getCompilerOptions();
  // Packages below the project's own folder are not its files; a project that itself lives under node_modules (the
  // installed package's example, linted by `npx listener-leak demo`) still is.
  const configFile = compilerOptions['configFilePath'];
  const base = typeof configFile === 'string' ? dirname(configFile) : program.getCurrentDirectory();
  const files = program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !/(^|[\\/])node_modules[\\/]/.test(relative(base, file.fileName)))
    .map((file) => ({ path: resolve(file.fileName), text: file.text }));
  const paths = new Set(files.map((file) => file.path));
  // Every round asks again for the same imports: resolved once per folder and specifier, with the compiler's cache.
  const cache = ts.createModuleResolutionCache(program.getCurrentDirectory(), (name) => (ts.sys.useCaseSensitiveFileNames ? name : name.toLowerCase()), compilerOptions);
  const resolvedModules = new Map<string, string | null>();
  const resolveModule = (specifier: string, fromPath: string): string | null => {
    const key = `${dirname(fromPath)}\0${extname(fromPath)}\0${specifier}`;
    let path = resolvedModules.get(key);
    if (path === undefined) {
      const resolved = ts.resolveModuleName(specifier, fromPath, compilerOptions, ts.sys, cache).resolvedModule?.resolvedFileName;
      path = resolved !== undefined && paths.has(resolve(resolved)) ? resolve(resolved) : null;
      resolvedModules.set(key, path);
    }
    return path;
  };
  const parse = eslint?.parse ?? undefined;
  const analysis = analyzeProject(files, { root: program.getCurrentDirectory(), relevantOnly: true, ...options, resolveModule, program, ...(parse ? { parse } : {}) });
  analyses.set(optionsKey, analysis);
  return analysis;
}

/** `caller (file:line) -> ... -> tracker (file:line) -> socket.on('close') (file:line)`. */
function chainOf(path: string, finding: Finding): ChainStep[] {
  const steps: ChainStep[] = [];
  const external = seedOf(finding.frame.reason).external;
  if (external) steps.push(...external.chain);
  else {
    const repeat = describeRepeat(finding.frame.reason);
    steps.push({ name: repeat.detail.replace(/ \(line \d+\)$/, ''), path, line: repeat.line, column: 1 });
  }
  const fn = finding.registration.fn;
  // An anonymous callback adds a line but no name ("an anonymous function"): the steps around it already place it.
  if (fn?.name != null && !steps.some((step) => step.path === path && step.name === fn.displayName)) {
    steps.push({ name: fn.displayName, path, line: line(fn.node), column: fn.node.loc.start.column + 1 });
  }
  const registration = `${finding.data.receiver ?? ''}.${finding.registration.method}(${eventArgument(finding.registration.event)})`;
  steps.push({ name: registration, path, line: line(finding.node), column: finding.node.loc.start.column + 1 });
  return steps;
}

function seedOf(reason: RepeatReason): RepeatReason {
  let current = reason;
  while (current.via) current = current.via;
  return current;
}

/** Calls from repeating code of one file that reach a function of another project file. */
function outgoingCalls(path: string, shownPath: string, analysis: FileAnalysis, exports: ExportResolver): { targetPath: string; caller: ExternalCaller }[] {
  const { index, contexts, graph, receivers } = analysis;
  if (!index || !contexts || !graph || !receivers) return [];
  const out: { targetPath: string; caller: ExternalCaller }[] = [];
  for (const call of index.calls) {
    const frame = contexts.frameOf(call);
    if (!frame || graph.calleesOf(call).length > 0) continue;
    const target = outgoingTarget(index, call);
    if (!target) continue;
    const resolved = exports.resolve(path, target);
    if (!resolved) continue;

    const longLivedArguments: { index: number; what: string }[] = [];
    call.arguments.forEach((argument, position) => {
      if (argument.type === AST_NODE_TYPES.SpreadElement) return;
      const lifetime = receivers.lifetimeOf(argument, frame, call);
      if (lifetime.kind === 'long-lived') {
        longLivedArguments.push({ index: position, what: `${lifetime.what}: ${describeNode(index.input.text, argument)}, passed in at ${shownPath}:${String(line(call))}` });
      }
    });
    const callerFn = index.enclosingFunction(call);
    const seed = seedOf(frame.reason);
    const seedName = describeRepeat(frame.reason).detail.replace(/ \(line \d+\)$/, '');
    // An anonymous callback is named by the run it belongs to (`HTTPClient.request`), or by what makes it repeat
    // (`the request handler of http.createServer`), never "an anonymous function".
    const named = callerFn?.name != null ? callerFn : frame.fn?.name != null ? frame.fn : null;
    const seedStep: ChainStep = { name: seedName, path, line: line(seed.node), column: seed.node.loc.start.column + 1 };
    const chain: ChainStep[] = seed.external ? [...seed.external.chain] : [];
    if (named) {
      if (!seed.external && line(seed.node) !== line(call)) chain.push(seedStep);
      chain.push({ name: named.displayName, path, line: line(call), column: call.loc.start.column + 1 });
    } else if (!seed.external) chain.push(seedStep);
    else chain.push({ name: frame.fn?.displayName ?? 'a callback', path, line: line(call), column: call.loc.start.column + 1 });
    const callerName = named?.displayName ?? seedName;
    out.push({
      targetPath: resolved.path,
      caller: {
        target: resolved.target,
        what: `${callerName} (${shownPath}:${String(line(call))})`,
        often: describeRepeat(frame.reason).often,
        chain,
        longLivedArguments,
      },
    });
  }
  return out;
}

/** What the callee names: an imported function, a method of an imported class's instance, or a namespace member. */
function outgoingTarget(index: FileIndex, call: TSESTree.CallExpression): OutgoingTarget | null {
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return importOf(index, callee, null);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
  const member = memberName(callee);
  if (member === null) return null;
  const object = unwrap(callee.object);
  // `tracker.track()` where `tracker` is an import (namespace or default object), or a `new X()` of an imported class.
  const imported = importedValueOf(index, object, 0);
  if (imported) return { ...imported, member };
  // An instance injected from outside (a constructor parameter stored in a field): only the method name is known.
  if (calleeName(call) !== null && isInjected(index, object)) return { specifier: null, exportName: null, member };
  return null;
}

/** The import an identifier names: `import { track } from './t'`, `const { track } = require('./t')`. */
function importOf(index: FileIndex, identifier: TSESTree.Identifier, member: string | null): OutgoingTarget | null {
  const definition = definitionOf(index, identifier);
  if (!definition) return null;
  if (definition.kind === 'import' && definition.node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    // `import ws = require('ws')` reads as `const ws = require('ws')`; `import x = Namespace.member` names no module.
    const specifier = importEqualsSpecifier(definition.node);
    return specifier === null ? null : requiredValue(specifier, member);
  }
  if (definition.kind === 'import') {
    const specifier = definition.node as TSESTree.ImportClause;
    const declaration = specifier.parent as TSESTree.ImportDeclaration;
    const source = declaration.source.value;
    if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return member === null ? null : { specifier: source, exportName: member, member: null };
    const exportName =
      specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier
        ? 'default'
        : specifier.imported.type === AST_NODE_TYPES.Identifier
          ? specifier.imported.name
          : specifier.imported.value;
    return { specifier: source, exportName, member };
  }
  if (definition.kind === 'variable') {
    const declarator = definition.node as TSESTree.VariableDeclarator;
    const source = requiredModule(declarator.init);
    if (source === null) return null;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) return requiredValue(source, member);
    if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
      const property = declarator.id.properties.find(
        (p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property && p.value === definition.name,
      );
      const key = property && property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : null;
      return key === null ? null : { specifier: source, exportName: key, member };
    }
  }
  return null;
}

/** A whole module held in a binding (`const ws = require('ws')`): the module itself, or its export `member`. */
function requiredValue(specifier: string, member: string | null): OutgoingTarget {
  return { specifier, exportName: member ?? 'default', member: null };
}

/** An imported module object, or an instance of an imported class (`new Tracker()` in a variable or a field). */
function importedValueOf(index: FileIndex, node: TSESTree.Node, depth: number): Omit<OutgoingTarget, 'member'> | null {
  if (depth > 3) return null;
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.NewExpression) {
    const callee = unwrap(inner.callee);
    if (callee.type !== AST_NODE_TYPES.Identifier) return null;
    const imported = importOf(index, callee, null);
    return imported ? { specifier: imported.specifier, exportName: imported.exportName } : null;
  }
  if (inner.type === AST_NODE_TYPES.Identifier) {
    const definition = definitionOf(index, inner);
    if (definition?.kind === 'import') {
      const specifier = definition.node;
      if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { specifier: specifier.parent.source.value, exportName: null };
      // `import { tracker } from './tracking.js'`: an exported instance (or class) whose method is called.
      const imported = importOf(index, inner, null);
      return imported ? { specifier: imported.specifier, exportName: imported.exportName } : null;
    }
    if (definition?.kind === 'variable' && definition.init) {
      const required = requiredModule(definition.init);
      if (required !== null && (definition.node as TSESTree.VariableDeclarator).id.type === AST_NODE_TYPES.Identifier) return { specifier: required, exportName: null };
      return importedValueOf(index, definition.init, depth + 1);
    }
    return null;
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression && unwrap(inner.object).type === AST_NODE_TYPES.ThisExpression) {
    const name = memberName(inner);
    const owner = index.thisOwnerOf(index.enclosingFunction(inner));
    for (const write of (name !== null && owner ? index.fieldWrites.get(owner)?.get(name) : undefined) ?? []) {
      const found = importedValueOf(index, write, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** `this.tracker` assigned from a constructor parameter (`{ connectionTracker }` injected): a value from outside. */
function isInjected(index: FileIndex, object: TSESTree.Node): boolean {
  if (object.type !== AST_NODE_TYPES.MemberExpression || unwrap(object.object).type !== AST_NODE_TYPES.ThisExpression) return false;
  const name = memberName(object);
  const owner = index.thisOwnerOf(index.enclosingFunction(object));
  const writes = (name !== null && owner ? index.fieldWrites.get(owner)?.get(name) : undefined) ?? [];
  // `this.tracker = tracker` or `this.tracker = options.tracker`, from a constructor parameter.
  return writes.some((write) => {
    const root = rootOf(write);
    if (root.type !== AST_NODE_TYPES.Identifier || memberPath(unwrap(write)) === null) return false;
    return definitionOf(index, root)?.kind === 'parameter' && index.enclosingFunction(write)?.isConstructor === true;
  });
}

/** Relative specifiers to project files: as written, with an extension added, `.js` written for `.ts`, or `index.*`. */
function defaultResolver(files: ReadonlyMap<string, unknown>): (specifier: string, fromPath: string) => string | null {
  return (specifier, fromPath) => {
    const bare = moduleSpecifier(specifier);
    if (!bare.startsWith('.')) return null;
    const base = resolve(dirname(fromPath), bare);
    const stem = base.slice(0, base.length - extname(base).length);
    const candidates = [base, ...SOURCE_EXTENSIONS.map((e) => base + e), ...SOURCE_EXTENSIONS.map((e) => stem + e), ...SOURCE_EXTENSIONS.map((e) => join(base, `index${e}`))];
    return candidates.find((candidate) => files.has(candidate)) ?? null;
  };
}
