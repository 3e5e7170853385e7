import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';

/**
 * Creates a DynamoDB table and returns once it is ACTIVE, as CloudFormation does before anything uses it.
 * CreateTable answers while the table is still CREATING, and reads and writes are refused until it is
 * ACTIVE (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html); dynalite
 * does the same, answering "Requested resource not found" for a moment even with `createTableMs: 0`.
 */
export async function createActiveTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  // The SDK's waiter polls DescribeTable until the status is ACTIVE; a stand-in settles within milliseconds,
  // so it polls every 10 to 100 ms instead of the service's 20 s.
  await waitUntilTableExists({ client, minDelay: 0.01, maxDelay: 0.1, maxWaitTime: 30 }, { TableName: input.TableName });
}
