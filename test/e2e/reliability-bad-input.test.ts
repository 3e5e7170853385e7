import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { CsvRows, expectFailedRun, expectNothingLost } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// Bad input through the runner: the synthesized example stack, the bundled handlers, the stand-ins.
// Each case is one run; the cases that succeed share a run where their records can live in one file.
const HEADER = ['uuid', 'Country', 'Item Type', 'Sales Channel', 'Order Priority', 'Order Date', 'Region', 'Ship Date'];
const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const work = tempFolder('e2e-bad-input-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const read = (file: string | null) => fs.readFileSync(file!, 'utf8');

function caseDir(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The financial figures of the i-th uuid, as the lookup file holds them and the output must show them. */
const figuresOf = (i: number) => [i + 1, 2.5, 1.5, (i + 1) * 2.5, (i + 1) * 1.5, i + 1].map(String);

function writeFinancials(dir: string, uuids: string[]): string {
  const file = path.join(dir, 'financials.csv');
  fs.writeFileSync(file, [['uuid', ...FIGURES].join(','), ...uuids.map((u, i) => [u, ...figuresOf(i)].join(','))].join('\n') + '\n');
  return file;
}

/**
 * An input assembled from pieces: each record's bytes, and its terminator and any blank lines
 * after it. The input line of a record is counted here from the line feeds before it.
 */
class InputFile {
  private readonly parts: Buffer[] = [];
  readonly records: Array<{ line: number; bytes: Buffer }> = [];

  constructor(header: string | Buffer, private readonly terminator: string) {
    this.parts.push(Buffer.isBuffer(header) ? header : Buffer.from(header), Buffer.from(terminator));
  }

  private get lineFeeds(): number {
    return Buffer.concat(this.parts).toString('latin1').split('\n').length - 1;
  }

  add(record: string | Buffer, after = ''): this {
    const bytes = Buffer.isBuffer(record) ? record : Buffer.from(record);
    this.records.push({ line: this.lineFeeds + 1, bytes });
    this.parts.push(bytes, Buffer.from(this.terminator + after));
    return this;
  }

  lineOf(index: number): number {
    return this.records[index].line;
  }

  write(file: string, options: { bom?: boolean; lastTerminator?: boolean } = {}): string {
    const body = Buffer.concat([...(options.bom ? [BOM] : []), ...this.parts]);
    fs.writeFileSync(file, options.lastTerminator === false ? body.subarray(0, body.length - this.terminator.length) : body);
    return file;
  }
}

describe('a file with a BOM, CRLF, blank lines, quoted delimiters and newlines, bad rows and a 3 MB field, in chunks of 3', () => {
  const big = 'A'.repeat(3_000_000);
  const input = new InputFile(HEADER.join(','), '\r\n')
    .add('100000001,"Bosnia, and\r\nHerzegovina",Snacks,Online,C,1/2/14,Europe,1/9/14')
    .add('100000002,Norway,"Baby ""Food""",Offline,H,3/4/15,"Europe\nNorth",3/5/15')
    // The last record of the first chunk, and the first of the second, hold quoted line breaks.
    .add('100000003,"Line\r\n\r\nbreaks",Fruits,Online,L,5/6/16,Asia,5/9/16', '\r\n')
    .add('100000004,"Japan\nEast",Cereal,Offline,M,7/8/17,Asia')
    .add('100000005,Japan,Cereal,Offline,M,7/8/17,Asia,7/9/17,extra')
    .add('100000006,"""Quoted""",Meat,Online,C,9/10/18,"Asia, East",9/11/18', '\r\n\n')
    .add(Buffer.concat([Buffer.from('100000007,Caf'), Buffer.from([0xe9]), Buffer.from(',Meat,Online,C,9/10/18,Europe,9/11/18')]))
    .add('100000008,Chile,Fruits,Online,H,1/1/19,"South\r\nAmerica",1/2/19')
    .add(`100000009,${big},Snacks,Online,C,1/2/14,Europe,1/9/14`)
    .add('100000010,Peru,Snacks,Offline,L,2/2/19,"Americas, South",2/3/19');
  const validIndexes = [0, 1, 2, 5, 7, 9];
  const rejected = new Map([
    [3, ['expected 8 fields, found 7']],
    [4, ['expected 8 fields, found 9']],
    [6, ['invalid UTF-8']],
    [8, ['Country: must be at most 50 characters']],
  ]);
  let result: LocalRunResult;
  let files: { output: CsvRows; rejects: CsvRows };
  beforeAll(async () => {
    const dir = caseDir('mixed');
    const file = input.write(path.join(dir, 'mixed.csv'), { bom: true, lastTerminator: false });
    const uuids = input.records.map(({ bytes }) => bytes.subarray(0, 9).toString());
    result = await runLocally({ input: file, lookup: writeFinancials(dir, uuids), chunkSize: 3, outDir: path.join(dir, 'out'), testHooks: { readRejectedRecords: true } });
    files = expectNothingLost(result, input.records.length);
  });

  test('succeeds in 4 chunks and counts every record once', () => {
    expect(result.chunks).toBe(4);
    expect(result.records).toEqual({ total: 10, valid: validIndexes.length, rejected: rejected.size });
  });

  test('publishes the valid records byte for byte, quoted delimiters, CR/LF and doubled quotes included, without the BOM', () => {
    const expected = [[...HEADER, ...FIGURES].join(','), ...validIndexes.map((i) => [input.records[i].bytes.toString(), ...figuresOf(i)].join(','))];
    expect(fs.readFileSync(result.output!).toString('utf8')).toBe(expected.join('\n') + '\n');
  });

  test('rejects the short, long, non-UTF-8 and oversized rows with their physical input lines and reasons', () => {
    expect(files.rejects.header).toEqual(['line', ...HEADER, 'reasons']);
    const expected = [...rejected].map(([i, reasons]) => [input.lineOf(i), reasons.join('; ')]);
    expect(files.rejects.rows.map((row) => [Number(row[0]), row[row.length - 1]])).toEqual(expected);
    // Blank lines are skipped but counted: the line numbers above are physical lines.
    expect(input.lineOf(6)).toBe(16);
  });

  test('keeps the 3 MB field whole in the rejects file and shortened, marked, in the rejected-records table', () => {
    const line = input.lineOf(8);
    const row = files.rejects.rows.find((r) => Number(r[0]) === line)!;
    expect(row[2]).toBe(big);
    const item = result.rejectedRecords!.find((r) => r.line === line)!;
    expect(item.reasons).toEqual(['Country: must be at most 50 characters']);
    expect(item.fields[0]).toBe('100000009');
    expect(item.fields[1].length).toBeLessThan(400 * 1024);
    expect(item.fields[1]).toMatch(/^A+…\[truncated: 3000000 bytes in all/);
    expect(item.fields.slice(2)).toEqual(['Snacks', 'Online', 'C', '1/2/14', 'Europe', '1/9/14']);
  });

  test('stores every other reject whole in the table', () => {
    for (const [i, reasons] of rejected) {
      if (i === 8) continue;
      const item = result.rejectedRecords!.find((r) => r.line === input.lineOf(i))!;
      expect(item.reasons).toEqual(reasons);
      expect(item.fields[0]).toBe(input.records[i].bytes.subarray(0, 9).toString());
    }
  });
});

test('a header-only file succeeds with 0 records', async () => {
  const dir = caseDir('header-only');
  const file = path.join(dir, 'header-only.csv');
  fs.writeFileSync(file, `${HEADER.join(',')}\r\n`);
  const result = await runLocally({ input: file, chunkSize: 3, outDir: path.join(dir, 'out'), testHooks: { readRejectedRecords: true } });
  expectNothingLost(result, 0);
  expect(result.records).toEqual({ total: 0, valid: 0, rejected: 0 });
  expect(result.emails).toHaveLength(1);
  expect(result.objects.some((key) => key.startsWith('archive/'))).toBe(true);
});

test('a file of one chunk and one record, delimited by ";", keeps commas as data and quotes only what holds ";"', async () => {
  const dir = caseDir('semicolon');
  const input = new InputFile(HEADER.join(';'), '\n')
    .add('100000001;"Bosnia; and Herzegovina";Snacks;Online;C;1/2/14;Europe, South;1/9/14')
    .add('100000002;Norway;Baby Food;Offline;H;3/4/15;Europe;3/5/15')
    .add('100000003;Japan;Cereal;Offline;M;7/8/17;Asia;7/9/17;extra')
    .add('100000004;"Line\nbreak";Fruits;Online;L;5/6/16;Asia;5/9/16')
    .add('100000005;Chile;"Fruits ""dried""";Online;H;1/1/19;America;1/2/19');
  const file = input.write(path.join(dir, 'semicolon.csv'));
  const uuids = input.records.map(({ bytes }) => bytes.subarray(0, 9).toString());
  const result = await runLocally({
    input: file, lookup: writeFinancials(dir, uuids), delimiter: ';', chunkSize: 4, outDir: path.join(dir, 'out'), testHooks: { readRejectedRecords: true },
  });
  const { rejects } = expectNothingLost(result, 5, ';');
  expect(result.chunks).toBe(2);
  const valid = [0, 1, 3, 4];
  const expected = [[...HEADER, ...FIGURES].join(';'), ...valid.map((i) => [input.records[i].bytes.toString(), ...figuresOf(i)].join(';'))];
  expect(read(result.output)).toBe(expected.join('\n') + '\n');
  expect(rejects.rows.map((row) => [Number(row[0]), row[row.length - 1]])).toEqual([[4, 'expected 8 fields, found 9']]);
});

test('a tab-delimited file is split on tabs, with a quoted tab kept as data', async () => {
  const dir = caseDir('tab');
  const input = new InputFile(HEADER.join('\t'), '\r\n')
    .add('100000001\t"Bosnia\tand Herzegovina"\tSnacks\tOnline\tC\t1/2/14\tEurope\t1/9/14')
    .add('100000002\tNorway, North\tBaby Food\tOffline\tH\t3/4/15\tEurope\t3/5/15')
    .add('100000003\tJapan\tCereal\tOffline\tM\t7/8/17\tAsia');
  const file = input.write(path.join(dir, 'tab.csv'));
  const uuids = input.records.map(({ bytes }) => bytes.subarray(0, 9).toString());
  const result = await runLocally({
    input: file, lookup: writeFinancials(dir, uuids), delimiter: '\t', chunkSize: 2, outDir: path.join(dir, 'out'), testHooks: { readRejectedRecords: true },
  });
  const { output, rejects } = expectNothingLost(result, 3, '\t');
  expect(output.rows.map((row) => row[1])).toEqual(['Bosnia\tand Herzegovina', 'Norway, North']);
  expect(read(result.output).split('\n')[1]).toBe([input.records[0].bytes.toString(), ...figuresOf(0)].join('\t'));
  expect(rejects.rows.map((row) => [Number(row[0]), row[row.length - 1]])).toEqual([[4, 'expected 8 fields, found 7']]);
});

describe('files the pipeline cannot read fail the run, name the cause, keep the input and publish nothing', () => {
  const runFile = async (name: string, body: string | Buffer) => {
    const dir = caseDir(name);
    const file = path.join(dir, `${name}.csv`);
    fs.writeFileSync(file, body);
    return runLocally({ input: file, chunkSize: 3, outDir: path.join(dir, 'out') });
  };

  test('an empty file', async () => {
    expectFailedRun(await runFile('empty', ''), 'empty.csv', 'EmptyFile', /empty\.csv is empty/);
  });

  test('an unterminated quote, named by the line where it opened', async () => {
    const input = new InputFile(HEADER.join(','), '\r\n')
      .add('100000001,Norway,Snacks,Online,C,1/2/14,Europe,1/9/14')
      .add('100000002,"Bosnia\r\nand",Snacks,Online,C,1/2/14,Europe,1/9/14', '\r\n')
      .add('100000003,Japan,Cereal,Offline,M,7/8/17,Asia,7/9/17')
      .add('100000004,"Japan,Cereal,Offline,M,7/8/17,Asia,7/9/17')
      .add('100000005,Chile,Fruits,Online,H,1/1/19,America,1/2/19');
    const dir = caseDir('stray-quote');
    const file = input.write(path.join(dir, 'stray-quote.csv'));
    const result = await runLocally({ input: file, chunkSize: 2, outDir: path.join(dir, 'out') });
    expect(input.lineOf(3)).toBe(7);
    expectFailedRun(result, 'stray-quote.csv', 'InputFormatError', /stray-quote\.csv line 7: unterminated quoted field/);
  });

  test('a header with a duplicate column name', async () => {
    const header = HEADER.map((name) => (name === 'Region' ? 'Country' : name)).join(',');
    const result = await runFile('duplicate-header', `${header}\n100000001,Norway,Snacks,Online,C,1/2/14,Europe,1/9/14\n`);
    expectFailedRun(result, 'duplicate-header.csv', 'HeaderError', /line 1 \(header\): duplicate column name "Country"/);
  });

  test('a header with an empty column name', async () => {
    const header = HEADER.map((name) => (name === 'Item Type' ? ' ' : name)).join(',');
    const result = await runFile('empty-column', `${header}\n100000001,Norway,Snacks,Online,C,1/2/14,Europe,1/9/14\n`);
    expectFailedRun(result, 'empty-column.csv', 'HeaderError', /line 1 \(header\): empty column name in column 3/);
  });
});
