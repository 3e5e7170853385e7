import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { HANDLER_DEFAULTS, ValidatorSettings } from './contract/handler-environment';
import { HandlerBindOptions } from './handler-binding';
import { integerIn } from './integer-prop';

/** Options of a validator implemented by your own Lambda function. */
export interface LambdaValidatorOptions {
  /**
   * How many records are sent to the function in one invocation.
   *
   * @default 500
   */
  readonly batchSize?: number;
}

/**
 * How each record is validated. Records that fail are rejected with the validator's reasons,
 * written to the rejects file and the rejected-records table, and left out of the output.
 */
export abstract class RecordValidator {
  /**
   * Validate each record against a JSON Schema (draft 2020-12 or draft-07).
   *
   * A record is an object whose keys are the header's column names and whose values are strings.
   * A record with a different number of fields than the header is rejected before the schema is applied.
   *
   * @param schema the JSON Schema, as a JSON object. It travels in the validate-chunk function's
   * environment, which Lambda limits to 4 KB for all its variables, measured as JSON (a quote in the
   * schema counts as 3 bytes): synth fails when it may not fit. For a larger schema, validate with
   * `RecordValidator.fromLambda`.
   */
  public static fromJsonSchema(schema: { [key: string]: any }): RecordValidator {
    return new JsonSchemaValidator(schema);
  }

  /**
   * Validate records with your own Lambda function, called with batches of records.
   *
   * The function receives `{ header: string[], records: { line: number, fields: string[] }[] }` and
   * returns `{ verdicts: { valid: boolean, reasons?: string[] }[] }`: one verdict per record, in order.
   *
   * @param fn the validating function; the validate-chunk handler is granted `lambda:InvokeFunction` on it
   * @param options batch size
   */
  public static fromLambda(fn: IFunction, options: LambdaValidatorOptions = {}): RecordValidator {
    return new LambdaValidator(fn, options);
  }

  /**
   * Applies the grants the validate-chunk handler needs and returns its settings, which the
   * processor writes into the handler's environment (src/contract/handler-environment.ts).
   *
   * @internal
   */
  public abstract _bind(scope: Construct, options: HandlerBindOptions): ValidatorSettings;
}

class JsonSchemaValidator extends RecordValidator {
  private readonly schemaJson: string;

  constructor(schema: { [key: string]: any }) {
    super();
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
      throw new Error('validator: RecordValidator.fromJsonSchema needs a JSON Schema object');
    }
    // Its size is checked with the rest of the function's environment (src/environment-size.ts).
    this.schemaJson = JSON.stringify(schema);
  }

  public _bind(_scope: Construct, _options: HandlerBindOptions): ValidatorSettings {
    return { kind: 'json-schema', schema: this.schemaJson };
  }
}

class LambdaValidator extends RecordValidator {
  private readonly batchSize: number;

  constructor(private readonly fn: IFunction, options: LambdaValidatorOptions) {
    super();
    this.batchSize = integerIn('validator: batchSize', options.batchSize ?? HANDLER_DEFAULTS.validatorBatchSize, 1, 10_000);
  }

  public _bind(_scope: Construct, options: HandlerBindOptions): ValidatorSettings {
    this.fn.grantInvoke(options.grantee);
    return { kind: 'lambda', functionName: this.fn.functionArn, batchSize: this.batchSize };
  }
}
