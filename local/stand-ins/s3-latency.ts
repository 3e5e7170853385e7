/** The latency model of the S3 stand-in: S3's first-byte latency, every request answered `latencyMs` after it arrives. */
export function withLatency<Args extends unknown[]>(latencyMs: number, handle: (...args: Args) => void): (...args: Args) => void {
  return latencyMs > 0 ? (...args) => void setTimeout(() => handle(...args), latencyMs) : handle;
}
