import { parseRecord } from '../shared/csv-fields';
import { CsvRecord } from '../shared/csv-records';
import { HeaderError } from '../shared/errors';

/** The column names of the header record; throws `HeaderError` when they cannot name columns. */
export function readHeader(record: CsvRecord, file: string, delimiter: string): string[] {
  const { fields, invalidUtf8 } = parseRecord(record.bytes, delimiter);
  if (invalidUtf8) throw new HeaderError(file, 'the header is not valid UTF-8');
  const empty = fields.flatMap((name, i) => (name.trim() === '' ? [i + 1] : []));
  if (empty.length > 0) throw new HeaderError(file, `empty column name in column ${empty.join(', ')}`);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of fields) (seen.has(name) ? duplicates : seen).add(name);
  if (duplicates.size > 0) throw new HeaderError(file, `duplicate column name ${[...duplicates].map((n) => JSON.stringify(n)).join(', ')}`);
  return fields;
}
