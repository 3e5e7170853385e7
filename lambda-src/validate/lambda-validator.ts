/**
 * VALIDATOR=lambda: a user's function judges batches of records. It is sent
 * `{ header, records: [{ line, fields }] }` and must answer `{ verdicts: [{ valid, reasons? }] }`,
 * one verdict per record, in order.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BatchValidator, CandidateRecord, Verdict } from './batch-validator';
import { mapWithConcurrency } from '../shared/concurrency-pool';

let client: LambdaClient | undefined;

/** Invokes the function with one JSON payload and returns its parsed JSON reply. */
export type InvokeJson = (functionName: string, payload: unknown) => Promise<unknown>;

const invokeLambda: InvokeJson = async (functionName, payload) => {
  client ??= new LambdaClient({});
  const reply = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
  const text = reply.Payload ? Buffer.from(reply.Payload).toString('utf8') : '';
  if (reply.FunctionError) throw new Error(`validator function ${functionName} failed: ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
};

/** The verdicts of a reply, or a clear error when the reply is not what the contract says. */
export function verdictsOf(reply: unknown, expected: number, functionName: string): Verdict[] {
  const malformed = (why: string) => new Error(`validator function ${functionName} returned a malformed reply: ${why}`);
  const verdicts = (reply as { verdicts?: unknown } | undefined)?.verdicts;
  if (!Array.isArray(verdicts)) throw malformed('expected an object with a "verdicts" array');
  if (verdicts.length !== expected) throw malformed(`expected ${expected} verdicts, got ${verdicts.length}`);
  return verdicts.map((verdict, i) => {
    const { valid, reasons } = (verdict ?? {}) as { valid?: unknown; reasons?: unknown };
    if (typeof valid !== 'boolean') throw malformed(`verdict ${i} has no boolean "valid"`);
    if (reasons !== undefined && !(Array.isArray(reasons) && reasons.every((r) => typeof r === 'string'))) {
      throw malformed(`verdict ${i} has "reasons" that are not an array of strings`);
    }
    if (valid) return { valid };
    const given = (reasons as string[] | undefined) ?? [];
    return { valid, reasons: given.length > 0 ? given : ['rejected by the validator function'] };
  });
}

export interface LambdaValidatorOptions {
  readonly functionName: string;
  readonly batchSize: number;
  /** Invocations in flight at once. @default 4 */
  readonly concurrency?: number;
  readonly invoke?: InvokeJson;
}

export function lambdaValidator(options: LambdaValidatorOptions): BatchValidator {
  const invoke = options.invoke ?? invokeLambda;
  return async (header, records) => {
    const batches: CandidateRecord[][] = [];
    for (let i = 0; i < records.length; i += options.batchSize) batches.push(records.slice(i, i + options.batchSize));
    const verdicts = await mapWithConcurrency(batches, options.concurrency ?? 4, async (batch) =>
      verdictsOf(
        await invoke(options.functionName, { header, records: batch.map(({ line, fields }) => ({ line, fields })) }),
        batch.length,
        options.functionName,
      ));
    return verdicts.flat();
  };
}
