import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { synthesize } from '../../../local/template/cloud-assembly';
import { BatchFileProcessor, RecordValidator } from '../../../src';

// The reservations the local Lambda enforces are the template's `ReservedConcurrentExecutions`: a function the run
// reaches is capped by its own, and one it does not reach still takes its reservation from the account's pool.

const inline = (id: string, stack: Stack, reservedConcurrentExecutions: number) => new lambda.Function(stack, id, {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'), reservedConcurrentExecutions,
});

test('each function\'s reserved concurrency is read from the template, those no run reaches summed apart', () => {
  const { assembly } = synthesize({
    apiBaseUrl: 'http://127.0.0.1:1',
    createStack: (app: App) => {
      const stack = new Stack(app, 'Reservations');
      new BatchFileProcessor(stack, 'Processor', { validator: RecordValidator.fromLambda(inline('Checker', stack, 5)) });
      inline('Unused', stack, 7);
      return stack;
    },
  });
  try {
    const checker = assembly.functions.find((fn) => fn.name.startsWith('Checker'))!;
    expect(checker.reservedConcurrency).toBe(5);
    expect(assembly.functions.filter((fn) => fn.reservedConcurrency !== undefined)).toEqual([checker]);
    expect(assembly.reservedConcurrencyNotRun).toBe(7);
    // At an account quota of 111 the two reservations leave 99 unreserved, fewer than Lambda keeps.
    expect(() => new LambdaHost(assembly.functions, {
      baseEnvironment: {}, functionArn: (name) => name, concurrency: { limit: 111, reservedElsewhere: assembly.reservedConcurrencyNotRun },
    })).toThrow(/leaves 99 of the account's concurrency of 111 unreserved/);
  } finally {
    assembly.dispose();
  }
}, 60_000);
