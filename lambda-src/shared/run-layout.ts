/**
 * Where a run's files live in the bucket. Every handler derives keys from here, so the layout
 * is defined once; the construct scopes its grants to the same prefixes.
 *
 *   <input>/orders.csv                       the upload that started the run
 *   <work>/<runId>/run.json                  the run plan (header, keys, counts)
 *   <work>/<runId>/manifest.json             the chunk list the Distributed Map reads
 *   <work>/<runId>/chunks/00000.csv          header + the chunk's records, verbatim
 *   <work>/<runId>/validated/00000.json      valid records awaiting enrichment (a ValidatedChunk)
 *   <work>/<runId>/processed/00000.csv       header + the chunk's processed records
 *   <work>/<runId>/rejects/00000.validation.jsonl, 00000.enrichment.jsonl
 *   <work>/<runId>/failures/0                the error of a failed chunk (Cause; code in metadata `error`)
 *   <work>/<runId>/map-results/<map run id>/manifest.json, SUCCEEDED_0.json, FAILED_0.json…
 *                                            the Distributed Map's results, written by its ResultWriter
 *   <work>/<runId>/merged/orders.csv, orders.rejects.csv
 *                                            the merged output and rejects, staged until the run publishes them
 *   <output>/<runId>/orders.csv              the merged output (published last)
 *   <output>/<runId>/orders.rejects.csv      line, original fields, reasons
 *   <output>/<runId>/summary.json            the run summary, on success and on failure
 *   <archive>/<runId>/orders.csv             the input, once processed, as it was uploaded
 *
 * An upload `orders.csv.gz` is published as `orders.csv` and `orders.rejects.csv`, and archived
 * as `orders.csv.gz`.
 */

export interface Prefixes {
  readonly input: string;
  readonly output: string;
  readonly archive: string;
  readonly work: string;
}

/** Reads the prefixes from the handler's environment (set by the construct). */
export function prefixesFromEnv(env: NodeJS.ProcessEnv = process.env): Prefixes {
  return {
    input: env.INPUT_PREFIX ?? 'input/',
    output: env.OUTPUT_PREFIX ?? 'output/',
    archive: env.ARCHIVE_PREFIX ?? 'archive/',
    work: env.WORK_PREFIX ?? 'runs/',
  };
}

const pad = (index: number) => String(index).padStart(5, '0');

/** The file name without folders, e.g. `orders.csv`. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * The name of the CSV file an upload holds: its file name without a `.gz` suffix (split
 * decompresses it), e.g. `orders.csv` for `orders.csv` and for `orders.csv.gz`.
 */
export function csvName(key: string): string {
  const name = baseName(key);
  return name.length > 3 && name.toLowerCase().endsWith('.gz') ? name.slice(0, -3) : name;
}

/** The CSV file's name without its extension, e.g. `orders` for `orders.csv` and `orders.csv.gz`. */
export function stem(key: string): string {
  const name = csvName(key);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export class RunLayout {
  constructor(private readonly prefixes: Prefixes, readonly runId: string, readonly inputKey: string) {}

  private work(rest: string): string {
    return `${this.prefixes.work}${this.runId}/${rest}`;
  }

  get runPlanKey(): string { return this.work('run.json'); }
  get manifestKey(): string { return this.work('manifest.json'); }
  chunkKey(index: number): string { return this.work(`chunks/${pad(index)}.csv`); }
  validatedKey(index: number): string { return this.work(`validated/${pad(index)}.json`); }
  processedKey(index: number): string { return this.work(`processed/${pad(index)}.csv`); }
  validationRejectsKey(index: number): string { return this.work(`rejects/${pad(index)}.validation.jsonl`); }
  enrichmentRejectsKey(index: number): string { return this.work(`rejects/${pad(index)}.enrichment.jsonl`); }
  /**
   * Where the chunk processor's Catch (src/chunk-processor.ts) writes a failed chunk's error, as
   * `<index>`: it builds the key with States.Format, which cannot pad the index.
   */
  get chunkFailuresPrefix(): string { return this.work('failures/'); }
  /** The ResultWriter's prefix (src/orchestrator.ts builds it with States.Format). */
  get mapResultsPrefix(): string { return this.work('map-results'); }
  get stagedOutputKey(): string { return this.work(`merged/${csvName(this.inputKey)}`); }
  get stagedRejectsKey(): string { return this.work(`merged/${stem(this.inputKey)}.rejects.csv`); }

  /** Plain CSV, whether or not the upload was compressed. */
  get outputKey(): string { return `${this.prefixes.output}${this.runId}/${csvName(this.inputKey)}`; }
  get rejectsKey(): string { return `${this.prefixes.output}${this.runId}/${stem(this.inputKey)}.rejects.csv`; }
  get summaryKey(): string { return `${this.prefixes.output}${this.runId}/summary.json`; }
  get archiveKey(): string { return `${this.prefixes.archive}${this.runId}/${baseName(this.inputKey)}`; }
}
