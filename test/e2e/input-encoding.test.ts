import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';
import { runLocally } from '../../local/run/runner';
import { ORDER_HEADER } from '../../local/samples/sample-orders';
import { InputEncoding } from '../../src';
import { tempFolder } from '../support/temp-folder';

// End to end through the runner: a Windows-1252 orders file becomes UTF-8 output and rejects.
const work = tempFolder('e2e-encoding-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];

// Written by hand, so that the expected text does not come from the code under test.
const RECORDS = [
  '100000001,Curaçao,Crème brûlée,Online,C,1/2/14,Caribbean € zone,1/9/14',
  '100000002,"Côte\nd’Ivoire","Baby “Food”",Offline,H,3/4/15,Sub-Saharan Africa,3/5/15',
  '100000003,Österreich,Café – Früchte,Online,L,5/6/16,Europe,5/9/16',
  '100000004,España,Señal…,Offline,M,not a date,Europe,7/9/17',
  '100000005,Ísland,Þorramatur,Online,C,9/10/18,Europe,9/11/18',
];

test('a Windows-1252 file with accented names, € and curly quotes yields UTF-8 output equal to an independent decoding', async () => {
  const dir = path.join(work, 'cp1252');
  fs.mkdirSync(dir, { recursive: true });
  const text = `${ORDER_HEADER.join(',')}\r\n${RECORDS.join('\r\n')}\r\n`;
  const input = path.join(dir, 'orders.csv');
  const encoded = iconv.encode(text, 'windows-1252');
  // The code page's own bytes: € 0x80, “ 0x93, ” 0x94, ’ 0x92, – 0x96, … 0x85, é 0xE9.
  for (const byte of [0x80, 0x93, 0x94, 0x92, 0x96, 0x85, 0xe9]) expect(encoded.includes(byte)).toBe(true);
  fs.writeFileSync(input, encoded);
  const lookup = path.join(dir, 'financials.csv');
  fs.writeFileSync(lookup, ['uuid,unitsSold,unitPrice,unitCost,totalRevenue,totalCost,totalProfit',
    ...RECORDS.map((_, i) => `10000000${i + 1},${i + 1},2.5,1.5,${(i + 1) * 2.5},${(i + 1) * 1.5},${i + 1}`)].join('\n'));

  const result = await runLocally({ input, lookup, chunkSize: 2, encoding: InputEncoding.WINDOWS_1252, outDir: path.join(dir, 'out') });

  expect(result.status).toBe('SUCCEEDED');
  expect(result.records).toEqual({ total: 5, valid: 4, rejected: 1 });
  const output = fs.readFileSync(result.output!);
  // Valid UTF-8 throughout, and the same records as iconv-lite's own decoding of the input.
  expect(Buffer.from(output.toString('utf8'), 'utf8').equals(output)).toBe(true);
  const decodedInput = parse(iconv.decode(encoded, 'windows-1252')) as string[][];
  const expected = [[...decodedInput[0], ...FIGURES], ...[0, 1, 2, 4].map((i) => [...decodedInput[i + 1], ...FIGURES.map((_, f) => [
    `${i + 1}`, '2.5', '1.5', `${(i + 1) * 2.5}`, `${(i + 1) * 1.5}`, `${i + 1}`,
  ][f])])];
  expect(parse(output.toString('utf8'))).toEqual(expected);
  expect(output.toString('utf8')).toContain('100000001,Curaçao,Crème brûlée,Online,C,1/2/14,Caribbean € zone,1/9/14,');
  expect(output.toString('utf8')).toContain('"Côte\nd’Ivoire",Baby “Food”,');

  // The rejected record keeps its input line (the quoted line break in record 2 counts) and its text in UTF-8.
  const rejects = parse(fs.readFileSync(result.rejects!, 'utf8'), { relax_column_count: true }) as string[][];
  expect(rejects).toHaveLength(2);
  expect(rejects[1].slice(0, 4)).toEqual(['6', '100000004', 'España', 'Señal…']);
});
