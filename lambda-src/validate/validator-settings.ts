import { acceptAll, BatchValidator } from './batch-validator';
import { lambdaValidator } from './lambda-validator';
import { schemaValidator } from './schema-validator';
import { VALIDATE_CHUNK_ENVIRONMENT } from '../../src/contract/handler-environment';

/** The validator settings validate-chunk decodes from its environment. */
export type DecodedValidatorSettings = ReturnType<typeof VALIDATE_CHUNK_ENVIRONMENT.decode>['validator'];

/** The validator the settings name. */
export function validatorOf(settings: DecodedValidatorSettings): BatchValidator {
  switch (settings.kind) {
    case 'none': return acceptAll;
    case 'json-schema': return schemaValidator(settings.schema);
    case 'lambda': return lambdaValidator({ functionName: settings.functionName, batchSize: settings.batchSize });
  }
}
