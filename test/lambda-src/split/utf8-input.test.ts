import { sniffEncoding, utf8Input } from '../../../lambda-src/split/utf8-input';
import { InputEncodingName } from '../../../src/contract/handler-environment';

async function decode(pieces: Buffer[], declared: InputEncodingName): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of utf8Input(pieces, declared)) out.push(piece);
  return Buffer.concat(out);
}
const text = async (pieces: Buffer[], declared: InputEncodingName) => (await decode(pieces, declared)).toString('utf8');
/** One piece per byte: every character and BOM straddles pieces. */
const bytewise = (bytes: Buffer) => [...bytes].map((b) => Buffer.from([b]));
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

describe('Windows-1252', () => {
  // The code page's own mapping (not Node's TextDecoder, which gives C1 controls for 0x80–0x9F).
  const input = Buffer.concat([Buffer.from('name,price\n'), Buffer.from([0x52, 0xe9, 0x6e, 0xe9, 0x65, 0x2c, 0x93, 0x31, 0x30, 0x80, 0x94, 0x0a])]);

  test('decodes €, curly quotes and accented letters to UTF-8', async () => {
    expect(await text([input], 'windows-1252')).toBe('name,price\nR\u00e9n\u00e9e,\u201c10\u20ac\u201d\n');
  });

  test('gives the same bytes whatever the pieces', async () => {
    expect((await decode(bytewise(input), 'windows-1252')).equals(await decode([input], 'windows-1252'))).toBe(true);
  });

  test('turns the bytes the code page leaves undefined into U+FFFD', async () => {
    expect(await text([Buffer.from([0x41, 0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x42])], 'windows-1252')).toBe('A\ufffd\ufffd\ufffd\ufffd\ufffdB');
  });
});

test('ISO-8859-1 keeps 0x80–0x9F as C1 controls and maps the rest to the same code point', async () => {
  expect(await text([Buffer.from([0x80, 0x93, 0x94, 0x9f, 0xe9, 0xff])], 'iso-8859-1')).toBe('\u0080\u0093\u0094\u009f\u00e9\u00ff');
});

describe('UTF-8', () => {
  test('passes bytes through untouched, invalid ones included, so that records are still rejected one by one', async () => {
    const input = Buffer.concat([Buffer.from('a,é\n'), Buffer.from([0x62, 0x2c, 0xff, 0xfe, 0x0a])]);
    expect((await decode(bytewise(input), 'utf-8')).equals(input)).toBe(true);
  });

  test('drops a BOM, also when it decides over another declared encoding', async () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,€\n')]);
    expect(await text(bytewise(input), 'utf-8')).toBe('a,€\n');
    expect(await text([input], 'windows-1252')).toBe('a,€\n');
  });

  test('an input shorter than a BOM that begins like one is data', async () => {
    expect((await decode([Buffer.from([0xef, 0xbb])], 'utf-8')).equals(Buffer.from([0xef, 0xbb]))).toBe(true);
    expect(await text([Buffer.from([0xff])], 'iso-8859-1')).toBe('\u00ff');
    expect((await decode([], 'utf-16le')).length).toBe(0);
  });
});

describe('UTF-16', () => {
  const sample = 'id,name\r\n1,"Zo\u00eb \u20ac"\r\n2,\ud83d\ude00 smile\n';

  test('little-endian with its BOM, declared as UTF-8: the BOM decides', async () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')]);
    expect(await text(bytewise(input), 'utf-8')).toBe(sample);
  });

  test('big-endian, declared, without a BOM; surrogate pairs split across pieces stay whole', async () => {
    expect(await text(bytewise(utf16be(sample)), 'utf-16be')).toBe(sample);
  });

  test('a BOM overrides the declared byte order', async () => {
    expect(await text([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')], 'utf-16be')).toBe(sample);
    expect(await text([Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(sample)])], 'utf-16le')).toBe(sample);
  });

  test('an unpaired surrogate becomes U+FFFD, also at the very end', async () => {
    expect(await text(bytewise(Buffer.from('a\ud83d,b\n\ud83d', 'utf16le')), 'utf-16le')).toBe('a\ufffd,b\n\ufffd');
  });

  test('keeps the line structure: as many LFs out as in', async () => {
    const out = await decode([Buffer.from(sample, 'utf16le')], 'utf-16le');
    expect(out.filter((b) => b === 0x0a).length).toBe(3);
    expect(out.filter((b) => b === 0x0d).length).toBe(2);
  });
});

test('sniffEncoding reports the BOM it found and its length', () => {
  expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'iso-8859-1')).toEqual({ encoding: 'utf-8', bomLength: 3 });
  expect(sniffEncoding(Buffer.from([0xfe, 0xff, 0x00]), 'utf-8')).toEqual({ encoding: 'utf-16be', bomLength: 2 });
  expect(sniffEncoding(Buffer.from('ab'), 'windows-1252')).toEqual({ encoding: 'windows-1252', bomLength: 0 });
});
