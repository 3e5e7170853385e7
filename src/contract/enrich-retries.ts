/**
 * The timing that enrich-chunk's retries and the construct's check of the HTTP enricher's
 * `timeout` × `maxAttempts` (src/record-enricher.ts) must agree on. Nothing here may import
 * aws-cdk-lib: it is bundled into the enrich-chunk handler.
 */

/**
 * The backoff of the enrichment source's retries (lambda-src/shared/retry-policy.ts): full jitter
 * under a cap that starts at 100 ms and doubles up to 5 s.
 */
export const ENRICH_RETRY_BACKOFF = { baseDelayMs: 100, maxDelayMs: 5_000 } as const;

/**
 * What enrich-chunk keeps of its time, once its lookups end, to write the processed chunk and its
 * rejects (lambda-src/enrich/deadline.ts): one request with all its attempts must fit in the rest
 * of the function's timeout.
 */
export const ENRICH_FINISH_RESERVE_MS = 10_000;
