/**
 * How the state machine definitions name the payloads' fields, so that a field renamed in
 * run-payloads.ts or execution-states.ts fails the build where a definition reads, writes or
 * builds it, instead of failing a run. Nothing here may import aws-cdk-lib: it sits with the contract.
 */

/**
 * Every field of `T` and every field within one, dotted: `runId`, `split`, `split.manifestKey`, …
 * Arrays are leaves: the definitions never index into them.
 */
export type FieldPath<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[] ? K
    : NonNullable<T[K]> extends object ? K | `${K}.${FieldPath<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

/** The JSONPath of a field of the state `State`: `statePath<RunState>('split.manifestKey')` is `$.split.manifestKey`. */
export function statePath<State>(field: FieldPath<State>): string {
  return `$.${field}`;
}

/**
 * A `Payload` as a definition builds it (a Task's payload, a Map's ItemSelector or ResultSelector):
 * each of its fields and no other, the value a constant or a path. Check a template with `satisfies`.
 */
export type PayloadTemplate<Payload> = { readonly [K in keyof Payload]: unknown };
