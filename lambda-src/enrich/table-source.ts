import { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getItemsByKey } from './batch-get-items';
import { EnrichmentSource, Lookup, ValidRecord, noDataReason } from './lookup';
import { RetryOptions, RetryPolicy } from '../shared/retry-policy';

export interface TableSourceOptions {
  readonly tableName: string;
  /** The record column whose value is the item's key. */
  readonly keyColumn: string;
  /** The table's partition key attribute (type S). */
  readonly keyAttribute: string;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly client: DynamoDBClient;
  readonly retryOptions?: RetryOptions;
}

/** A DynamoDB attribute as CSV text: numbers keep their exact decimal text. */
export function attributeText(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS;
  if (value.L !== undefined) return value.L.map(attributeText);
  if (value.M !== undefined) return itemValues(value.M);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  return null;
}

function itemValues(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeText(value)]));
}

/** Looks records up by key in a DynamoDB table, 100 distinct keys per BatchGetItem call. */
export class TableSource implements EnrichmentSource {
  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'name' as const;

  constructor(private readonly options: TableSourceOptions) {
    this.keyColumns = [options.keyColumn];
    this.answerKeys = [options.keyAttribute];
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const column = header.indexOf(this.options.keyColumn);
    if (column < 0) throw new Error(`the enricher's keyColumn ${this.options.keyColumn} is not a column of the header`);
    const keyOf = (record: ValidRecord) => record.fields[column] ?? '';
    const found = await getItemsByKey(records.map(keyOf), this.options);
    return records.map((record) => {
      const item = found.get(keyOf(record));
      return item ? { values: itemValues(item) } : { reason: noDataReason(this.keyColumns, header, record.fields) };
    });
  }
}
