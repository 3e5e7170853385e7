/**
 * The HTTP enrichment endpoint is configured as a URL template such as
 * `https://api.example.com/financials/{uuid}`: each `{column}` is replaced by the record's
 * value of that column, URL-encoded so a value can never change the path or the query.
 */
const placeholder = /\{([^{}]+)\}/g;

/** The column names the template refers to, in order of first appearance. */
export function templateColumns(template: string): string[] {
  const names = [...template.matchAll(placeholder)].map((match) => match[1]);
  return [...new Set(names)];
}

/** Throws unless every placeholder of the template names a column of the header. */
export function checkTemplate(template: string, header: readonly string[]): void {
  const columns = templateColumns(template);
  if (columns.length === 0) {
    throw new Error(`the enrichment URL ${template} has no {column} placeholder`);
  }
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new Error(`the enrichment URL refers to ${missing.map((c) => `{${c}}`).join(', ')}, which the header does not have`);
  }
}

/** The URL for one record: each placeholder replaced by the URL-encoded field value. */
export function expandTemplate(template: string, header: readonly string[], fields: readonly string[]): string {
  return template.replace(placeholder, (_match, column: string) => {
    const index = header.indexOf(column);
    return encodeURIComponent(index >= 0 ? fields[index] ?? '' : '');
  });
}
