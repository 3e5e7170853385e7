/**
 * Stands in for an HTTP enrichment endpoint outside the app (`RecordEnricher.fromHttpEndpoint` with a URL
 * of yours): answers, from a CSV file, the per-record GET (`/financials/{uuid}` → the row whose `uuid` column
 * is the value, as JSON; 404 without one) and the batch POST (`{ header, records }` → `{ results }`, keyed by
 * the file's first column; `null` for a record without a row), as the enricher's contract describes them
 * (src/record-enricher.ts). Values are returned as the file writes them, as strings. Requests are not
 * authenticated: a SigV4 signature is accepted unchecked. The file is read whole: endpoint data is test data.
 */
import * as fs from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { readBody } from '../shared/http-request';
import { UsageError } from '../shared/usage-error';

/** The rows of an endpoint data file. */
export interface EndpointData {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<{ readonly line: number; readonly values: Readonly<Record<string, string>> }>;
}

/** Reads an endpoint data file (CSV with a header); a file that does not parse is a {@link UsageError} naming it and the line. */
export function readEndpointData(file: string): EndpointData {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, info: true });
  } catch (error) {
    throw new UsageError(`--endpoint-data ${file}: ${(error as Error).message}`);
  }
  const header = records.length > 0 ? Object.keys(records[0].record) : [];
  if (header.length < 2) throw new UsageError(`--endpoint-data ${file}: needs a header with a key column and at least one value column, and rows`);
  return { file, header, rows: records.map(({ record, info }) => ({ line: info.lines, values: record })) };
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** An endpoint the server answers for: the enricher's URL template and how its requests are matched. */
interface Route {
  /** Per record: matches the path and query, capturing the placeholders' values. */
  readonly pattern?: RegExp;
  readonly keyColumns: readonly string[];
  readonly rows: ReadonlyMap<string, Record<string, string>>;
}

export interface EndpointDataServer {
  /** Requests answered so far. */
  readonly requests: () => number;
  /**
   * The local URL that stands for `urlTemplate` (an enricher's `ENRICH_URL`, placeholders and all):
   * the same path and query on this server. Its placeholders' columns (the first column for a batch URL)
   * must be columns of the file: a {@link UsageError} otherwise.
   */
  localUrl(urlTemplate: string): string;
  close(): Promise<void>;
}

const keyOf = (values: readonly string[]) => JSON.stringify(values);

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}


/**
 * Starts the server on a free loopback port. `faults.rate` is the share of requests answered `503`
 * (`--inject-faults enrich=R`, as the app's REST APIs answer), read at each request.
 */
export async function startEndpointDataServer(
  data: EndpointData, faults: { readonly rate: number; readonly random: () => number },
): Promise<EndpointDataServer> {
  const routes: Route[] = [];
  let requests = 0;
  const valuesOf = (row: Readonly<Record<string, string>>, keyColumns: readonly string[]) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !keyColumns.includes(column)));

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    // Each enricher's URL is served under a prefix of its own: /<route>/<its path and query>.
    const [, routeIndex, rest] = /^\/(\d+)(.*)$/.exec(req.url ?? '/') ?? [];
    const route = routeIndex === undefined ? undefined : routes[Number(routeIndex)];
    if (!route) return send(res, 404, { message: `no endpoint at ${req.url}` });
    if (route.pattern) {
      const match = req.method === 'GET' ? route.pattern.exec(rest) : null;
      if (!match) return send(res, req.method === 'GET' ? 404 : 405, { message: `expected GET ${route.pattern.source}` });
      const row = route.rows.get(keyOf(match.slice(1).map(decodeURIComponent)));
      return row ? send(res, 200, valuesOf(row, route.keyColumns)) : send(res, 404, { message: 'not found' });
    }
    if (req.method !== 'POST') return send(res, 405, { message: 'batches are POSTed' });
    const body = JSON.parse((await readBody(req)).toString('utf8')) as { header: string[]; records: Array<{ fields: string[] }> };
    const index = body.header.indexOf(route.keyColumns[0]);
    if (index < 0) return send(res, 400, { message: `the records have no column ${route.keyColumns[0]} (the first column of ${data.file})` });
    const results = body.records.map(({ fields }) => {
      const row = route.rows.get(keyOf([fields[index]]));
      return row ? valuesOf(row, route.keyColumns) : null;
    });
    return send(res, 200, { results });
  };

  const server: Server = createServer((req, res) => {
    requests++;
    if (faults.rate && faults.random() < faults.rate) return send(res, 503, { message: 'Service Unavailable' });
    return answer(req, res).catch((error) => send(res, 400, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    localUrl(urlTemplate) {
      const rest = urlTemplate.replace(/^[a-z]+:\/\/[^/?#]*/i, '') || '/';
      const placeholders = [...rest.matchAll(PLACEHOLDER)].map((m) => m[1]);
      const keyColumns = placeholders.length > 0 ? placeholders : [data.header[0]];
      const missing = keyColumns.find((column) => !data.header.includes(column));
      if (missing) throw new UsageError(`--endpoint-data ${data.file} has no column "${missing}", which the enricher's URL ${urlTemplate} is keyed by`);
      const rows = new Map<string, Record<string, string>>();
      for (const { line, values } of data.rows) {
        const key = keyOf(keyColumns.map((column) => values[column]));
        if (rows.has(key)) throw new UsageError(`--endpoint-data ${data.file} line ${line}: a second row for ${keyColumns.map((c) => `${c}=${values[c]}`).join(', ')}`);
        rows.set(key, values);
      }
      const literal = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      const pattern = placeholders.length > 0
        ? new RegExp(`^${rest.split(PLACEHOLDER).map((part, i) => (i % 2 === 1 ? '([^/?&#]*)' : literal(part))).join('')}$`)
        : undefined;
      routes.push({ pattern, keyColumns, rows });
      return `${base}/${routes.length - 1}${rest}`;
    },
    requests: () => requests,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
