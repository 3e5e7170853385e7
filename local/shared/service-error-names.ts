/**
 * How Step Functions names a service integration's errors, `<Service>.<Exception>`: the engine's when a task fails
 * and local IAM's when a state machine's role may not make the call
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
/** The Step Functions error name prefix of a service (`S3.NoSuchKey`, `DynamoDb.ConditionalCheckFailedException`). */
export function serviceErrorPrefix(service: string): string {
  const known: Record<string, string> = { s3: 'S3', dynamodb: 'DynamoDb', sesv2: 'SesV2', sfn: 'Sfn', lambda: 'Lambda', sqs: 'Sqs', sns: 'Sns' };
  return known[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
}
