// The scan itself, loaded only when `listener-leak scan` runs: the project analysis over the loaded files, its
// findings told in the words of the rule (its message templates, filled in) and kept to the paths asked about.
import plugin from '../../rules/index.js';
import type { Finding } from '../analysis/index.js';
import { analyzeProject } from '../analysis/project.js';
import { gitWorkTree } from './files.js';
import type { LoadedProject } from './project-loader.js';
import { rulesDocPath, type RuleDescription } from './sarif.js';
import type { ScanError, ScanFinding, ScanResult } from './scan-report.js';

const RULE_NAME = 'no-per-request-listener';
const RULE_ID = `${plugin.meta.namespace}/${RULE_NAME}`;

/** `{{name}}` placeholders filled as ESLint fills them: a placeholder without data stays as written. */
export function fillMessage(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (placeholder, key: string) => (Object.hasOwn(data, key) ? data[key]! : placeholder));
}

const rule = plugin.rules[RULE_NAME];

function toScanFinding(path: string, finding: Finding, chain: ScanFinding['chain']): ScanFinding {
  const { start, end } = finding.node.loc;
  return {
    ruleId: RULE_ID,
    kind: finding.kind,
    path,
    line: start.line,
    column: start.column + 1,
    endLine: end.line,
    endColumn: end.column + 1,
    message: fillMessage(rule.meta.messages[finding.kind], finding.data),
    data: finding.data,
    chain,
    evidence: finding.evidence,
  };
}

function compareLocations(a: { path: string; line: number | null; column: number | null }, b: typeof a): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** Analyses the loaded project and keeps what lies under the given paths. */
export function scanProject(project: LoadedProject, root: string): ScanResult {
  const analysis = analyzeProject(project.files, { root, resolveModule: project.resolveModule });
  const isReported = (path: string): boolean => project.reported === null || project.reported.has(path);
  const findings = analysis.findings.filter((f) => isReported(f.path)).map((f) => toScanFinding(f.path, f.finding, f.chain));
  const errors: ScanError[] = [...project.unreadable.map((e) => ({ ...e, line: null, column: null })), ...analysis.errors].filter((e) => isReported(e.path));
  return {
    findings: findings.sort(compareLocations),
    errors: errors.sort(compareLocations),
    filesScanned: project.reported?.size ?? project.files.length + project.unreadable.length,
    filesAnalysed: project.files.length,
    configs: project.configs,
  };
}

/** The top of the git work tree, where GitHub resolves SARIF paths; the working directory outside git. */
export function sourceRoot(cwd: string): string {
  try {
    return gitWorkTree(cwd) ?? cwd;
  } catch {
    return cwd; // git is there but refuses this directory: paths relative to where the scan ran
  }
}

export function ruleDescriptions(): RuleDescription[] {
  const setting = plugin.configs.recommended.rules?.[RULE_ID];
  const level = Array.isArray(setting) ? setting[0] : setting;
  const docs = rule.meta.docs;
  return [
    {
      id: RULE_ID,
      description: docs?.description ?? RULE_NAME,
      docsUrl: docs?.url,
      docsPath: rulesDocPath(RULE_NAME),
      level: level === 'warn' || level === 1 ? 'warning' : 'error',
    },
  ];
}

