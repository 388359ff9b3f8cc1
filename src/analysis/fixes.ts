// Question 4: what would fix it? Text edits for editor suggestions: guard the registration with a
// module-level WeakSet (once per emitter), or remove the same listener when the request's response closes.
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { isInside, isReference, memberPath, pushChildNodes, rootOf, unwrap } from './ast.js';
import { bindingKey } from './bindings.js';
import type { FileIndex } from './file-index.js';
import { requiredModule } from './modules.js';
import { shownEvent, type Registration } from './registrations.js';
import type { Frame } from './repeating-contexts.js';

export interface TextEdit {
  readonly range: readonly [number, number];
  readonly text: string;
}

export type SuggestionId = 'guardWithWeakSet' | 'removeWhenRequestEnds';

export interface FixSuggestion {
  readonly messageId: SuggestionId;
  readonly data: Record<string, string>;
  readonly edits: readonly TextEdit[];
}

/**
 * The statement that is nothing but the registration (`socket.on(...)`, `res.socket?.on(...)`). Not an awaited
 * one (`await once(socket, 'drain')`): skipping the wait on later requests would change what the code does.
 */
export function statementOf(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | null {
  let parent: TSESTree.Node = call.parent;
  while (parent.type === AST_NODE_TYPES.ChainExpression) parent = parent.parent;
  return parent.type === AST_NODE_TYPES.ExpressionStatement ? parent : null;
}

/** The whitespace that starts the line `offset` is on, up to it. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

function uniqueName(index: FileIndex, base: string): string {
  let name = base;
  for (let n = 2; index.isNameTaken(name); n++) name = `${base}${n}`;
  return name;
}

function capitalized(event: string): string {
  const words = event.replace(/[^A-Za-z0-9]+/g, ' ').trim();
  return words.length === 0 ? 'Event' : words.split(' ').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** An insertion at the start of the code: after a `#!` line, which must stay first. */
function startOfCode(text: string, inserted: string): TextEdit {
  if (!text.startsWith('#!')) return { range: [0, 0], text: inserted };
  const end = text.indexOf('\n');
  return end === -1 ? { range: [text.length, text.length], text: `\n${inserted}` } : { range: [end + 1, end + 1], text: inserted };
}

/** Where a module-level declaration goes: after the imports and requires at the top, or at the start. */
function declarationOffset(program: TSESTree.Program): number {
  let offset = -1;
  for (const statement of program.body) {
    const isImport = statement.type === AST_NODE_TYPES.ImportDeclaration;
    const isDirective = statement.type === AST_NODE_TYPES.ExpressionStatement && statement.directive !== undefined;
    const isRequire =
      statement.type === AST_NODE_TYPES.VariableDeclaration &&
      statement.declarations.some((d) => requiredModule(d.init) !== null);
    if (isImport || isDirective || isRequire) offset = statement.range[1];
    else break;
  }
  return offset;
}

/**
 * Does the listener hold on to something of this run (`res`, a per-call id)? Then attaching it for the first
 * run only would leave every later run without its listener: a WeakSet guard is no fix. The receiver itself
 * (`socket` in `track(socket)`) is the same emitter on every run the guard lets through, so it may be used.
 */
function capturesRunState(index: FileIndex, handler: TSESTree.Node, frame: Frame, receiver: TSESTree.Node): boolean {
  const root = rootOf(receiver);
  const receiverVariable = root === unwrap(receiver) ? index.variableOf.get(root) : undefined;
  const stack: TSESTree.Node[] = [handler];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === AST_NODE_TYPES.Identifier && isReference(node)) {
      const variable = index.variableOf.get(node);
      const declared = variable?.identifiers[0];
      if (variable && declared && variable !== receiverVariable && isInside(declared, frame.node) && !isInside(declared, handler)) return true;
    }
    pushChildNodes(stack, node);
  }
  return false;
}

export function guardWithWeakSet(index: FileIndex, registration: Registration, frame: Frame): FixSuggestion | null {
  const statement = statementOf(registration.call);
  const receiverPath = memberPath(registration.receiver);
  if (!statement || receiverPath === null || registration.event.value === null) return null;
  if (registration.handler && capturesRunState(index, registration.handler, frame, registration.receiver)) return null;
  const { text, ast } = index.input;
  const receiver = text.slice(unwrap(registration.receiver).range[0], unwrap(registration.receiver).range[1]);
  const noun = /socket|sock$|conn/i.test(receiverPath) ? 'sockets' : 'emitters';
  const setName = uniqueName(index, `${noun}With${capitalized(registration.event.value)}Listener`);
  const indent = indentationAt(text, statement.range[0]);
  const original = text.slice(statement.range[0], statement.range[1]).replace(/\n/g, '\n  ');
  const guarded = `if (!${setName}.has(${receiver})) {\n${indent}  ${setName}.add(${receiver});\n${indent}  ${original}\n${indent}}`;
  const at = declarationOffset(ast);
  const declaration = `const ${setName} = new WeakSet();`;
  const declarationEdit: TextEdit = at === -1 ? startOfCode(text, `${declaration}\n\n`) : { range: [at, at], text: `\n${declaration}` };
  return {
    messageId: 'guardWithWeakSet',
    data: { event: shownEvent(registration.event), setName },
    edits: [declarationEdit, { range: statement.range, text: guarded }],
  };
}

/** The request's own response in scope at the frame: `res` of `(req, res)`, the client callback's `res`, Koa's `ctx.res`. */
function responseInScope(frame: Frame): string | null {
  const fn = frame.fn;
  if (!fn) return null;
  const [first, second] = fn.node.params.map((p) => (p.type === AST_NODE_TYPES.Identifier ? p.name : ''));
  if (second !== undefined && /^(res|response)$/.test(second)) return second;
  if (first !== undefined && /^(res|response|incoming)$/.test(first)) return first;
  if (first === 'ctx') return 'ctx.res';
  return null;
}

export function removeWhenRequestEnds(index: FileIndex, registration: Registration, frame: Frame): FixSuggestion | null {
  if (registration.form !== 'method' || registration.once || !registration.handler) return null;
  const statement = statementOf(registration.call);
  const receiverPath = memberPath(registration.receiver);
  const handlerPath = memberPath(registration.handler);
  const response = responseInScope(frame);
  if (!statement || receiverPath === null || handlerPath === null || response === null) return null;
  if (bindingKey(index, registration.handler) === null) return null;
  const { text } = index.input;
  const span = (node: TSESTree.Node): string => text.slice(node.range[0], node.range[1]);
  const removal = registration.method === 'addEventListener' ? 'removeEventListener' : 'removeListener';
  const event = registration.call.arguments[0];
  if (!event) return null;
  const indent = indentationAt(text, statement.range[0]);
  const removalStatement = `${response}.once('close', () => ${span(unwrap(registration.receiver))}.${removal}(${span(event)}, ${span(registration.handler)}));`;
  // `if (onError) socket.on('error', onError);`: the removal belongs under the same condition, so both go in a block.
  if (!STATEMENT_LISTS.has(statement.parent.type)) {
    const block = `{\n${indent}  ${span(statement)}\n${indent}  ${removalStatement}\n${indent}}`;
    return { messageId: 'removeWhenRequestEnds', data: { endEmitter: response }, edits: [{ range: statement.range, text: block }] };
  }
  return {
    messageId: 'removeWhenRequestEnds',
    data: { endEmitter: response },
    edits: [{ range: [statement.range[1], statement.range[1]], text: `\n${indent}${removalStatement}` }],
  };
}

const STATEMENT_LISTS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.BlockStatement,
  AST_NODE_TYPES.Program,
  AST_NODE_TYPES.StaticBlock,
  AST_NODE_TYPES.SwitchCase,
]);
