import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { orderRecordSchema } from '../../examples/order-record-schema';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { synthesize } from '../../local/template/cloud-assembly';
import { CfnTemplate, LocalEnvironment, resolveTokens } from '../../local/template/token-resolver';
import { BatchFileProcessorProps, RecordEnricher, RecordValidator } from '../../src';
import { synthesizeProcessor } from '../support/processor-template';

/** One finding of asl-validator (https://github.com/ChristopheBougere/asl-validator, Apache-2.0). */
interface AslFinding {
  readonly 'Error code': string;
  readonly 'Message': string;
}
// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown) => { isValid: boolean; errors: AslFinding[] } = require('asl-validator');

/**
 * Every finding of the validator on one definition, as `CODE: message` lines. None is suppressed: asl-validator
 * 4.0.0 knows every field our definitions use, Distributed Map ones included (ItemReader, ItemBatcher,
 * ToleratedFailurePercentage, ItemProcessor.ProcessorConfig); a finding it gets wrong would be filtered here
 * by its error code, with the reason.
 */
function findings(definition: unknown): string[] {
  // The validator fills in defaults (QueryLanguage) on the object it is given: hand it a copy.
  const { errors } = aslValidator(JSON.parse(JSON.stringify(definition)));
  return errors.map((e) => `${e['Error code']}: ${e.Message}`);
}

const env: LocalEnvironment = { region: 'eu-west-1', account: '123456789012', stackName: 'Test' };

/**
 * Each state machine's definition with the CloudFormation tokens in DefinitionString resolved to plausible
 * ARNs and names (the local runner's resolver), as Step Functions receives it.
 */
function resolvedDefinitions(template: CfnTemplate): Record<string, unknown> {
  const machines = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length === 0) throw new Error('the template has no state machine');
  return Object.fromEntries(machines.map(([id, r]) => {
    const props = r.Properties ?? {};
    let text: string = props.DefinitionString !== undefined
      ? resolveTokens(props.DefinitionString, template, env)
      : JSON.stringify(resolveTokens(props.Definition, template, env));
    const substitutions = resolveTokens(props.DefinitionSubstitutions ?? {}, template, env) as Record<string, string>;
    for (const [name, value] of Object.entries(substitutions)) text = text.split(`\${${name}}`).join(String(value));
    return [id, JSON.parse(text)];
  }));
}

const inlineFunction = (stack: Stack, id: string) => new lambda.Function(stack, id, {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
});
const email = { sender: 'batch@mail.example.com', recipients: ['ops@example.com'] };

/** Every kind of configuration of the construct: each validator, each enricher, none, email, a KMS key. */
const configurations: Record<string, (stack: Stack) => BatchFileProcessorProps> = {
  'no validator, no enrichment, no email': () => ({}),
  'JSON Schema validator': () => ({ validator: RecordValidator.fromJsonSchema(orderRecordSchema) }),
  'Lambda validator': (stack) => ({ validator: RecordValidator.fromLambda(inlineFunction(stack, 'Check')) }),
  'HTTP endpoint enricher, per record': () => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }) }),
  'HTTP endpoint enricher, batched': () => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/batch', batchSize: 100 }) }),
  'REST API enricher': (stack) => {
    const api = new apigateway.RestApi(stack, 'Api');
    api.root.addResource('financials').addResource('{uuid}').addMethod('GET', undefined, { authorizationType: apigateway.AuthorizationType.IAM });
    return { enrichment: RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}' }) };
  },
  'Lambda enricher': (stack) => ({ enrichment: RecordEnricher.fromLambda(inlineFunction(stack, 'Enrich')) }),
  'DynamoDB table enricher': (stack) => ({
    enrichment: RecordEnricher.fromTable(new dynamodb.Table(stack, 'Lookup', { partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING } }), { keyColumn: 'uuid' }),
  }),
  'email': () => ({ email }),
  'email and enrichment': () => ({ email, enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }) }),
  'a KMS key': (stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }),
};

describe.each(Object.entries(configurations))('%s', (_name, setup) => {
  const definitions = resolvedDefinitions(synthesizeProcessor(setup).template.toJSON() as CfnTemplate);

  test('every state machine definition is valid Amazon States Language', () => {
    expect(Object.keys(definitions).sort()).toEqual([expect.stringMatching(/^ProcessorChunkProcessor/), expect.stringMatching(/^ProcessorOrchestrator/)]);
    for (const [id, definition] of Object.entries(definitions)) expect({ id, findings: findings(definition) }).toEqual({ id, findings: [] });
  });
});

test('the example stack\'s definitions, as the local runner resolves them, are valid Amazon States Language', () => {
  const { assembly } = synthesize({
    createStack: (app: App) => new OrdersPipelineStack(app, 'Orders', { emailSender: 'batch@example.com', emailRecipients: ['ops@example.com'] }),
    apiBaseUrl: 'http://127.0.0.1:1',
  });
  try {
    expect(assembly.stateMachines.map((m) => m.name).sort()).toEqual([expect.stringMatching(/^OrdersChunkProcessor/), expect.stringMatching(/^OrdersOrchestrator/)]);
    for (const { name, definition } of assembly.stateMachines) expect({ name, findings: findings(definition) }).toEqual({ name, findings: [] });
  } finally {
    assembly.dispose();
  }
});

describe('the check can fail', () => {
  const [, orchestrator] = Object.entries(resolvedDefinitions(synthesizeProcessor().template.toJSON() as CfnTemplate))
    .find(([id]) => id.startsWith('ProcessorOrchestrator'))!;

  test('a transition to a state that does not exist is reported', () => {
    const broken = JSON.parse(JSON.stringify(orchestrator));
    broken.States.MergeChunks.Next = 'NoSuchState';
    expect(findings(broken)).toContainEqual(expect.stringMatching(/^MISSING_TRANSITION_TARGET: .*NoSuchState/));
  });

  test('a Distributed Map field of the wrong type is reported', () => {
    const broken = JSON.parse(JSON.stringify(orchestrator));
    broken.States.ProcessChunks.ToleratedFailurePercentage = 'five';
    expect(findings(broken)).toContainEqual(expect.stringMatching(/^SCHEMA_VALIDATION_FAILED/));
  });
});
