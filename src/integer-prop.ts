import { Token } from 'aws-cdk-lib';

/**
 * Checks a numeric prop at synth time, with an error that names the prop and its allowed range.
 * Unresolved tokens pass: their value is only known at deployment.
 */
export function integerIn(name: string, value: number, min: number, max: number, unit = ''): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}${unit}, got ${value}`);
  }
  return value;
}
