// The detector: asks the four questions for every registration of a file, once per file, and returns
// findings with their evidence. Rules, codemods and the scan command all read these findings.
import type { TSESTree } from '@typescript-eslint/utils';
import { describeNode, line } from './ast.js';
import { callGraphOf, type CallGraph } from './call-graph.js';
import { fileIndexOf, indexedNodesOf, type AnalysisInput, type FileIndex } from './file-index.js';
import { guardWithWeakSet, removeWhenRequestEnds, type FixSuggestion } from './fixes.js';
import { findReconnectsAfterTeardown } from './teardown-reconnects.js';
import { buildPairingFinder, type Pairing, type PairingFinder, type Problem } from './pairing.js';
import { buildReceivers, type Lifetime, type ReceiverOptions, type Receivers } from './receivers.js';
import { shownEvent, type Registration } from './registrations.js';
import { describeRepeat } from './repeat-description.js';
import { buildRepeatingContexts, type ExternalCaller, type Frame, type RepeatingContexts, type RepeatOptions } from './repeating-contexts.js';
import type { TypeOracle } from './types.js';
import { DEFAULT_SETUP_FUNCTIONS } from './vocabulary.js';

export type { AnalysisInput, FileIndex } from './file-index.js';
export { FUNCTION_NODE_TYPES } from './ast.js';
export { INDEXED_NODE_TYPES, IndexedNodeList, type IndexedNodes } from './file-index.js';
export type { Registration } from './registrations.js';
export { mayRegisterText } from './registrations.js';
export type { ChainStep, ExternalCaller, Frame, RepeatReason } from './repeating-contexts.js';
export type { Lifetime } from './receivers.js';
export type { Pairing, Problem } from './pairing.js';
export type { FixSuggestion, TextEdit, SuggestionId } from './fixes.js';

export interface DetectorOptions {
  /** Extra names of functions and methods that run once per request. */
  readonly perRequestFunctions?: readonly string[];
  /** Extra names of functions that run once (setup); added to the defaults. */
  readonly setupFunctions?: readonly string[];
  /** Names or member paths of emitters that always outlive a request (`bus`, `this.events`). */
  readonly longLivedReceivers?: readonly string[];
  /** Events never reported. */
  readonly ignoreEvents?: readonly string[];
  /** Calls into this file from repeating code in other files (set by the project analysis, not by users). */
  readonly externalCallers?: readonly ExternalCaller[];
}

export type FindingKind =
  | 'perRequestListener'
  | 'onceOnLongLived'
  | 'removedWithDifferentFunction'
  | 'removedOnlyOnClose'
  | 'removedTooLate'
  | 'removeAllListenersIsNotAFix'
  // Lifecycles (src/analysis/lifecycles.ts): connect/start run again on the same client.
  | 'lifecycleListener'
  | 'removedOutsideTeardown'
  | 'removedOnlyInTeardown'
  | 'reconnectsAfterTeardown';

export interface Finding {
  readonly kind: FindingKind;
  readonly registration: Registration;
  /** The node to report: the registration call. */
  readonly node: TSESTree.CallExpression;
  readonly frame: Frame;
  readonly lifetime: Extract<Lifetime, { kind: 'long-lived' }>;
  readonly pairing: Extract<Pairing, { kind: 'unpaired' }>;
  /** Message data: receiver, event, lifetime, context, removalLine, closeEvent. */
  readonly data: Record<string, string>;
  /** Lines that prove it: where it repeats, where the receiver comes from, the removal that does not pair. */
  readonly evidence: readonly { readonly line: number; readonly what: string }[];
  readonly suggestions: readonly FixSuggestion[];
}

export interface FileAnalysis {
  readonly findings: readonly Finding[];
  /** The tables the findings were read from, for the questions asked after them (the codemod's tracker plans). */
  readonly index: FileIndex | null;
  readonly contexts: RepeatingContexts | null;
  readonly graph: CallGraph | null;
  readonly receivers: Receivers | null;
}

const KIND_OF_PROBLEM: Record<Problem, FindingKind> = {
  none: 'perRequestListener',
  once: 'onceOnLongLived',
  'different-function': 'removedWithDifferentFunction',
  'only-on-close': 'removedOnlyOnClose',
  'too-late': 'removedTooLate',
  'remove-all': 'removeAllListenersIsNotAFix',
  'not-in-teardown': 'lifecycleListener',
  'outside-teardown': 'removedOutsideTeardown',
  'only-in-teardown': 'removedOnlyInTeardown',
  'reconnects-after-teardown': 'reconnectsAfterTeardown',
};

/** Analyses of a tree by options; those made with a type oracle held weakly by it, as its indexes are (file-index.ts). */
interface TreeAnalyses {
  readonly plain: Map<string, FileAnalysis>;
  /** Made when a typed input first asks: most lints have no types. */
  typed: WeakMap<TypeOracle, Map<string, FileAnalysis>> | null;
}
const cache = new WeakMap<TSESTree.Program, TreeAnalyses>();

/**
 * Analyses a parsed file; the result is cached per AST, type oracle and options, so every rule shares one run. A file
 * with no registration is skipped early unless `everyFile` (the project analysis needs the calls of every file).
 */
export function analyzeFile(input: AnalysisInput, options: DetectorOptions = {}, everyFile = false): FileAnalysis {
  const settings = settingsOf(options);
  const optionsKey = everyFile ? `all${settings.key}` : settings.key;
  let tree = cache.get(input.ast);
  if (!tree) cache.set(input.ast, (tree = { plain: new Map(), typed: null }));
  let byOptions = tree.plain;
  if (input.types) {
    tree.typed ??= new WeakMap();
    let typed = tree.typed.get(input.types);
    if (!typed) tree.typed.set(input.types, (typed = new Map<string, FileAnalysis>()));
    byOptions = typed;
  }
  const cached = byOptions.get(optionsKey);
  if (cached) return cached;
  const result = runAnalysis(input, settings, everyFile);
  byOptions.set(optionsKey, result);
  return result;
}

const NO_FINDINGS: readonly Finding[] = [];

/** The options as the analysis reads them (name sets), and as the key of its cache. */
interface Settings {
  readonly key: string;
  readonly repeat: RepeatOptions;
  readonly receivers: ReceiverOptions;
  readonly ignoreEvents: ReadonlySet<string>;
}
/**
 * By options object: a rule passes the same one for every file it lints with the same configuration, and these were
 * made again for each file (a JSON key and four sets), which costs more than the analysis of a file with nothing in it.
 */
const settingsByOptions = new WeakMap<DetectorOptions, Settings>();

function settingsOf(options: DetectorOptions): Settings {
  let settings = settingsByOptions.get(options);
  if (!settings) {
    const externalCallers = options.externalCallers ?? [];
    settings = {
      key: JSON.stringify(options),
      repeat: {
        perRequestFunctions: new Set(options.perRequestFunctions ?? []),
        externalCallers,
        setupFunctions: new Set([...DEFAULT_SETUP_FUNCTIONS, ...(options.setupFunctions ?? [])]),
      },
      receivers: { longLivedReceivers: new Set(options.longLivedReceivers ?? []), externalCallers },
      ignoreEvents: new Set(options.ignoreEvents ?? []),
    };
    settingsByOptions.set(options, settings);
  }
  return settings;
}

function runAnalysis(input: AnalysisInput, settings: Settings, everyFile: boolean): FileAnalysis {
  const { mayRegister } = indexedNodesOf(input);
  if (!everyFile && !mayRegister) return { findings: NO_FINDINGS, index: null, contexts: null, graph: null, receivers: null };
  const index = fileIndexOf(input);
  if (!everyFile && index.registrations.length === 0) return { findings: NO_FINDINGS, index, contexts: null, graph: null, receivers: null };
  const findings: Finding[] = [];

  const graph = callGraphOf(index);
  const contexts = buildRepeatingContexts(index, graph, settings.repeat);
  const receivers = buildReceivers(index, graph, contexts, settings.receivers);
  // Built for the first registration that asks: in most files none repeats on a long-lived receiver, and the finder
  // groups every removal, registration and teardown call of the file by receiver before its first answer.
  let pairing: PairingFinder | null = null;
  const ignored = settings.ignoreEvents;

  for (const registration of index.registrations) {
    if (registration.event.value !== null && ignored.has(registration.event.value)) continue;
    const frame = contexts.frameOf(registration.call);
    if (!frame) continue;
    const lifetime = receivers.lifetimeOf(registration.receiver, frame, registration.call);
    if (lifetime.kind !== 'long-lived') continue;
    pairing ??= buildPairingFinder(index, graph, contexts, receivers);
    const paired = pairing.pairingOf(registration, frame);
    if (paired.kind !== 'unpaired') continue;
    // With types: `router.on('/path', ...)` on something that is no emitter is no registration. Asked last, of what
    // would be reported: the type of an expression can cost the checker real work.
    if (input.types?.receiverType(registration.receiver) === 'non-emitter') continue;
    findings.push(makeFinding(index, registration, frame, lifetime, paired));
  }
  findings.push(...findReconnectsAfterTeardown(index, graph, contexts));
  return { findings, index, contexts, graph, receivers };
}

function makeFinding(
  index: FileIndex,
  registration: Registration,
  frame: Frame,
  lifetime: Extract<Lifetime, { kind: 'long-lived' }>,
  paired: Extract<Pairing, { kind: 'unpaired' }>,
): Finding {
  const repeat = describeRepeat(frame.reason);
  const receiver = describeNode(index.input.text, registration.receiver);
  const data: Record<string, string> = {
    receiver,
    event: shownEvent(registration.event),
    lifetime: lifetime.what,
    context: `${repeat.often}: ${repeat.detail}`,
    removalLine: paired.evidence ? String(line(paired.evidence)) : '',
    closeEvent: paired.closeEvent ?? '',
    ...paired.data,
  };
  const evidence = [
    { line: repeat.line, what: `repeats ${repeat.often}` },
    { line: line(lifetime.evidence), what: `${receiver} is ${lifetime.what}` },
    ...(paired.evidence ? [{ line: line(paired.evidence), what: 'the removal that does not pair' }] : []),
  ];
  // A lifecycle's fix is a removal in its teardown (the teardown codemod): a WeakSet guard on a shared emitter would
  // leave every later instance without its listener.
  const suggestions = paired.lifecycle === true
    ? []
    : [guardWithWeakSet(index, registration, frame), removeWhenRequestEnds(index, registration, frame)].filter((s): s is FixSuggestion => s !== null);
  return {
    kind: KIND_OF_PROBLEM[paired.problem],
    registration,
    node: registration.call,
    frame,
    lifetime,
    pairing: paired,
    data,
    evidence,
    suggestions,
  };
}
