import { acceptAll, BatchValidator } from './batch-validator';
import { lambdaValidator } from './lambda-validator';
import { schemaValidator } from './schema-validator';
import { DecodedValidatorSettings } from '../../src/contract/handler-environment';

/** The validator the settings (decoded from validate-chunk's environment) name. */
export function validatorOf(settings: DecodedValidatorSettings): BatchValidator {
  switch (settings.kind) {
    case 'none': return acceptAll;
    case 'json-schema': return schemaValidator(settings.schema);
    case 'lambda': return lambdaValidator({ functionName: settings.functionName, batchSize: settings.batchSize });
  }
}
