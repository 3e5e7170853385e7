import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BatchFileProcessor, BatchFileProcessorProps } from '../../src';

export interface SynthesizedProcessor {
  readonly stack: Stack;
  readonly processor: BatchFileProcessor;
  readonly template: Template;
}

/**
 * A stack holding one processor. `setup` builds the props in the stack, for props that are
 * constructs themselves (functions, tables, keys); `use` then uses the processor (its grants,
 * rules…) before the stack is synthesized.
 */
export function synthesizeProcessor(
  setup: (stack: Stack) => BatchFileProcessorProps = () => ({}),
  use: (processor: BatchFileProcessor, stack: Stack) => void = () => undefined,
): SynthesizedProcessor {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const processor = new BatchFileProcessor(stack, 'Processor', setup(stack));
  use(processor, stack);
  return { stack, processor, template: Template.fromStack(stack) };
}

/** Every IAM policy statement of the template, with single actions and resources turned into lists. */
export interface PolicyStatementOf {
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Effect: string;
  readonly Condition?: any;
  readonly roles: unknown;
}

export function policyStatements(template: Template): PolicyStatementOf[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) =>
    policy.Properties.PolicyDocument.Statement.map((statement: any) => ({
      Effect: statement.Effect,
      Action: [statement.Action].flat(),
      Resource: [statement.Resource].flat(),
      Condition: statement.Condition,
      roles: policy.Properties.Roles,
    })));
}

/** The state machine definition with CloudFormation tokens replaced by their logical ids, parsed. */
export function stateMachineDefinition(template: Template, logicalIdPrefix: string): any {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const id = Object.keys(machines).find((logicalId) => logicalId.startsWith(logicalIdPrefix));
  if (!id) throw new Error(`no state machine ${logicalIdPrefix}* in ${Object.keys(machines).join(', ')}`);
  const parts: unknown[] = machines[id].Properties.DefinitionString['Fn::Join'][1];
  const text = parts.map((part: any) => typeof part === 'string' ? part : `<${part.Ref ?? part['Fn::GetAtt']?.[0]}>`).join('');
  return JSON.parse(text);
}

/** The logical id of the one function whose description starts with `description`. */
export function functionLogicalId(template: Template, description: string): string {
  const functions = template.findResources('AWS::Lambda::Function');
  const ids = Object.keys(functions).filter((id) => String(functions[id].Properties.Description ?? '').startsWith(description));
  if (ids.length !== 1) throw new Error(`expected one function described '${description}…', found ${ids.length}`);
  return ids[0];
}
