import { isRejectsHeader, rejectLine, rejectsHeaderLine } from '../../../lambda-src/shared/rejects-file';

test('a rejects file: line, the input\'s columns, reasons; each row its line, fields and reasons joined by "; "', () => {
  expect(rejectsHeaderLine(['id', 'a;b'], ';')).toBe('line;id;"a;b";reasons\n');
  expect(rejectLine({ line: 12, fields: ['1', 'x,y'], reasons: ['too short', 'not a number'] }, ',')).toBe('12,1,"x,y",too short; not a number\n');
});

test('its header is recognised by line first and reasons last, with columns between', () => {
  expect(isRejectsHeader(['line', 'id', 'reasons'])).toBe(true);
  expect(isRejectsHeader(['line', 'line', 'reasons', 'reasons'])).toBe(true);
  expect(isRejectsHeader(['line', 'reasons'])).toBe(false);
  expect(isRejectsHeader(['id', 'line', 'reasons'])).toBe(false);
  expect(isRejectsHeader(['line', 'id', 'reason'])).toBe(false);
});
