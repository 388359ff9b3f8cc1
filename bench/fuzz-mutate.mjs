// Mutations of a program that keep it valid: rename a binding everywhere, move statements into a block, a try,
// a loop, a function, a callback, a class method or a static block, turn JavaScript into TypeScript with
// annotations, casts and non-null assertions, add a registration to a function, make member calls optional or
// computed, delete or repeat a statement. They apply to generated programs, to the repository's own fixtures and
// (in the bench) to the corpus's real files.
//
// Each mutation edits the text at positions typescript-estree reports, so everything it does not touch stays as
// written. Most are valid by construction (a wrapper is chosen by what the statements contain: await, yield,
// super, break and continue that leave them); the caller checks each result with the real parsers anyway and
// tries another mutation when one does not parse, counting those retries.
import { analyze } from '@typescript-eslint/scope-manager';
import { parse } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { EXTENSIONS, hasJsx, isScript, isTypeScript, languageOf } from './fuzz-generate.mjs';

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'TSDeclareFunction', 'TSEmptyBodyFunctionExpression']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const MODULE_ONLY = new Set(['ImportDeclaration', 'ExportNamedDeclaration', 'ExportDefaultDeclaration', 'ExportAllDeclaration',
  'TSModuleDeclaration', 'TSImportEqualsDeclaration', 'TSExportAssignment', 'TSNamespaceExportDeclaration', 'TSDeclareFunction']);
const NAMES = ['socket', 'req', 'res', 'conn', 's', 'server', 'agent', 'bus', 'ctx', 'request', 'response', 'stream', 'emitter', 'client'];
const TYPES = ['any', 'unknown', 'Socket', 'NodeJS.EventEmitter', 'Record<string, any>', 'Function', 'object | null', 'never', '{ on(e: string, f: Function): void }'];

/**
 * Parses with typescript-estree, as the detector does; null when the text does not parse. The scope analysis,
 * which only `rename` needs, runs on first use of `scopeManager`.
 */
export function parseForMutation(code, language) {
  let ast;
  try {
    ast = parse(code, {
      range: true,
      loc: false,
      jsx: hasJsx(language) || !isTypeScript(language),
      sourceType: isScript(language) ? 'script' : 'module',
      filePath: `program${EXTENSIONS[language]}`,
    });
  } catch {
    return null;
  }
  let scopeManager = null;
  return {
    ast,
    get scopeManager() {
      scopeManager ??= analyze(ast, { sourceType: isScript(language) ? 'script' : 'module', globalReturn: isScript(language), jsxPragma: null });
      return scopeManager;
    },
  };
}

/** Every node with its parent, in source order. */
export function walkNodes(ast) {
  const nodes = [];
  const parents = new Map();
  const visit = (node, parent) => {
    nodes.push(node);
    parents.set(node, parent);
    for (const key of visitorKeys[node.type] ?? []) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (item && typeof item.type === 'string') visit(item, node);
      } else if (child && typeof child.type === 'string') visit(child, node);
    }
  };
  visit(ast, null);
  return { nodes, parents };
}

function applyEdits(code, edits) {
  // Later positions first; at one position, in the order given.
  const sorted = edits.map((edit, i) => ({ ...edit, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = code;
  for (const { start, end, text } of sorted) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** Lists of statements (and their owner) where statements can be wrapped, deleted or inserted. */
function statementLists(nodes) {
  const lists = [];
  for (const node of nodes) {
    if (node.type === 'Program' || node.type === 'BlockStatement' || node.type === 'StaticBlock' || node.type === 'TSModuleBlock') {
      lists.push({ owner: node, statements: node.body });
    } else if (node.type === 'SwitchCase') lists.push({ owner: node, statements: node.consequent });
  }
  return lists.filter((list) => list.statements.length > 0);
}

/**
 * What a run of statements contains that decides how it may be wrapped: await, yield, super, arguments,
 * return, and break/continue whose target lies outside the run.
 */
function contentsOf(statements, nodes, parents) {
  const facts = { await: false, yield: false, super: false, superCall: false, arguments: false, return: false, escapingJump: false, awaitIdentifier: false, declare: false };
  const inside = new Set();
  const first = statements[0].range[0];
  const last = statements.at(-1).range[1];
  for (const node of nodes) if (node.range[0] >= first && node.range[1] <= last) inside.add(node);
  const ownFunction = (node) => {
    // The nearest function between node and the run: a non-arrow for super/arguments/new.target, any for await/yield.
    const crossed = { any: false, nonArrow: false };
    for (let p = parents.get(node); p && inside.has(p); p = parents.get(p)) {
      if (FUNCTION_TYPES.has(p.type)) {
        crossed.any = true;
        if (p.type !== 'ArrowFunctionExpression') crossed.nonArrow = true;
      }
      if (p.type === 'ClassBody' || p.type === 'PropertyDefinition') crossed.nonArrow = true;
    }
    return crossed;
  };
  const jumpEscapes = (node) => {
    for (let p = parents.get(node); p && inside.has(p); p = parents.get(p)) {
      if (FUNCTION_TYPES.has(p.type)) return false; // would not parse otherwise: its target is inside that function
      if (node.label) {
        if (p.type === 'LabeledStatement' && p.label.name === node.label.name) return false;
      } else if (LOOP_TYPES.has(p.type) || (node.type === 'BreakStatement' && p.type === 'SwitchStatement')) return false;
    }
    return true;
  };
  for (const node of inside) {
    switch (node.type) {
      case 'AwaitExpression':
        if (!ownFunction(node).any) facts.await = true;
        break;
      case 'ForOfStatement':
        if (node.await && !ownFunction(node).any) facts.await = true;
        break;
      case 'VariableDeclaration':
        if (node.kind === 'await using' && !ownFunction(node).any) facts.await = true;
        if (node.declare) facts.declare = true;
        break;
      case 'YieldExpression':
        if (!ownFunction(node).any) facts.yield = true;
        break;
      case 'Super':
        if (!ownFunction(node).nonArrow) {
          facts.super = true;
          if (parents.get(node)?.type === 'CallExpression') facts.superCall = true;
        }
        break;
      case 'MetaProperty':
        if (node.meta.name === 'new' && !ownFunction(node).nonArrow) facts.super = true; // new.target: keep the function
        break;
      case 'Identifier':
        if (node.name === 'arguments' && !ownFunction(node).nonArrow) facts.arguments = true;
        if (node.name === 'await' || node.name === 'yield') facts.awaitIdentifier = true;
        break;
      case 'ReturnStatement':
        if (!ownFunction(node).any) facts.return = true;
        break;
      case 'BreakStatement':
      case 'ContinueStatement':
        if (jumpEscapes(node)) facts.escapingJump = true;
        break;
      case 'ClassDeclaration':
      case 'FunctionDeclaration':
      case 'TSEnumDeclaration':
      case 'TSInterfaceDeclaration':
      case 'TSTypeAliasDeclaration':
        if (node.declare) facts.declare = true;
        break;
      default:
        break;
    }
  }
  return facts;
}

/** The ways a run of statements with these contents can be wrapped, each `(text, n) => wrapped text`. */
function wrappersFor(facts, language) {
  const out = [
    (text) => `try {\n${text}\n} finally {\n}`,
    (text) => `{\n${text}\n}`,
    (text) => `if (Math.random() >= 0) {\n${text}\n}`,
    (text) => `for (const fuzzOnce of [0]) {\n${text}\n}`,
    (text) => `do {\n${text}\n} while (false);`,
    (text, n) => `fuzzLabel${n}: {\n${text}\n}`,
    (text) => `try {\n${text}\n} catch (fuzzError) {\n  throw fuzzError;\n}`,
  ];
  if (facts.escapingJump || facts.awaitIdentifier || facts.declare) return out;
  const a = facts.await ? 'async ' : '';
  const star = facts.yield ? '*' : '';
  if (!facts.yield) {
    out.push(
      (text) => `(${a}() => {\n${text}\n})();`,
      (text) => `setImmediate(${a}() => {\n${text}\n});`,
      (text) => `[0].forEach(${a}(fuzzItem) => {\n${text}\n});`,
      (text) => `process.nextTick(${a}() => {\n${text}\n});`,
    );
  }
  if (!facts.super) {
    out.push(
      (text, n) => `function${star} fuzzFunction${n}() {\n${text}\n}\nvoid fuzzFunction${n};`.replace('function', `${a}function`),
      (text) => `void (${a}function${star} () {\n${text}\n})();`,
      (text, n) => `const fuzzObject${n} = {\n${a}${star}run() {\n${text}\n},\n};`,
    );
    if (!facts.superCall) {
      out.push((text, n) => `class FuzzClass${n} {\n${a}${star}run() {\n${text}\n}\n}\nvoid new FuzzClass${n}().run();`);
      if (isTypeScript(language)) out.push((text, n) => `class FuzzClass${n}<T = unknown> {\n  private readonly value?: T;\n  protected ${a}${star}run(): any {\n${text}\n}\n}`);
    }
    if (!facts.await && !facts.yield && !facts.return && !facts.arguments && !facts.superCall) {
      out.push((text, n) => `class FuzzStatic${n} {\n  static {\n${text}\n  }\n}`);
    }
  }
  return out;
}

let wrapCounter = 0;

const MUTATIONS = {
  /** Renames one binding (variable, parameter, function, class, import) everywhere it is read or written. */
  rename({ code, parsed, random }) {
    const candidates = [];
    for (const scope of parsed.scopeManager.scopes) {
      if (scope.type === 'global') continue;
      for (const variable of scope.variables) {
        if (variable.defs.length === 0 || variable.name === 'arguments') continue;
        if (!variable.defs.every((def) => ['Variable', 'Parameter', 'FunctionName', 'ClassName', 'ImportBinding', 'CatchClause'].includes(def.type))) continue;
        candidates.push(variable);
      }
    }
    if (candidates.length === 0) return null;
    const variable = random.pick(candidates);
    const { parents } = walkNodes(parsed.ast);
    const name = variable.name;
    let replacement = `${random.pick(NAMES)}${random.chance(0.3) ? '' : random.between(1, 999)}`;
    if (new RegExp(`\\b${replacement}\\b`).test(code)) replacement = `${replacement}_${random.between(1000, 9999)}`;
    const identifiers = new Set([...variable.identifiers, ...variable.references.map((ref) => ref.identifier)]);
    const edits = [];
    for (const id of identifiers) {
      if (id.type !== 'Identifier' || code.slice(id.range[0], id.range[0] + name.length) !== name) return null;
      const parent = parents.get(id);
      const grand = parent ? parents.get(parent) : null;
      const at = { start: id.range[0], end: id.range[0] + name.length };
      if (parent?.type === 'Property' && parent.shorthand) edits.push({ ...at, text: `${name}: ${replacement}` });
      else if (parent?.type === 'AssignmentPattern' && parent.left === id && grand?.type === 'Property' && grand.shorthand) edits.push({ ...at, text: `${name}: ${replacement}` });
      else if (parent?.type === 'ImportSpecifier' && parent.imported.range[0] === id.range[0]) edits.push({ ...at, text: `${name} as ${replacement}` });
      else if (parent?.type === 'ExportSpecifier' && parent.exported.range[0] === id.range[0]) edits.push({ ...at, text: `${replacement} as ${name}` });
      else if (parent?.type === 'ExportSpecifier') edits.push({ ...at, text: replacement });
      else if (parent?.type === 'JSXExpressionContainer' || !String(parent?.type).startsWith('JSX')) edits.push({ ...at, text: replacement });
      else return null;
    }
    // A name whose occurrences overlap (key and value of one shorthand) is edited once.
    const unique = [...new Map(edits.map((edit) => [edit.start, edit])).values()];
    return { code: applyEdits(code, unique), note: `rename ${name} -> ${replacement}` };
  },

  /** Moves a run of statements into a block, try, loop, function, callback, class method or static block. */
  wrap({ code, parsed, random, language }) {
    const { nodes, parents } = walkNodes(parsed.ast);
    const lists = statementLists(nodes);
    if (lists.length === 0) return null;
    for (let attempt = 0; attempt < 6; attempt++) {
      const { statements } = random.pick(lists);
      const from = random.int(statements.length);
      const to = Math.min(statements.length - 1, from + random.int(3));
      const run = statements.slice(from, to + 1);
      if (run.some((s) => MODULE_ONLY.has(s.type) || s.declare)) continue;
      const facts = contentsOf(run, nodes, parents);
      const wrap = random.pick(wrappersFor(facts, language));
      const start = run[0].range[0];
      const end = run.at(-1).range[1];
      return { code: applyEdits(code, [{ start, end, text: wrap(code.slice(start, end), ++wrapCounter) }]), note: `wrap ${run.length} statement(s) at ${start}` };
    }
    return null;
  },

  /** JavaScript becomes TypeScript (or TypeScript gets more of it): annotations, casts, non-null, type arguments. */
  typescript({ code, parsed, random, language }) {
    const { nodes, parents } = walkNodes(parsed.ast);
    const edits = [];
    const type = () => random.pick(TYPES);
    const annotate = (node, end) => {
      if (!node.typeAnnotation && random.chance(0.5)) edits.push({ start: end, end, text: `: ${type()}` });
    };
    for (const node of nodes) {
      if (FUNCTION_TYPES.has(node.type) && node.type !== 'TSDeclareFunction' && node.type !== 'TSEmptyBodyFunctionExpression') {
        const parent = parents.get(node);
        if (parent?.type === 'MethodDefinition' && (parent.kind === 'get' || parent.kind === 'set')) continue;
        for (const param of node.params) {
          if (param.type === 'Identifier') {
            const end = param.range[0] + param.name.length;
            const bare = node.type === 'ArrowFunctionExpression' && node.params.length === 1 && !/^\(/.test(code.slice(node.range[0]).replace(/^async\s*/, ''));
            if (bare) {
              if (random.chance(0.5)) edits.push({ start: param.range[0], end: param.range[0], text: '(' }, { start: end, end, text: `: ${type()})` });
            } else if (!param.typeAnnotation && !param.optional) annotate(param, end);
          } else if (param.type === 'AssignmentPattern' && param.left.type === 'Identifier' && !param.left.typeAnnotation) {
            annotate(param.left, param.left.range[0] + param.left.name.length);
          } else if (param.type === 'RestElement' && param.argument.type === 'Identifier' && !param.typeAnnotation) {
            if (random.chance(0.5)) edits.push({ start: param.argument.range[1], end: param.argument.range[1], text: ': any[]' });
          } else if ((param.type === 'ObjectPattern' || param.type === 'ArrayPattern') && !param.typeAnnotation) {
            annotate(param, param.range[1]);
          }
        }
      } else if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && !node.id.typeAnnotation && node.init && !node.definite) {
        const declaration = parents.get(node);
        const holder = parents.get(declaration);
        if (holder?.type !== 'ForInStatement' && holder?.type !== 'ForOfStatement' && random.chance(0.3)) annotate(node.id, node.id.range[0] + node.id.name.length);
      } else if (node.type === 'PropertyDefinition' && !node.computed && !node.typeAnnotation && (node.key.type === 'Identifier' || node.key.type === 'PrivateIdentifier')) {
        if (random.chance(0.4)) edits.push({ start: node.key.range[1], end: node.key.range[1], text: `: ${type()}` });
      } else if (node.type === 'CallExpression' && !node.optional) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && !node.typeArguments && random.chance(0.15)) edits.push({ start: callee.range[1], end: callee.range[1], text: '<any>' });
        // `!` right after the object, never inside the parentheses around it (`(x as T!)` is no expression).
        if (callee.type === 'MemberExpression' && !callee.optional && callee.object.type !== 'Super' && code[callee.object.range[1]] === '.' && random.chance(0.2)) {
          edits.push({ start: callee.object.range[1], end: callee.object.range[1], text: '!' });
        }
        for (const arg of node.arguments) {
          if (arg.type !== 'SpreadElement' && random.chance(0.08)) edits.push({ start: arg.range[0], end: arg.range[0], text: '((' }, { start: arg.range[1], end: arg.range[1], text: ') as any)' });
        }
      }
    }
    const target = isTypeScript(language) ? language : { js: 'ts', mjs: 'mts', cjs: 'cts', jsx: 'tsx' }[language];
    let next = applyEdits(code, edits);
    if (random.chance(0.3)) {
      const n = ++wrapCounter;
      next += `\nnamespace FuzzSpace${n} {\n  export const seen = new WeakSet<object>();\n}\nenum FuzzState${n} { Idle, Open = 'open' }\ntype FuzzHandler${n}<T extends unknown[] = []> = (...args: T) => void;\n`;
    }
    return { code: next, language: target, note: `typescript (${edits.length} edits)` };
  },

  /** Adds a listener on a function's first parameter (or on this.socket) at the top of its body. */
  register({ code, parsed, random }) {
    const { nodes } = walkNodes(parsed.ast);
    const functions = nodes.filter((n) => (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') && n.body?.type === 'BlockStatement');
    if (functions.length === 0) return null;
    const fn = random.pick(functions);
    const first = fn.params[0];
    const receiver = first?.type === 'Identifier' ? first.name : first?.type === 'TSParameterProperty' && first.parameter.type === 'Identifier' ? first.parameter.name : random.pick(['process', 'this.socket', 'globalThis.process']);
    const method = random.pick(['on', 'once', 'addListener', 'prependListener']);
    const event = random.pick(['close', 'error', 'data', 'end', 'timeout', 'SIGINT']);
    const statement = random.pick([
      `${receiver}.${method}('${event}', () => {});`,
      `${receiver}?.${method}?.('${event}', function () {});`,
      `${receiver}['${method}']('${event}', (error) => void error);`,
      `${receiver}.removeAllListeners('${event}');`,
      `${receiver}.setMaxListeners(0);`,
    ]);
    const at = fn.body.range[0] + 1;
    return { code: applyEdits(code, [{ start: at, end: at, text: `\n${statement}\n` }]), note: `register on ${receiver}` };
  },

  /** `a.on(...)` becomes `a?.on(...)`, `a.on?.(...)` or `a['on'](...)`. */
  member({ code, parsed, random }) {
    const { nodes } = walkNodes(parsed.ast);
    const calls = nodes.filter((n) => n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && !n.callee.computed && n.callee.property.type === 'Identifier' && n.callee.object.type !== 'Super');
    if (calls.length === 0) return null;
    const edits = [];
    for (const call of random.shuffle(calls).slice(0, random.between(1, 5))) {
      const { object, property } = call.callee;
      const between = code.slice(object.range[1], property.range[0]);
      if (between.trim() !== '.') continue;
      const form = random.int(3);
      if (form === 0) edits.push({ start: object.range[1], end: property.range[0], text: '?.' });
      else if (form === 1 && !call.optional && !call.typeArguments) edits.push({ start: property.range[1], end: property.range[1], text: '?.' });
      else edits.push({ start: object.range[1], end: property.range[1], text: `['${property.name}']` });
    }
    if (edits.length === 0) return null;
    return { code: applyEdits(code, edits), note: `member calls (${edits.length})` };
  },

  /** Deletes a statement, or repeats an expression statement. */
  statement({ code, parsed, random }) {
    const { nodes } = walkNodes(parsed.ast);
    const lists = statementLists(nodes);
    const all = lists.flatMap((list) => list.statements).filter((s) => !MODULE_ONLY.has(s.type));
    if (all.length === 0) return null;
    if (random.chance(0.5)) {
      const expressions = all.filter((s) => s.type === 'ExpressionStatement' && !s.directive);
      if (expressions.length) {
        const s = random.pick(expressions);
        return { code: applyEdits(code, [{ start: s.range[1], end: s.range[1], text: `\n${code.slice(...s.range)}` }]), note: 'repeat a statement' };
      }
    }
    const s = random.pick(all);
    return { code: applyEdits(code, [{ start: s.range[0], end: s.range[1], text: ';' }]), note: 'delete a statement' };
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/**
 * Applies 1 to `max` random mutations to a program. Each step must parse with typescript-estree (the parse the next
 * step needs anyway); the result must then pass `valid(code, filename, language)`, the harness's check with every
 * parser of its language (espree too, for JavaScript). A step that fails is dropped and counted in `rejected`, and
 * when the result fails, steps are undone from the last until it passes.
 */
export function mutateProgram(program, random, { valid, max = 4, attempts = 12 }) {
  const versions = [{ code: program.code, language: program.language, note: null }];
  const rejected = [];
  let parsed = parseForMutation(program.code, program.language);
  const wanted = random.between(1, max);
  for (let tries = 0; parsed && versions.length <= wanted && tries < attempts; tries++) {
    const { code, language } = versions.at(-1);
    const name = random.weighted([[3, 'rename'], [4, 'wrap'], [isTypeScript(language) ? 1 : 2, 'typescript'], [2, 'register'], [1.5, 'member'], [1, 'statement']]);
    const result = MUTATIONS[name]({ code, parsed, random, language });
    if (!result) continue;
    const nextLanguage = result.language ?? language;
    const nextParsed = parseForMutation(result.code, nextLanguage);
    if (!nextParsed) {
      rejected.push(`${name}: ${result.note}`);
      continue;
    }
    parsed = nextParsed;
    versions.push({ code: result.code, language: nextLanguage, note: result.note });
  }
  while (versions.length > 1) {
    const last = versions.at(-1);
    if (valid(last.code, `program${EXTENSIONS[last.language]}`, last.language)) break;
    rejected.push(`${last.note} (another parser)`);
    versions.pop();
  }
  const { code, language } = versions.at(-1);
  return { ...program, code, language, filename: `program${EXTENSIONS[language]}`, mutations: versions.slice(1).map((v) => v.note), rejected };
}

export { languageOf };
