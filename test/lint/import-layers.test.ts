/**
 * The import layers of .projenrc.ts (projenrc/import-layers.ts) as the generated .eslintrc.json holds them: a
 * wrong import written in each protected place is refused, a right one is not. Lints source text placed at a path,
 * with the generated rule and resolver settings, so the check is the one `npx projen build` runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// eslint 9 still serves .eslintrc configs through LegacyESLint (projen writes one).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LegacyESLint } = require('eslint/use-at-your-own-risk');

const ROOT = path.join(__dirname, '..', '..');
const RULE = 'import/no-restricted-paths';
// projen heads the file with a `// ~~ Generated` comment line.
const generated = JSON.parse(fs.readFileSync(path.join(ROOT, '.eslintrc.json'), 'utf8').replace(/^\/\/.*\n/, ''));

const eslint = new LegacyESLint({
  cwd: ROOT,
  useEslintrc: false,
  baseConfig: {
    parser: '@typescript-eslint/parser',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    plugins: ['import'],
    settings: generated.settings,
    rules: { [RULE]: generated.rules[RULE] },
  },
});

async function refusals(file: string, importPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as probe from '${importPath}';\nexport const used = probe;\n`, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m: any) => m.ruleId === RULE).map((m: any) => m.message);
}

describe('import layers', () => {
  test.each([
    ['src/layer-probe.ts', '../lambda-src/shared/logger', /src\/ is the published construct/],
    ['src/layer-probe.ts', '../local/run/app-run', /src\/ is the published construct/],
    ['lambda-src/layer-probe.ts', '../src/orchestrator', /only through src\/contract/],
    ['src/contract/layer-probe.ts', 'aws-cdk-lib', /must not import aws-cdk-lib/],
    ['src/contract/layer-probe.ts', '../orchestrator', /must not import aws-cdk-lib, constructs or the rest of src/],
    ['local/shared/layer-probe.ts', '../template/token-resolver', /local\/shared is below/],
    ['local/template/layer-probe.ts', '../engine/step-functions', /local\/template is below/],
    ['local/iam/layer-probe.ts', '../stand-ins/s3-stand-in', /local\/iam is below/],
    ['local/stand-ins/layer-probe.ts', '../lambda/lambda-host', /local\/stand-ins is below/],
    ['local/engine/layer-probe.ts', '../api/service-endpoints', /local\/engine is below/],
    ['local/api/layer-probe.ts', '../run/local-cloud', /local\/api is below/],
    ['local/run/layer-probe.ts', '../cli/local-command', /local\/run is below/],
  ])('%s may not import %s', async (file, importPath, message) => {
    const found = await refusals(file, importPath);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test.each([
    ['lambda-src/layer-probe.ts', '../src/contract/environment-variables'],
    ['src/contract/layer-probe.ts', './environment-variables'],
    ['local/run/layer-probe.ts', '../api/service-endpoints'],
    ['local/engine/layer-probe.ts', '../lambda/lambda-host'],
    ['local/iam/layer-probe.ts', '../template/token-resolver'],
    ['local/template/layer-probe.ts', '../shared/usage-error'],
    ['local/cli/layer-probe.ts', '../run/app-run'],
  ])('%s may import %s', async (file, importPath) => {
    expect(await refusals(file, importPath)).toEqual([]);
  });
});
