/** A record that passed the structural checks, as a validator sees it. */
export interface CandidateRecord {
  /** Input line. */
  readonly line: number;
  readonly fields: string[];
}

export interface Verdict {
  readonly valid: boolean;
  readonly reasons?: string[];
}

/** Judges a batch of records; returns one verdict per record, in order. */
export type BatchValidator = (header: readonly string[], records: readonly CandidateRecord[]) => Promise<Verdict[]>;

/** No validator: the structural checks are all there is. */
export const acceptAll: BatchValidator = async (_header, records) => records.map(() => ({ valid: true }));
