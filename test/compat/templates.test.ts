import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { lintProblems, lintTemplates, requireCfnLint } from '../support/cfn-lint';
import { CONFIGURATIONS } from '../support/configurations';
import { CDK_VERSION, FLAG_SETTINGS } from '../support/feature-flags';
import { tempFolder } from '../support/temp-folder';

// Every configuration kind, synthesized as a user's app synthesizes it on this aws-cdk-lib (the floor of the
// supported range here; the newest under jest-newest.config.js), with and without the feature flags `cdk init`
// writes: what CloudFormation would be given must lint clean, keep the Distributed Map's ResultWriter, and
// print no deprecation warning into the user's terminal.
const work = tempFolder('compat-templates-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Synthesized {
  readonly configuration: string;
  readonly templateFile: string;
  readonly template: any;
  /** What the CDK printed to the console while the app was built and synthesized. */
  readonly printed: string[];
}

function synthesize(flags: Readonly<Record<string, unknown>>, flagsName: string): Synthesized[] {
  return Object.entries(CONFIGURATIONS).map(([configuration, createStack], index) => {
    const printed: string[] = [];
    const spies = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args) => {
      printed.push(args.join(' '));
    }));
    try {
      const outdir = path.join(work, `${flagsName.replace(/\W+/g, '-')}-${index}`);
      const app = new App({ outdir, context: { ...flags } });
      const stack = createStack(app);
      const templateFile = path.join(outdir, app.synth().getStackByName(stack.stackName).templateFile);
      return { configuration, templateFile, template: JSON.parse(fs.readFileSync(templateFile, 'utf8')), printed };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
}

/** The Distributed Maps of the template's state machines (tokens, which stand inside strings, read `TOKEN`). */
function distributedMaps(template: any): any[] {
  return Object.values<any>(template.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine').flatMap((machine) => {
    const body = machine.Properties.DefinitionString;
    const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    return Object.values<any>(JSON.parse(text).States).filter((state) => state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED');
  });
}

describe.each(FLAG_SETTINGS)(`aws-cdk-lib ${CDK_VERSION}, %s`, (flagsName, flags) => {
  const synthesized = synthesize(flags, flagsName);
  const lintable = requireCfnLint();

  test.each(synthesized.map((s) => [s.configuration, s] as const))('%s: the Distributed Map writes its results to S3 (a ResultWriter)', (_name, { template }) => {
    const maps = distributedMaps(template);
    expect(maps).toHaveLength(1);
    expect(maps[0].ResultWriter).toEqual({ Resource: 'arn:TOKEN:states:::s3:putObject', Parameters: { 'Bucket': 'TOKEN', 'Prefix.$': expect.stringContaining('map-results') } });
  });

  test.each(synthesized.map((s) => [s.configuration, s] as const))('%s: nothing deprecated is used (no warning printed at synth)', (_name, { printed }) => {
    expect(printed.filter((line) => /deprecated|\[WARNING\]/i.test(line))).toEqual([]);
  });

  (lintable ? test : test.skip)('cfn-lint finds no error, and no warning but the harmless ones, in any template', () => {
    const findings = lintTemplates(synthesized.map((s) => s.templateFile));
    const configurationOf = (file: string) => synthesized.find((s) => s.templateFile === file)?.configuration ?? file;
    expect(lintProblems(findings).map((f) => `${configurationOf(f.file)}: ${f.rule} ${f.message}`)).toEqual([]);
  });
});
