/**
 * DynamoDB calls (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`) → IAM checks: the action is
 * `dynamodb:<Operation>` on each table the call names; batch calls are checked on every table of
 * `RequestItems`, transactions per item with the item's own action
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
import { AuthorizationCheck } from './policy-evaluation';
import { RequestContext } from './request-context';
import { header, HttpRequest, jsonBody, UnmappedRequestError } from '../shared/http-request';
import { LocalEnvironment } from '../template/token-resolver';

/** Operations without a table: checked on `*`. */
const ACCOUNT_OPERATIONS = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints', 'ListBackups', 'ListGlobalTables']);
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

/** Operation and body of a DynamoDB request. */
export function dynamodbCallOfRequest(request: HttpRequest): { operation: string; body: any } {
  const [prefix, operation] = (header(request, 'x-amz-target') ?? '').split('.');
  if (prefix !== 'DynamoDB_20120810' || !operation) throw new UnmappedRequestError(request, 'no DynamoDB_20120810.* X-Amz-Target');
  return { operation, body: jsonBody(request) };
}

/** The checks DynamoDB makes for `operation` with `input` (the API's JSON body, or an SDK task's parameters). */
export function dynamodbChecks(operation: string, input: Record<string, any>, env: LocalEnvironment): AuthorizationCheck[] {
  const tableArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:dynamodb:${env.region}:${env.account}:table/${name}`);
  const context: RequestContext = Object.fromEntries(
    [['ReturnValues', 'dynamodb:ReturnValues'], ['Select', 'dynamodb:Select'], ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity']]
      .filter(([field]) => input[field] !== undefined).map(([field, key]) => [key, String(input[field])]),
  );
  if (ACCOUNT_OPERATIONS.has(operation)) return [{ action: `dynamodb:${operation}`, resource: '*', context }];
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    return Object.keys(input.RequestItems ?? {}).map((table) => ({ action: `dynamodb:${operation}`, resource: tableArn(table), context }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return (input.TransactItems ?? []).map((item: Record<string, any>) => {
      const [kind, request] = Object.entries(item)[0];
      return { action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`, resource: tableArn(request.TableName), context };
    });
  }
  if (typeof input.TableName !== 'string') throw new Error(`local IAM: DynamoDB ${operation} without a TableName is not mapped to IAM actions`);
  const indexed = (operation === 'Query' || operation === 'Scan') && input.IndexName ? `/index/${input.IndexName}` : '';
  return [{ action: `dynamodb:${operation}`, resource: `${tableArn(input.TableName)}${indexed}`, context }];
}
