import { Lookup } from './lookup';

export interface ColumnChoice {
  /** The enricher's fields: the columns to append, whatever the source answers. */
  readonly fields?: readonly string[];
  /** Columns of the answer never appended (the lookup key, which the record already holds). */
  readonly exclude: readonly string[];
  readonly order: 'answer' | 'name';
}

/**
 * The columns appended to every record of a chunk. Without the enricher's fields they are fixed by the
 * first record (in input order, so the result does not depend on which request finished first)
 * that found data; later answers contribute values by those names, and a chunk with no data
 * at all appends nothing.
 */
export function selectColumns(lookups: readonly Lookup[], choice: ColumnChoice): string[] {
  if (choice.fields !== undefined) return [...choice.fields];
  const first = lookups.find((lookup) => 'values' in lookup);
  if (first === undefined || !('values' in first)) return [];
  const names = Object.keys(first.values).filter((name) => !choice.exclude.includes(name));
  return choice.order === 'name' ? names.sort() : names;
}
