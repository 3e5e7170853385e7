import { dataColumns, dataRecordOf, isRejectsFile } from '../../../lambda-src/split/rejects-input';
import { CsvRecord } from '../../../lambda-src/shared/csv-records';

const record = (line: number, text: string | Buffer): CsvRecord => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return { line, bytes, raw: Buffer.concat([bytes, Buffer.from('\n')]), rawStart: 0 };
};

describe('a rejects file given back is recognised by its name and its header together', () => {
  const header = ['line', 'uuid', 'Country', 'reasons'];

  test('the name the processor publishes and its header', () => {
    expect(isRejectsFile('orders.rejects.csv', header)).toBe(true);
    expect(isRejectsFile('ORDERS.REJECTS.CSV', header)).toBe(true);
  });

  test('the header under another name is data, and another header under that name too', () => {
    expect(isRejectsFile('orders.csv', header)).toBe(false);
    expect(isRejectsFile('lines.csv', ['line', 'reasons', 'x', 'reasons'])).toBe(false);
    expect(isRejectsFile('orders.rejects.csv', ['uuid', 'Country', 'reasons'])).toBe(false);
    expect(isRejectsFile('orders.rejects.csv', ['line', 'uuid', 'Country'])).toBe(false);
    // Nothing between line and reasons: no data columns.
    expect(isRejectsFile('orders.rejects.csv', ['line', 'reasons'])).toBe(false);
  });

  test('its data columns are those between line and reasons', () => {
    expect(dataColumns(header)).toEqual(['uuid', 'Country']);
  });
});

describe('a row of a rejects file', () => {
  test('becomes the record between its line and reasons fields, byte for byte, named by its original line', () => {
    const data = dataRecordOf(record(3, '57,535113847,"Côte d\'Ivoire, ""west""",uuid: must match ^\\d{9}$; Country: too long'), 'orders.rejects.csv', ',');
    expect(data.line).toBe(57);
    expect(data.bytes.toString()).toBe('535113847,"Côte d\'Ivoire, ""west"""');
    expect(data.raw.toString()).toBe('535113847,"Côte d\'Ivoire, ""west"""\n');
  });

  test('a quoted line number, a quoted reason holding the delimiter, another delimiter', () => {
    expect(dataRecordOf(record(2, '"12";a;b;"x; y"'), 'r.rejects.csv', ';')).toMatchObject({ line: 12 });
    expect(dataRecordOf(record(2, '"12";a;b;"x; y"'), 'r.rejects.csv', ';').bytes.toString()).toBe('a;b');
    // A line break inside a quoted field stays inside the record.
    expect(dataRecordOf(record(2, '9,"a\nb",r'), 'r.rejects.csv', ',').bytes.toString()).toBe('"a\nb"');
  });

  test('invalid UTF-8 in the data is kept as it is, for validation to reject', () => {
    const bytes = Buffer.concat([Buffer.from('5,'), Buffer.from([0xff, 0xfe]), Buffer.from(',bad')]);
    expect(dataRecordOf(record(2, bytes), 'r.rejects.csv', ',').bytes).toEqual(Buffer.from([0xff, 0xfe]));
  });

  test('a row without its line and reasons, or with a line that is not one, fails naming the uploaded file\'s line', () => {
    expect(() => dataRecordOf(record(4, '12,only'), 'orders.rejects.csv', ',')).toThrow('orders.rejects.csv line 4: a row of a rejects file needs its line and reasons fields');
    for (const line of ['x', '', '1', '-3', '2.5', '99999999999999999999']) {
      expect(() => dataRecordOf(record(6, `${line},a,r`), 'orders.rejects.csv', ','))
        .toThrow(expect.objectContaining({ name: 'InputFormatError', message: expect.stringMatching(/^orders\.rejects\.csv line 6: the line column of a rejects file must hold/) }));
    }
  });
});
