/**
 * Users' Lambda functions for handler tests: each function's JavaScript source runs in the local
 * runner's Lambda host behind its Invoke API on a free port, and a real LambdaClient points at it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { tempFolder } from './temp-folder';
import { startServiceEndpoints } from '../../local/api/service-endpoints';
import { AwsSdkTasks } from '../../local/engine/aws-sdk-tasks';
import { LocalEventBridge } from '../../local/engine/event-bridge';
import { LocalStepFunctions } from '../../local/engine/step-functions';
import { AsyncInvocations } from '../../local/lambda/async-invocation';
import { LambdaHost } from '../../local/lambda/lambda-host';
import { LocalQueues } from '../../local/stand-ins/sqs-queues';

export interface LocalLambda {
  /** A client of the local Invoke API, retrying as the SDK does by default. */
  readonly client: LambdaClient;
  /** Where the Invoke API's `Event` invocations are queued (Lambda's defaults: two retries, no destination). */
  readonly asyncInvocations: AsyncInvocations;
  close(): Promise<void>;
}

/** @param functions each function's name and the source of its `index.js`, which exports `handler` */
export async function startLocalLambda(functions: Record<string, string>): Promise<LocalLambda> {
  const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
  const directory = tempFolder('local-lambda-');
  const host = new LambdaHost(Object.entries(functions).map(([name, source]) => {
    const entry = path.join(directory, name, 'index.js');
    fs.mkdirSync(path.dirname(entry));
    fs.writeFileSync(entry, source);
    return { name, entry, handlerExport: 'handler', environment: {}, timeoutSeconds: 10, memoryMb: 128, architecture: 'x86_64' as const };
  }), { baseEnvironment: {}, functionArn });
  const asyncInvocations = new AsyncInvocations(host, { configs: new Map(), queues: new LocalQueues([]), functionArn, retryIntervalMs: 1 });
  const endpoints = await startServiceEndpoints();
  // The endpoint serves Step Functions and EventBridge too; these tests start no execution and put no event.
  const sdk = new AwsSdkTasks(() => ({}));
  const stepFunctions = new LocalStepFunctions([], { lambda: host, sdk, readItems: async () => [], writeResults: async () => undefined });
  const eventBridge = new LocalEventBridge([], ['default'], { region: 'us-east-1', account: '000000000000', invokeFunction: async (arn, event) => { asyncInvocations.accept(arn, event); } });
  endpoints.bind({ lambda: host, asyncInvocations, stepFunctions, eventBridge, restApis: [] });
  const client = new LambdaClient({
    region: 'us-east-1',
    endpoint: endpoints.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    asyncInvocations,
    async close() {
      client.destroy();
      await Promise.all([asyncInvocations.close(), host.close(), endpoints.close(), sdk.close()]);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
