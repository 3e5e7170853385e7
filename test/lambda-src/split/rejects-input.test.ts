import { parseRecord } from '../../../lambda-src/shared/csv-fields';
import { csvRecordsOf, CsvRecord } from '../../../lambda-src/shared/csv-records';
import { rejectLine, rejectsHeaderLine } from '../../../lambda-src/shared/rejects-file';
import { isRejectsFile, RejectsFileRows } from '../../../lambda-src/split/rejects-input';

const record = (line: number, text: string | Buffer): CsvRecord => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return { line, bytes, raw: Buffer.concat([bytes, Buffer.from('\n')]), rawStart: 0 };
};

describe('a rejects file given back is recognised by its name and its header together', () => {
  const header = ['line', 'uuid', 'Country', 'reasons'];

  test('the name the processor publishes, compressed or not, and its header', () => {
    expect(isRejectsFile('orders.rejects.csv', header)).toBe(true);
    expect(isRejectsFile('input/sub/ORDERS.REJECTS.CSV', header)).toBe(true);
    expect(isRejectsFile('orders.rejects.csv.gz', header)).toBe(true);
  });

  test('the header under another name is data, and another header under that name too', () => {
    expect(isRejectsFile('orders.csv', header)).toBe(false);
    expect(isRejectsFile('orders.rejects.csv.bak.csv', header)).toBe(false);
    expect(isRejectsFile('.rejects.csv', header)).toBe(false);
    expect(isRejectsFile('orders.rejects.csv', ['uuid', 'Country', 'reasons'])).toBe(false);
    expect(isRejectsFile('orders.rejects.csv', ['line', 'uuid', 'Country'])).toBe(false);
    expect(isRejectsFile('orders.rejects.csv', ['Line', 'uuid', 'Reasons'])).toBe(false);
    // Nothing between line and reasons: no data columns.
    expect(isRejectsFile('orders.rejects.csv', ['line', 'reasons'])).toBe(false);
  });
});

describe('the header of a rejects file given back', () => {
  test('is the original input\'s: its bytes between line and reasons, whatever their quoting', () => {
    const rows = new RejectsFileRows('orders.rejects.csv', ',');
    expect(rows.header(record(1, '"line","a,b",c,"reasons"')).bytes.toString()).toBe('"a,b",c');
    // An input that had its own line and reasons columns: only the first and the last are the processor's.
    expect(rows.header(record(1, 'line,line,x,reasons,reasons')).bytes.toString()).toBe('line,x,reasons');
  });
});

describe('a row of a rejects file given back', () => {
  const rowsOf = (delimiter = ',') => new RejectsFileRows('orders.rejects.csv', delimiter);

  test('becomes the record between its line and reasons fields, byte for byte, named by its original line', () => {
    const data = rowsOf().record(record(3, '57,535113847,"Côte d\'Ivoire, ""west""",uuid: must match ^\\d{9}$; Country: too long'));
    expect(data.line).toBe(57);
    expect(data.bytes.toString()).toBe('535113847,"Côte d\'Ivoire, ""west"""');
    expect(data.raw.toString()).toBe('535113847,"Côte d\'Ivoire, ""west"""\n');
  });

  test('a quoted line number, a quoted reason holding the delimiter, another delimiter', () => {
    expect(rowsOf(';').record(record(2, '"12";a;b;"x; y"'))).toMatchObject({ line: 12 });
    expect(rowsOf(';').record(record(2, '"12";a;b;"x; y"')).bytes.toString()).toBe('a;b');
    // A line break inside a quoted field stays inside the record.
    expect(rowsOf().record(record(2, '9,"a\nb",r')).bytes.toString()).toBe('"a\nb"');
  });

  test('quotes are read as the CSV dialect reads them: only a field\'s first quote opens one', () => {
    // `ab"c` is an ordinary field; text after a closing quote belongs to the field.
    expect(rowsOf().record(record(2, '5,ab"c,d,r')).bytes.toString()).toBe('ab"c,d');
    expect(rowsOf().record(record(2, '5,"a,b"x,"""",r')).bytes.toString()).toBe('"a,b"x,""""');
  });

  test('invalid UTF-8 in the data is kept as it is, for validation to reject', () => {
    const bytes = Buffer.concat([Buffer.from('5,'), Buffer.from([0xff, 0xfe]), Buffer.from(',bad')]);
    expect(rowsOf().record(record(2, bytes)).bytes).toEqual(Buffer.from([0xff, 0xfe]));
  });

  test('a row without its line and reasons, or with a line that is not one, fails naming the uploaded file\'s line', () => {
    expect(() => rowsOf().record(record(4, '12,only'))).toThrow('orders.rejects.csv line 4: a row of a rejects file needs its line and reasons fields');
    for (const line of ['x', '', '1', '-3', '2.5', '99999999999999999999']) {
      expect(() => rowsOf().record(record(6, `${line},a,r`)))
        .toThrow(expect.objectContaining({ name: 'InputFormatError', message: expect.stringMatching(/^orders\.rejects\.csv line 6: the line column of a rejects file must hold/) }));
    }
  });

  test('rows keep the order of their lines, each line once, as the processor wrote them', () => {
    const rows = rowsOf();
    expect(rows.record(record(2, '7,a,r')).line).toBe(7);
    expect(rows.record(record(3, '40,b,r')).line).toBe(40);
    expect(() => rows.record(record(4, '40,c,r'))).toThrow(
      expect.objectContaining({ name: 'InputFormatError', message: 'orders.rejects.csv line 4: the rows of a rejects file must keep the order of their lines in the original input, each line once: line 40 comes after line 40' }));
    const resorted = rowsOf();
    resorted.record(record(2, '9,a,r'));
    expect(() => resorted.record(record(3, '8,b,r'))).toThrow('orders.rejects.csv line 3: the rows of a rejects file must keep the order of their lines in the original input, each line once: line 8 comes after line 9');
  });
});

test('what the processor writes is read back as it was rejected: the same line and fields', () => {
  const header = ['id', 'note, with comma', 'quote "q"'];
  const rejected = [
    { line: 3, fields: ['1', 'a;b', 'say "hi"'], reasons: ['bad', 'worse'] },
    { line: 12, fields: ['2', 'multi\nline', ''], reasons: ['id: too short'] },
  ];
  for (const delimiter of [',', ';', '\t']) {
    const file = rejectsHeaderLine(header, delimiter) + rejected.map((r) => rejectLine(r, delimiter)).join('');
    const [headerRecord, ...rowRecords] = csvRecordsOf(file, { file: 'orders.rejects.csv', delimiter });
    expect(isRejectsFile('orders.rejects.csv', parseRecord(headerRecord.bytes, delimiter).fields)).toBe(true);
    const rows = new RejectsFileRows('orders.rejects.csv', delimiter);
    expect(parseRecord(rows.header(headerRecord).bytes, delimiter).fields).toEqual(header);
    const back = rowRecords.map((r) => rows.record(r)).map((r) => ({ line: r.line, fields: parseRecord(r.bytes, delimiter).fields }));
    expect(back).toEqual(rejected.map(({ line, fields }) => ({ line, fields })));
  }
});
