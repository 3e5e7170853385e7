import { validatedRecordsOf } from '../../../lambda-src/enrich/validated-records';

test('enrich-chunk refuses validated records that are not a ValidatedChunk', () => {
  expect(() => validatedRecordsOf('{"line":2,"fields":["x"]}', ',')).toThrow(/not a ValidatedChunk/);
  expect(() => validatedRecordsOf('{"lines":[2,3],"records":["x"]}', ',')).toThrow(/not a ValidatedChunk/);
});
