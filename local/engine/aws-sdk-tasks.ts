/**
 * `arn:aws:states:::aws-sdk:<service>:<action>` tasks, run with the real AWS SDK v3 client of the
 * service against the stand-ins: service `s3` → `@aws-sdk/client-s3`, action `copyObject` →
 * `CopyObjectCommand`, Parameters as the command input (Step Functions uses the same PascalCase names).
 */
import { namedError } from '../shared/named-error';
import { serviceErrorPrefix } from '../shared/service-error-names';

export interface SdkTaskTarget {
  readonly service: string;
  readonly action: string;
}

const SDK_RESOURCE = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)(\.waitForTaskToken)?$/;

/** Parses an aws-sdk integration resource, or returns undefined for any other resource. */
export function parseSdkResource(resource: string): SdkTaskTarget | undefined {
  const match = SDK_RESOURCE.exec(resource);
  return match ? { service: match[1], action: match[2] } : undefined;
}

export function commandName(action: string): string {
  return `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
}

/** Runs SDK tasks with clients configured for the stand-ins (one client per service, reused). */
export class AwsSdkTasks {
  private readonly clients = new Map<string, any>();

  /** @param clientConfig the client configuration for a service (its stand-in's endpoint, region, credentials) */
  constructor(private readonly clientConfig: (service: string) => Record<string, unknown>) {}

  async run(target: SdkTaskTarget, parameters: Record<string, unknown>): Promise<unknown> {
    let sdk: any;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sdk = require(`@aws-sdk/client-${target.service}`);
    } catch {
      throw namedError('States.Runtime', `No local client for aws-sdk:${target.service} (package @aws-sdk/client-${target.service} is not installed)`);
    }
    const Command = sdk[commandName(target.action)];
    if (!Command) throw namedError('States.Runtime', `Unknown action ${target.service}:${target.action}`);
    let client = this.clients.get(target.service);
    if (!client) {
      const Client = Object.entries<any>(sdk).find(([name]) => /^[A-Z][A-Za-z0-9]*Client$/.test(name))?.[1];
      client = new Client(this.clientConfig(target.service));
      this.clients.set(target.service, client);
    }
    try {
      const { $metadata, ...output } = await client.send(new Command(parameters));
      void $metadata;
      // Step Functions returns a streamed body as a string.
      if (output.Body && typeof output.Body.transformToString === 'function') output.Body = await output.Body.transformToString();
      return JSON.parse(JSON.stringify(output));
    } catch (err) {
      const e = err as Error;
      throw namedError(`${serviceErrorPrefix(target.service)}.${e.name}`, e.message);
    }
  }

  close() {
    for (const client of this.clients.values()) client.destroy();
  }
}
