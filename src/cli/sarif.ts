// `listener-leak scan --format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Paths are relative to
// %SRCROOT% (the repository's top), the chain of calls becomes related locations linked from the message and a
// code flow, and each result carries a fingerprint that survives lines moving above it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { ChainStep } from '../analysis/index.js';
import { packageInfo } from '../package-info.js';
import type { ScanError, ScanFinding, ScanResult } from './scan-report.js';

/** What SARIF needs to know of a rule: ESLint's id and the rule's own metadata. */
export interface RuleDescription {
  readonly id: string;
  readonly description: string;
  readonly docsUrl: string | undefined;
  /** The page under docs/rules, for the help GitHub shows beside an alert. */
  readonly docsPath: string;
  /** The level the recommended config gives it. */
  readonly level: 'error' | 'warning';
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT = 'listenerLeak/v1';
const DOCS_HEADER_END = '<!-- end auto-generated rule header -->';

export function sarifLog(result: ScanResult, rules: readonly RuleDescription[], srcRoot: string): Sarif.Log {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const fingerprints = new FingerprintCounter();
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: packageInfo.name,
        version: packageInfo.version,
        semanticVersion: packageInfo.version,
        informationUri: informationUri(rules),
        rules: rules.map(reportingDescriptor),
      },
    },
    originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(srcRoot.endsWith(sep) ? srcRoot : srcRoot + sep).href } },
    columnKind: 'utf16CodeUnits',
    invocations: [
      {
        executionSuccessful: true,
        toolExecutionNotifications: result.errors.map((error) => notification(error, srcRoot)),
      },
    ],
    results: result.findings.map((finding) => sarifResult(finding, ruleIndex.get(finding.ruleId), srcRoot, fingerprints)),
  };
  return { $schema: SCHEMA, version: '2.1.0', runs: [run] };
}

function informationUri(rules: readonly RuleDescription[]): string | undefined {
  const docs = rules.find((rule) => rule.docsUrl !== undefined)?.docsUrl;
  // The docs live in the repository: its top page is the tool's.
  return docs?.replace(/\/blob\/[^/]+\/docs\/.*$/, '#readme');
}

function reportingDescriptor(rule: RuleDescription): Sarif.ReportingDescriptor {
  const doc = readDoc(rule.docsPath);
  return {
    id: rule.id,
    name: rule.id.replace(/^.*\//, ''),
    shortDescription: { text: `${rule.description}.` },
    fullDescription: { text: (doc && firstParagraphOf(doc, '## Why')) ?? `${rule.description}.` },
    ...(rule.docsUrl === undefined ? {} : { helpUri: rule.docsUrl }),
    ...(doc === null ? {} : { help: { text: `${rule.description}. See ${rule.docsUrl ?? rule.docsPath}.`, markdown: doc } }),
    defaultConfiguration: { level: rule.level },
    properties: { tags: ['reliability', 'memory-leak', 'event-listener'], 'problem.severity': rule.level },
  };
}

/** The rule's page without its generated header; null when the package ships no docs. */
function readDoc(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null; // SARIF stays valid without help text; helpUri still points at the page
  }
  const end = text.indexOf(DOCS_HEADER_END);
  return (end === -1 ? text : text.slice(end + DOCS_HEADER_END.length)).trim();
}

function firstParagraphOf(doc: string, heading: string): string | undefined {
  const start = doc.indexOf(`${heading}\n`);
  if (start === -1) return undefined;
  const paragraph = doc.slice(start + heading.length).trim().split(/\n\s*\n/)[0];
  return paragraph?.replace(/\s*\n\s*/g, ' ');
}

function artifactLocation(path: string, srcRoot: string): Sarif.ArtifactLocation {
  const rel = relative(srcRoot, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(path).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function stepLocation(step: ChainStep, srcRoot: string): Sarif.PhysicalLocation {
  return { artifactLocation: artifactLocation(step.path, srcRoot), region: { startLine: step.line, startColumn: step.column } };
}

/** Link text in a SARIF message: brackets would end the link early. */
function linkText(text: string): string {
  return text.replace(/[[\]\\]/g, (character) => `\\${character}`);
}

function sarifResult(finding: ScanFinding, ruleIndex: number | undefined, srcRoot: string, fingerprints: FingerprintCounter): Sarif.Result {
  // Every step before the registration itself is a related location; the message links to each (GitHub shows
  // related locations only where a message links to them).
  const steps = finding.chain.slice(0, -1);
  const registration = finding.chain.at(-1);
  const links = steps.map((step, index) => `[${linkText(step.name)}](${String(index + 1)})`);
  if (registration) links.push(registration.name);
  const location: Sarif.Location = {
    physicalLocation: {
      artifactLocation: artifactLocation(finding.path, srcRoot),
      region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
    },
  };
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: 'error',
    message: { text: steps.length === 0 ? finding.message : `${finding.message}\nCalled through: ${links.join(' -> ')}.` },
    locations: [location],
    relatedLocations: steps.map((step, index) => ({ id: index + 1, physicalLocation: stepLocation(step, srcRoot), message: { text: step.name } })),
    codeFlows: [
      {
        message: { text: `How ${registration?.name ?? 'the registration'} comes to run again and again` },
        threadFlows: [
          {
            locations: finding.chain.map((step) => ({ location: { physicalLocation: stepLocation(step, srcRoot), message: { text: step.name } } })),
          },
        ],
      },
    ],
    partialFingerprints: { [FINGERPRINT]: fingerprints.next(finding, srcRoot) },
  };
}

/**
 * What identifies a finding across commits without its line: the rule, file, kind, receiver, event and the chain's
 * names. Findings alike in all of these are told apart by their order in the file.
 */
class FingerprintCounter {
  private readonly seen = new Map<string, number>();

  next(finding: ScanFinding, srcRoot: string): string {
    const identity = [
      finding.ruleId,
      relative(srcRoot, finding.path).split(sep).join('/'),
      finding.kind,
      finding.data.receiver ?? '',
      finding.data.event ?? '',
      ...finding.chain.map((step) => step.name),
    ].join('\0');
    const hash = createHash('sha256').update(identity).digest('hex').slice(0, 32);
    const occurrence = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, occurrence);
    return `${hash}:${String(occurrence)}`;
  }
}

function notification(error: ScanError, srcRoot: string): Sarif.Notification {
  const region = error.line === null ? {} : { region: { startLine: error.line, startColumn: error.column ?? 1 } };
  return {
    level: 'error',
    message: { text: `${error.message} (the file was not scanned)` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(error.path, srcRoot), ...region } }],
  };
}

/** docs/rules/<name>.md inside the installed package. */
export function rulesDocPath(name: string): string {
  return join(packageInfo.root, 'docs', 'rules', `${name}.md`);
}
