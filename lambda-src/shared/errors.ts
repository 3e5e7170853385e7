/**
 * Errors a user must be able to read. Step Functions reports a Lambda error's `name` as the
 * error code and its message in the Cause, so each class sets `name` and a message that names
 * the file, the line and the reason.
 */
abstract class NamedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input has no header line at all. */
export class EmptyFile extends NamedError {
  constructor(file: string) {
    super(`${file} is empty: expected a header line`);
  }
}

/** Where in the input a problem is: a 1-based line, or a byte offset where lines cannot be counted (compressed data). */
export type InputPosition = number | { readonly byte: number };

/**
 * The input cannot be read as CSV from some line on (e.g. an unterminated quoted field), or cannot
 * be read at all from some byte on (e.g. a corrupt gzip stream: `orders.csv.gz byte 1234: …`).
 */
export class InputFormatError extends NamedError {
  readonly line?: number;
  readonly byte?: number;

  constructor(readonly file: string, position: InputPosition, reason: string) {
    super(typeof position === 'number' ? `${file} line ${position}: ${reason}` : `${file} byte ${position.byte}: ${reason}`);
    if (typeof position === 'number') this.line = position;
    else this.byte = position.byte;
  }
}

/** The header line is unusable (duplicate or empty column names). */
export class HeaderError extends NamedError {
  constructor(file: string, reason: string) {
    super(`${file} line 1 (header): ${reason}`);
  }
}

/** The merged counts do not add up: a record would have been lost. */
export class RecordCountMismatch extends NamedError {}

/** The enrichment source kept failing after every retry, or answered out of its contract. */
export class EnrichmentUnavailable extends NamedError {}

/** The validator function failed or answered out of its contract: no record of the batch could be judged. */
export class ValidationUnavailable extends NamedError {}

/** The input makes more chunks than one run can process (the Distributed Map's item source limits). */
export class RunTooLarge extends NamedError {}
