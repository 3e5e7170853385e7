import { acceptAll, BatchValidator } from './batch-validator';
import { lambdaValidator } from './lambda-validator';
import { schemaValidator } from './schema-validator';
import { positiveIntEnv, requiredEnv } from '../shared/handler-env';

export const DEFAULT_VALIDATOR_BATCH_SIZE = 500;

/** The validator that `VALIDATOR` names, configured from the rest of the environment. */
export function validatorFromEnv(env: NodeJS.ProcessEnv = process.env): BatchValidator {
  const kind = env.VALIDATOR || 'none';
  switch (kind) {
    case 'none': return acceptAll;
    case 'json-schema': return schemaValidator(requiredEnv('RECORD_SCHEMA', env));
    case 'lambda': return lambdaValidator({
      functionName: requiredEnv('VALIDATOR_FUNCTION', env),
      batchSize: positiveIntEnv('VALIDATOR_BATCH_SIZE', DEFAULT_VALIDATOR_BATCH_SIZE, env),
    });
    default: throw new Error(`VALIDATOR must be none, json-schema or lambda; got ${JSON.stringify(kind)}`);
  }
}
