import { App, Fn, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { orderRecordSchema } from '../../examples/order-record-schema';
import { RecordValidator } from '../../src';
import { MAX_ENVIRONMENT_BYTES, UNKNOWN_TOKEN_BYTES, maxEnvironmentBytes } from '../../src/environment-size';
import { functionLogicalId, synthesizeProcessor } from '../support/processor-template';

/** A schema of `columns` string columns: no quotes in its values, about 45 bytes a column. */
const plainSchema = (columns: number) => ({
  type: 'object',
  required: Array.from({ length: columns }, (_, i) => `c${i}`),
  properties: Object.fromEntries(Array.from({ length: columns }, (_, i) => [`c${i}`, { type: 'string', maxLength: 50 }])),
});

describe('the size of a function\'s environment, as Lambda measures it', () => {
  const stack = new Stack(new App(), 'Sizes');
  const bucket = new s3.Bucket(stack, 'Bucket');

  test('is the byte length of the JSON of all the variables, escapes included', () => {
    const variables = { A: 'x"y\\z', B: 'é', EMPTY: '' };
    expect(maxEnvironmentBytes(stack, variables).totalBytes).toBe(Buffer.byteLength(JSON.stringify(variables), 'utf8'));
    expect(maxEnvironmentBytes(stack, {}).totalBytes).toBe(2);
  });

  test('counts a token at the longest value it can have: a bucket name 63, an unknown value 1,024', () => {
    const empty = Buffer.byteLength(JSON.stringify({ BUCKET_NAME: '' }));
    expect(maxEnvironmentBytes(stack, { BUCKET_NAME: bucket.bucketName }).totalBytes).toBe(empty + 63);
    expect(maxEnvironmentBytes(stack, { BUCKET_NAME: `${bucket.bucketName}/x"` }).totalBytes).toBe(empty + 63 + '/x\\"'.length);
    expect(maxEnvironmentBytes(stack, { BUCKET_NAME: Fn.importValue('Elsewhere') }).totalBytes).toBe(empty + UNKNOWN_TOKEN_BYTES);
  });
});

describe('synth', () => {
  test('fails for a quote-heavy JSON Schema under 3 KB that overflows the 4 KB once escaped, naming the function and the prop', () => {
    const schema = { type: 'object', properties: { Note: { description: '"'.repeat(1_300) } } };
    expect(Buffer.byteLength(JSON.stringify(schema))).toBeLessThan(3_072);
    expect(() => synthesizeProcessor(() => ({ validator: RecordValidator.fromJsonSchema(schema) })))
      .toThrow(/\[Test\/Processor\/ValidateChunk\] the validate-chunk function's environment variables may take \d+ bytes as Lambda measures them .*more than Lambda's 4096; the largest: RECORD_SCHEMA \d+ bytes \(validator: a smaller JSON Schema, or validate with RecordValidator\.fromLambda\)/);
  });

  test('passes for the example\'s schema and for a plain schema of about 3 KB, which fit', () => {
    const schema = plainSchema(66);
    expect(Buffer.byteLength(JSON.stringify(schema))).toBeGreaterThan(2_900);
    for (const validator of [RecordValidator.fromJsonSchema(orderRecordSchema), RecordValidator.fromJsonSchema(schema)]) {
      const { template, stack } = synthesizeProcessor(() => ({ validator }));
      const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId(template, 'Validates')];
      expect(maxEnvironmentBytes(stack, fn.Properties.Environment.Variables).totalBytes).toBeLessThanOrEqual(MAX_ENVIRONMENT_BYTES);
    }
  });

  test('checks every handler function, e.g. notify with many long recipient addresses', () => {
    const recipients = Array.from({ length: 50 }, (_, i) => `a-rather-long-mailbox-name-for-the-operations-team-${i}@reports.subdomain.example.com`);
    expect(() => synthesizeProcessor(() => ({ email: { sender: 'batch@example.com', recipients } })))
      .toThrow(/\[Test\/Processor\/Notify\] the notify function's environment variables .*EMAIL_RECIPIENTS \d+ bytes \(email\.recipients: fewer or shorter addresses\)/);
  });
});
