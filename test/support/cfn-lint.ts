import { spawnSync } from 'node:child_process';

/**
 * AWS's CloudFormation linter (`cfn-lint`, Python; on this project's machines with the image's Python, not from
 * npm), run on synthesized templates. Its findings are the deployability check that synthesis alone is not: a
 * template can synthesize and still be refused by CloudFormation (a Lambda runtime whose creation is disabled).
 */

/** One finding of `cfn-lint --format parseable`: `file:line:col:endLine:endCol:RULE:message`. */
export interface LintFinding {
  readonly file: string;
  readonly rule: string;
  readonly message: string;
}

/**
 * The warnings our templates may have, each with the reason it is harmless. Anything else — every error (`E…`)
 * and any other warning — fails the check.
 */
export const HARMLESS_WARNINGS: Readonly<Record<string, string>> = {
  W3005: 'CDK adds an explicit DependsOn from each function (and state machine) to its role\'s default policy and role, '
    + 'which a GetAtt of the role already implies: redundant, and CloudFormation deploys it as written',
};

/** cfn-lint's version, or undefined when it is not on this machine. */
export function cfnLintVersion(): string | undefined {
  const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Lints the templates (one cfn-lint process for all: its start-up is most of its time) and returns every finding. */
export function lintTemplates(files: readonly string[]): LintFinding[] {
  const run = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // Exit codes are a bit mask of the kinds found (2 errors, 4 warnings, 8 informational); an odd one is cfn-lint failing itself.
  if (run.status === null || run.status % 2 === 1) throw new Error(`cfn-lint failed (exit ${run.status}): ${run.stderr}${run.stdout}`);
  return run.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const match = /^(.*?):\d+:\d+:\d+:\d+:([A-Z]\d+):(.*)$/.exec(line);
    if (!match) throw new Error(`unexpected cfn-lint output: ${line}`);
    return { file: match[1], rule: match[2], message: match[3] };
  });
}

/** The findings that are not harmless warnings: what a template must have none of. */
export function lintProblems(findings: readonly LintFinding[]): LintFinding[] {
  return findings.filter((finding) => !(finding.rule in HARMLESS_WARNINGS));
}

/**
 * Whether cfn-lint can run here. CI must have it (`CI` set: the check fails without it); elsewhere its absence
 * is reported on the console and the lint tests are skipped, never silently passed.
 */
export function requireCfnLint(): boolean {
  if (cfnLintVersion() !== undefined) return true;
  if (process.env.CI) throw new Error('cfn-lint is not installed: CI lints every synthesized template with it (it comes with the machine image\'s Python)');
  process.stderr.write('NOTICE: cfn-lint is not installed on this machine: the template lint tests are skipped (CI runs them).\n');
  return false;
}
