/**
 * A `lambda` validator (`RecordValidator.fromLambda`): a user's function judges batches of records. It is sent
 * `{ header, records: [{ line, fields }] }` and must answer `{ verdicts: [{ valid, reasons? }] }`,
 * one verdict per record, in order.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { BatchValidator, CandidateRecord, Verdict } from './batch-validator';
import { HANDLER_DEFAULTS } from '../../src/contract/handler-environment';
import { lambdaClient } from '../shared/aws-clients';
import { BatchFunction } from '../shared/batch-invoke';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { ValidationUnavailable } from '../shared/errors';

/** The verdicts of a reply, or a clear error (that never quotes the reply) when it is not what the contract says. */
function verdictsOf(reply: unknown, expected: number, fn: BatchFunction): Verdict[] {
  const verdicts = (reply as { verdicts?: unknown } | null | undefined)?.verdicts;
  if (!Array.isArray(verdicts)) throw fn.malformed('expected an object with a "verdicts" array');
  if (verdicts.length !== expected) throw fn.malformed(`expected ${expected} verdicts, got ${verdicts.length}`);
  return verdicts.map((verdict, i) => {
    const { valid, reasons } = (verdict ?? {}) as { valid?: unknown; reasons?: unknown };
    if (typeof valid !== 'boolean') throw fn.malformed(`verdict ${i} has no boolean "valid"`);
    if (reasons !== undefined && !(Array.isArray(reasons) && reasons.every((r) => typeof r === 'string'))) {
      throw fn.malformed(`verdict ${i} has "reasons" that are not an array of strings`);
    }
    if (valid) return { valid };
    const given = (reasons as string[] | undefined) ?? [];
    return { valid, reasons: given.length > 0 ? given : ['rejected by the validator function'] };
  });
}

export interface LambdaValidatorOptions {
  readonly functionName: string;
  readonly batchSize: number;
  /** Invocations in flight at once; the construct counts them against its Lambda concurrency budget. @default HANDLER_DEFAULTS.validatorConcurrency */
  readonly concurrency?: number;
  /** @default - the handlers' shared client (lambdaClient()) */
  readonly client?: LambdaClient;
}

export function lambdaValidator(options: LambdaValidatorOptions): BatchValidator {
  const fn = new BatchFunction({
    functionName: options.functionName,
    describedAs: 'validator function',
    error: (message) => new ValidationUnavailable(message),
    client: options.client ?? lambdaClient(),
  });
  return async (header, records) => {
    const batches: CandidateRecord[][] = [];
    for (let i = 0; i < records.length; i += options.batchSize) batches.push(records.slice(i, i + options.batchSize));
    const verdicts = await mapWithConcurrency(batches, options.concurrency ?? HANDLER_DEFAULTS.validatorConcurrency, async (batch) =>
      verdictsOf(await fn.invoke({ header, records: batch.map(({ line, fields }) => ({ line, fields })) }), batch.length, fn));
    return verdicts.flat();
  };
}
