/**
 * What the Distributed Map reads of the chunk manifest, its item source
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html): it "stops
 * reading items" past 100,000,000, and reads files of up to 10 GB ("Step Functions supports 10 GB as
 * the maximum size of an individual file in Amazon S3"; taken as 10^10 bytes, the smaller reading).
 * The benchmark's largest run (bench/run-limits.ts) is bounded by these too.
 */
import { RunTooLarge } from '../shared/errors';

export const MAP_MAX_ITEMS = 100_000_000;
export const MAP_MAX_ITEM_FILE_BYTES = 10_000_000_000;

/**
 * Refuses a manifest the Map would not read whole, before any chunk runs: past either limit the
 * Map would leave chunks unprocessed, and the run would only fail at merge, after processing the rest.
 */
export function checkMapItemSource(file: string, chunkSize: number, chunks: number, manifestBytes: number): void {
  const advice = `raise chunkSize (now ${chunkSize}) or split the file`;
  if (chunks > MAP_MAX_ITEMS) {
    throw new RunTooLarge(`${file}: ${chunks} chunks, but the Distributed Map reads at most ${MAP_MAX_ITEMS} items: ${advice}`);
  }
  if (manifestBytes > MAP_MAX_ITEM_FILE_BYTES) {
    throw new RunTooLarge(`${file}: the chunk manifest is ${manifestBytes} bytes, but the Distributed Map reads files of at most ${MAP_MAX_ITEM_FILE_BYTES}: ${advice}`);
  }
}
