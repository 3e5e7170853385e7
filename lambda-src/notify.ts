// Placeholder until the handler lands.
export async function handler(): Promise<never> {
  throw new Error('not implemented');
}
