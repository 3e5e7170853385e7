/**
 * Where a run's files live in the bucket. Every handler derives keys from here, and so do the
 * state machines the keys they build with States.Format, so the layout is defined once; the
 * construct scopes its grants to the same prefixes. Nothing here may import aws-cdk-lib: it is
 * bundled into the Lambda handlers.
 *
 *   <input>/orders.csv                       the upload that started the run
 *   <work>/<runId>/run.json                  the run plan (header, keys, counts)
 *   <work>/<runId>/manifest.json             the chunk list the Distributed Map reads
 *   <work>/<runId>/chunks/00000.csv          header + the chunk's records, verbatim
 *   <work>/<runId>/chunks/00000.lines.json   the chunk's records' lines in the original input, when
 *                                            the upload is a rejects file given back (ChunkRef.linesKey)
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
 * as `orders.csv.gz`. An upload `orders.rejects.csv` (a rejects file given back, corrected) is
 * published as `orders.csv` and `orders.rejects.csv` too (`outputName`).
 */

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
  return withoutExtension(csvName(key));
}

/** How the name of the rejects file a run publishes ends: `orders.rejects.csv`. */
export const REJECTS_FILE_SUFFIX = '.rejects.csv';

/**
 * Whether an upload is named as a rejects file a run published (`orders.rejects.csv`, or
 * `orders.rejects.csv.gz`), case aside. Split (lambda-src/split/rejects-input.ts) reads it as a
 * rejects file given back only when its header is one too.
 */
export function isRejectsFileName(key: string): boolean {
  const name = csvName(key);
  return name.length > REJECTS_FILE_SUFFIX.length && name.toLowerCase().endsWith(REJECTS_FILE_SUFFIX);
}

/**
 * The name of a run's output: the CSV file's name, except for an upload named as a rejects file,
 * `orders.rejects.csv`, whose output is `orders.csv` (and rejects `orders.rejects.csv` again): the
 * records that now pass are orders, and what still fails can be corrected and given back the same
 * way. Decided by the name alone, so every step derives the same keys from the upload's key.
 */
export function outputName(key: string): string {
  const name = csvName(key);
  // `.csv` keeps its case: ORDERS.REJECTS.CSV → ORDERS.CSV.
  return isRejectsFileName(key) ? name.slice(0, -REJECTS_FILE_SUFFIX.length) + name.slice(-'.csv'.length) : name;
}

/** The name of a run's rejects file: `orders.rejects.csv` for `orders.csv`, `orders.csv.gz` and `orders.rejects.csv`. */
export function rejectsName(key: string): string {
  return withoutExtension(outputName(key)) + REJECTS_FILE_SUFFIX;
}

function withoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * A run's intermediate files under the work prefix: they need only the run id. The staged output
 * and rejects are named after the input, so they take its key.
 */
export class WorkFiles {
  constructor(private readonly workPrefix: string, readonly runId: string) {}

  private key(rest: string): string {
    return `${this.workPrefix}${this.runId}/${rest}`;
  }

  get runPlanKey(): string { return this.key('run.json'); }
  get manifestKey(): string { return this.key('manifest.json'); }
  chunkKey(index: number): string { return this.key(`chunks/${pad(index)}.csv`); }
  /** The input line of each record of a chunk whose lines are not consecutive (a rejects file given back), as a JSON array. */
  chunkLinesKey(index: number): string { return this.key(`chunks/${pad(index)}.lines.json`); }
  validatedKey(index: number): string { return this.key(`validated/${pad(index)}.json`); }
  processedKey(index: number): string { return this.key(`processed/${pad(index)}.csv`); }
  validationRejectsKey(index: number): string { return this.key(`rejects/${pad(index)}.validation.jsonl`); }
  enrichmentRejectsKey(index: number): string { return this.key(`rejects/${pad(index)}.enrichment.jsonl`); }
  /**
   * Where the chunk processor's Catch (src/chunk-processor.ts) writes a failed chunk's error, as
   * `<index>`: it builds the key with States.Format, which cannot pad the index.
   */
  get chunkFailuresPrefix(): string { return this.key('failures/'); }
  /** The ResultWriter's prefix (src/orchestrator.ts builds it with States.Format). */
  get mapResultsPrefix(): string { return this.key('map-results'); }
  /** Where merge-chunks stages the output of the upload `inputKey` until notify publishes it. */
  stagedOutputKey(inputKey: string): string { return this.key(`merged/${outputName(inputKey)}`); }
  stagedRejectsKey(inputKey: string): string { return this.key(`merged/${rejectsName(inputKey)}`); }
}

/** What a run publishes under the output prefix: named after its input, plain CSV whether or not the upload was compressed. */
export class PublishedFiles {
  constructor(private readonly outputPrefix: string, readonly runId: string, readonly inputKey: string) {}

  get outputKey(): string { return `${this.outputPrefix}${this.runId}/${outputName(this.inputKey)}`; }
  get rejectsKey(): string { return `${this.outputPrefix}${this.runId}/${rejectsName(this.inputKey)}`; }
  get summaryKey(): string { return `${this.outputPrefix}${this.runId}/summary.json`; }
}

/** Where a run's input is archived once the run succeeded: as it was uploaded. */
export function archiveKey(archivePrefix: string, runId: string, inputKey: string): string {
  return `${archivePrefix}${runId}/${baseName(inputKey)}`;
}
