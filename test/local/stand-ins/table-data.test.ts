import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { LOCAL_CREDENTIALS, StandIns, startStandIns } from '../../../local/stand-ins/stand-ins';
import { checkTableData, loadTableData, SeedTable } from '../../../local/stand-ins/table-data';
import { LocalTable } from '../../../local/template/cloud-assembly';
import { tempFolder } from '../../support/temp-folder';

const TABLE: LocalTable = {
  name: 'lookup',
  path: 'Stack/Lookup',
  keySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
};
const ROWS = 4_321; // more than two 2,000-item batches, and not a multiple of one

/** Checks the file against the table, then loads it: what a run does with each --table-data. */
const load = async (seed: SeedTable, table: LocalTable, file: string) => loadTableData(seed, await checkTableData(table, file));

describe('CSV table data', () => {
  let standIns: StandIns;
  let client: DynamoDBClient;
  let dir: string;

  beforeAll(async () => {
    standIns = await startStandIns();
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: standIns.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS });
    await createActiveTable(client, { TableName: TABLE.name, KeySchema: TABLE.keySchema as any, AttributeDefinitions: TABLE.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST' });
    dir = tempFolder('lookup-table-test-');
  }, 30_000);
  afterAll(async () => {
    client.destroy();
    await standIns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('loads every row, numbers as N, a column with any non-number as S', async () => {
    const lines = ['uuid,units,code'];
    // `code` is numeric on every row but the last: it must stay a string throughout.
    for (let i = 0; i < ROWS; i++) lines.push(`id-${i},${i * 3},${i === ROWS - 1 ? 'X1' : String(i)}`);
    const file = path.join(dir, 'lookup.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    await expect(load(standIns.seedTable, TABLE, file)).resolves.toBe(ROWS);

    let count = 0;
    let start: any;
    do {
      const page = await client.send(new ScanCommand({ TableName: TABLE.name, Select: 'COUNT', ExclusiveStartKey: start }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    expect(count).toBe(ROWS);
    const item = (await client.send(new GetItemCommand({ TableName: TABLE.name, Key: { uuid: { S: 'id-7' } } }))).Item;
    expect(item).toEqual({ uuid: { S: 'id-7' }, units: { N: '21' }, code: { S: '7' } });
  }, 60_000);

  test('stops at the first batch that fails, with its error, and sends nothing after it', async () => {
    const file = path.join(dir, 'failing.csv');
    fs.writeFileSync(file, `uuid,units\n${Array.from({ length: 7_000 }, (_, i) => `k${i},${i}`).join('\n')}\n`);
    const batches: number[] = [];
    const seed = async (_table: string, items: unknown[]) => {
      batches.push(items.length);
      if (batches.length === 2) throw new Error('disk full');
    };
    await expect(load(seed, TABLE, file)).rejects.toThrow('disk full');
    expect(batches).toEqual([2_000, 2_000]);
  });

  test('a binary key is read as base64 and numbers stored as DynamoDB returns them', async () => {
    const binary: LocalTable = { ...TABLE, name: 'binary-lookup', path: 'Stack/BinaryLookup', attributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'B' }] };
    await createActiveTable(client, { TableName: binary.name, KeySchema: binary.keySchema as any, AttributeDefinitions: binary.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST' });
    const file = path.join(dir, 'binary.csv');
    fs.writeFileSync(file, `uuid,price\n${Buffer.from([0, 1, 254]).toString('base64')},12.50\n${Buffer.from('key').toString('base64')},007\n`);
    await expect(load(standIns.seedTable, binary, file)).resolves.toBe(2);
    const get = async (bytes: Buffer) => (await client.send(new GetItemCommand({ TableName: binary.name, Key: { uuid: { B: bytes } } }))).Item;
    expect(await get(Buffer.from([0, 1, 254]))).toEqual({ uuid: { B: Uint8Array.from([0, 1, 254]) }, price: { N: '12.5' } });
    expect(await get(Buffer.from('key'))).toEqual({ uuid: { B: Uint8Array.from(Buffer.from('key')) }, price: { N: '7' } });
    expect((await client.send(new ScanCommand({ TableName: binary.name }))).Count).toBe(2);
  });

  test('names the file and line of a row DynamoDB would refuse to store', async () => {
    const file = path.join(dir, 'too-many-digits.csv');
    // Over two batches: the refused row is in the second, line 2,503.
    const rows = Array.from({ length: 3_000 }, (_, i) => `big-${i},${i === 2_501 ? '1'.repeat(39) : String(i)}`);
    fs.writeFileSync(file, `uuid,units\n${rows.join('\n')}\n`);
    await expect(load(standIns.seedTable, TABLE, file)).rejects.toThrow(`${file} line 2503: Attempting to store more than 38 significant digits in a Number`);
  });

  test('refuses a file without the table key column', async () => {
    const file = path.join(dir, 'no-key.csv');
    fs.writeFileSync(file, 'id,units\na,1\n');
    await expect(load(standIns.seedTable, TABLE, file)).rejects.toThrow(`${file}: no "uuid" column (the key of table Stack/Lookup)`);
  });

  test('names the file, line and reason of a row with an empty key or the wrong number of fields, and writes nothing', async () => {
    const emptyKey = path.join(dir, 'empty-key.csv');
    fs.writeFileSync(emptyKey, 'uuid,units\nk1,1\n,2\nk3,3\n');
    const ragged = path.join(dir, 'ragged.csv');
    fs.writeFileSync(ragged, 'uuid,units\nk1,1\nk2\n');
    const seeded: unknown[] = [];
    const seed = async (_table: string, items: unknown[]) => { seeded.push(...items); };
    await expect(load(seed, TABLE, emptyKey)).rejects.toThrow(`${emptyKey} line 3: the "uuid" column (the table's key) is empty`);
    await expect(load(seed, TABLE, ragged)).rejects.toThrow(`${ragged} line 3: 1 field, but the header has 2`);
    const unclosed = path.join(dir, 'unclosed.csv');
    fs.writeFileSync(unclosed, 'uuid,units\nk1,1\nk2,"2\nk3,3\n');
    await expect(load(seed, TABLE, unclosed)).rejects.toThrow(new RegExp(`^${unclosed} line 3: unterminated quoted field`));
    expect(seeded).toEqual([]);
  });
});

describe('table data checked before anything is written', () => {
  const dir = tempFolder('table-data-test-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const NUMBERED: LocalTable = {
    name: 'orders',
    path: 'Stack/Orders',
    keySchema: [{ AttributeName: 'region', KeyType: 'HASH' }, { AttributeName: 'order', KeyType: 'RANGE' }],
    attributeDefinitions: [{ AttributeName: 'region', AttributeType: 'S' }, { AttributeName: 'order', AttributeType: 'N' }],
  };
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const itemsOf = async (table: LocalTable, file: string) => {
    const seeded: unknown[] = [];
    await load(async (_table, items) => { seeded.push(...items); }, table, file);
    return seeded;
  };

  test('CSV: keys typed as the table declares them, an empty cell left out, a numeric column as numbers', async () => {
    const file = write('orders.csv', 'region,order,price,note\neu,1,9.5,fragile\nus,2,,\n');
    await expect(itemsOf(NUMBERED, file)).resolves.toEqual([
      { region: { S: 'eu' }, order: { N: '1' }, price: { N: '9.5' }, note: { S: 'fragile' } },
      { region: { S: 'us' }, order: { N: '2' } },
    ]);
  });

  test('CSV: a key that is not of its type is refused naming the line', async () => {
    const file = write('bad-key.csv', 'region,order\neu,1\nus,two\n');
    await expect(checkTableData(NUMBERED, file)).rejects.toThrow(`${file} line 3: the key "order" must be a number, got "two"`);
  });

  test('JSON Lines: plain JSON items and DynamoDB JSON items (as an S3 export writes them), blank lines skipped', async () => {
    const file = write('orders.jsonl', [
      '{"region":"eu","order":1,"price":9.5,"tags":["a"],"gift":true}',
      '',
      '{"Item":{"region":{"S":"us"},"order":{"N":"2"},"price":{"N":"3"}}}',
    ].join('\n'));
    await expect(itemsOf(NUMBERED, file)).resolves.toEqual([
      { region: { S: 'eu' }, order: { N: '1' }, price: { N: '9.5' }, tags: { L: [{ S: 'a' }] }, gift: { BOOL: true } },
      { region: { S: 'us' }, order: { N: '2' }, price: { N: '3' } },
    ]);
  });

  test.each([
    ['not JSON', '{"region":"eu","order":1}\n{"region": eu}\n', /line 2: not JSON \(/],
    ['not an object', '[1,2]\n', /line 1: not a JSON object/],
    ['a key missing', '{"region":"eu","order":1}\n{"region":"us"}\n', /line 2: the item needs the key "order" as a number/],
    ['a key of the wrong type', '{"region":"eu","order":"1"}\n', /line 1: the item needs the key "order" as a number/],
  ])('JSON Lines: %s is refused naming the file and line, and nothing is written', async (_name, text, message) => {
    const file = write(`${_name.replace(/ /g, '-')}.jsonl`, text);
    const seeded: unknown[] = [];
    await expect(load(async (_table, items) => { seeded.push(...items); }, NUMBERED, file)).rejects.toThrow(message);
    await expect(checkTableData(NUMBERED, file)).rejects.toThrow(file);
    expect(seeded).toEqual([]);
  });
});
