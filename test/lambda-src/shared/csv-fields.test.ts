import { formatField, formatRecord, parseRecord, splitFields } from '../../../lambda-src/shared/csv-fields';
import { csvRecordsOf } from '../../../lambda-src/shared/csv-records';

describe('splitFields', () => {
  test('unquoted fields, empty fields and a trailing delimiter', () => {
    expect(splitFields('a,,b,', ',')).toEqual(['a', '', 'b', '']);
    expect(splitFields('a\tb', '\t')).toEqual(['a', 'b']);
  });

  test('quoted fields with the delimiter, doubled quotes, CR and LF', () => {
    expect(splitFields('"a,b","say ""hi""","x\r\ny",""', ',')).toEqual(['a,b', 'say "hi"', 'x\r\ny', '']);
  });

  test('a quote inside an unquoted field and text after a closing quote are kept as written', () => {
    expect(splitFields('5" pipe,"ab"cd,e', ',')).toEqual(['5" pipe', 'abcd', 'e']);
  });
});

describe('parseRecord', () => {
  test('flags bytes that are not UTF-8', () => {
    const bad = Buffer.concat([Buffer.from('a,'), Buffer.from([0xc3, 0x28]), Buffer.from(',c')]);
    const parsed = parseRecord(bad, ',');
    expect(parsed.invalidUtf8).toBe(true);
    expect(parsed.fields).toHaveLength(3);
  });

  test('accepts valid UTF-8, including a literal U+FFFD, and gives the decoded text', () => {
    expect(parseRecord(Buffer.from('é,\ufffd,😀'), ',')).toEqual({ fields: ['é', '\ufffd', '😀'], text: 'é,\ufffd,😀', invalidUtf8: false });
  });
});

describe('formatRecord', () => {
  test('quotes only fields that need it', () => {
    expect(formatField('plain text', ',')).toBe('plain text');
    expect(formatRecord(['a,b', 'say "hi"', 'x\ny', 'cr\r', 'semi;colon', ''], ',')).toBe('"a,b","say ""hi""","x\ny","cr\r",semi;colon,');
    expect(formatRecord(['semi;colon', 'a,b'], ';')).toBe('"semi;colon";a,b');
  });

  test('quotes a record of one empty field, which would otherwise be a blank line', () => {
    expect(formatRecord([''], ',')).toBe('""');
    expect(formatRecord(['', ''], ',')).toBe(',');
  });

  test('minimally quoted records round-trip byte for byte through scan, parse and format', () => {
    const input = 'id,"na,me","q""uote","multi\r\nline",plain\n"x\ny",,"",z,"a,b"\n';
    for (const record of csvRecordsOf(input, { file: 't.csv' })) {
      const { fields } = parseRecord(record.bytes, ',');
      const formatted = formatRecord(fields, ',');
      // An empty quoted field ("") is the one spelling that minimal quoting does not reproduce.
      expect(formatted).toBe(record.bytes.toString().replace(',"",', ',,'));
    }
  });
});
