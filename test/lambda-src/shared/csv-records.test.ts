import { csvRecords, csvRecordsOf, recordWithTerminator, RecordScanner } from '../../../lambda-src/shared/csv-records';
import { InputFormatError } from '../../../lambda-src/shared/errors';

const file = 'orders.csv';
const texts = (input: string | Buffer, delimiter = ',') =>
  csvRecordsOf(input, { file, delimiter }).map((r) => [r.line, r.bytes.toString('utf8')]);

/** Feeds the input in pieces cut at the given offsets. */
function scanInPieces(input: Buffer, cuts: number[]) {
  const scanner = new RecordScanner({ file });
  const records = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    records.push(...scanner.push(input.subarray(from, cut)));
    from = cut;
  }
  return records.concat(scanner.end());
}

describe('RecordScanner', () => {
  test('plain records with LF and with CRLF, last one unterminated', () => {
    expect(texts('h1,h2\na,b\nc,d')).toEqual([[1, 'h1,h2'], [2, 'a,b'], [3, 'c,d']]);
    expect(texts('h1,h2\r\na,b\r\nc,d\r\n')).toEqual([[1, 'h1,h2'], [2, 'a,b'], [3, 'c,d']]);
  });

  test('quoted fields may hold the delimiter, doubled quotes, CR and LF', () => {
    const input = 'h\n"a,b",c\n"say ""hi""",x\n"two\nlines",y\n"cr\r\nlf",z\nlast,1\n';
    expect(texts(input)).toEqual([
      [1, 'h'],
      [2, '"a,b",c'],
      [3, '"say ""hi""",x'],
      [4, '"two\nlines",y'],
      [6, '"cr\r\nlf",z'],
      [8, 'last,1'],
    ]);
  });

  test('a quote inside an unquoted field is an ordinary byte', () => {
    expect(texts('h\n5" pipe,x\nnext,y\n')).toEqual([[1, 'h'], [2, '5" pipe,x'], [3, 'next,y']]);
  });

  test('a quote after the delimiter opens a quoted field, also for other delimiters', () => {
    expect(texts('h\na;"b\nc";d\ne\n', ';')).toEqual([[1, 'h'], [2, 'a;"b\nc";d'], [4, 'e']]);
    expect(texts('h\na,"b\nc";d\ne\n', ';')).toEqual([[1, 'h'], [2, 'a,"b'], [3, 'c";d'], [4, 'e']]);
  });

  test('drops a UTF-8 BOM at the start only', () => {
    expect(texts(Buffer.from('\ufeffh\n\ufeffa\n'))).toEqual([[1, 'h'], [2, '\ufeffa']]);
  });

  test('skips blank lines but counts them', () => {
    expect(texts('\nh\n\n\r\na\n\n')).toEqual([[2, 'h'], [5, 'a']]);
  });

  test('raw keeps the skipped blank lines and the terminator, so the input can be rebuilt', () => {
    const input = 'h\r\n\na,"x\ny"\n\n\nb';
    const records = csvRecordsOf(input, { file });
    expect(records.map((r) => r.raw.toString())).toEqual(['h\r\n', '\na,"x\ny"\n', '\n\nb']);
    expect(records.map((r) => recordWithTerminator(r).toString())).toEqual(['h\r\n', 'a,"x\ny"\n', 'b']);
    expect(Buffer.concat(records.map((r) => r.raw)).toString()).toBe(input);
  });

  test('line numbers after multi-line records', () => {
    const input = 'h\n"a\n\nb",1\nc,2\n"d\r\ne\nf",3\ng,4\n';
    expect(texts(input).map(([line]) => line)).toEqual([1, 2, 5, 6, 9]);
  });

  test('an unterminated quoted field at the end names the line where the field started', () => {
    const run = () => csvRecordsOf('h\nok,1\nbad,"open\nstill\n', { file });
    expect(run).toThrow(InputFormatError);
    expect(run).toThrow('orders.csv line 3: unterminated quoted field');
  });

  test('a record longer than the limit is refused instead of buffered', () => {
    const scanner = new RecordScanner({ file, maxRecordBytes: 10 });
    expect(() => {
      scanner.push(Buffer.from('h\n"'));
      scanner.push(Buffer.from('0123456789abc'));
    }).toThrow('orders.csv line 2: unterminated quoted field');
  });

  test('gives the same records whatever the input buffer boundaries', () => {
    const input = Buffer.from('\ufeffid,"na""me"\r\n\n1,"multi\r\nline, with ""quotes"""\r\n2,é€😀\n3,"x"\n\n4,last');
    const expected = csvRecordsOf(input, { file }).map((r) => [r.line, r.bytes.toString('hex'), r.raw.toString('hex')]);
    expect(expected.map(([line]) => line)).toEqual([1, 3, 5, 6, 8]);
    for (let cut = 0; cut <= input.length; cut++) {
      for (const cuts of [[cut], [cut, Math.min(cut + 1, input.length)], [cut, Math.min(cut + 3, input.length)]]) {
        const records = scanInPieces(input, cuts).map((r) => [r.line, r.bytes.toString('hex'), r.raw.toString('hex')]);
        expect([cuts, records]).toEqual([cuts, expected]);
      }
    }
  });

  test('byte by byte', () => {
    const input = Buffer.from('\ufeffa,"b\n""c"""\r\n\r\nd,e\r\n');
    const cuts = Array.from({ length: input.length }, (_, i) => i);
    expect(scanInPieces(input, cuts).map((r) => [r.line, r.bytes.toString()])).toEqual([[1, 'a,"b\n""c"""'], [4, 'd,e']]);
  });

  test('csvRecords streams records from an async iterable', async () => {
    async function* source() {
      yield Buffer.from('h\na,"x');
      yield 'y"\nb\n';
    }
    const lines: Array<[number, string]> = [];
    for await (const r of csvRecords(source(), { file })) lines.push([r.line, r.bytes.toString()]);
    expect(lines).toEqual([[1, 'h'], [2, 'a,"xy"'], [3, 'b']]);
  });

  test('refuses a delimiter that is not one single-byte character', () => {
    expect(() => new RecordScanner({ file, delimiter: ';;' })).toThrow('the delimiter must be one ASCII character other than \'"\', CR and LF, got ";;"');
    expect(() => new RecordScanner({ file, delimiter: '§' })).toThrow(/the delimiter must be/);
    expect(() => new RecordScanner({ file, delimiter: '"' })).toThrow(/the delimiter must be/);
  });
});
