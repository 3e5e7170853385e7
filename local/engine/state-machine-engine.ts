/**
 * aws-local-stepfunctions, the engine that runs the definitions: one engine per definition, and the payload
 * templates it evaluates for the Distributed Map emulation.
 */
import { deferred } from '../shared/deferred';

// The package is typed as ESM but ships a CommonJS build for require().
type Engine = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as Engine;

export type EngineStateMachine = InstanceType<Engine['StateMachine']>;

/**
 * aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node 22) in every Task; Node 20 lacks it. The engine
 * reads it from the global Promise, so it is provided there: when an engine is first built, not on import.
 */
function provideWithResolvers(): void {
  const promiseStatics = Promise as unknown as { withResolvers?: typeof deferred };
  promiseStatics.withResolvers ??= deferred;
}

// Building an engine validates the definition (about 200 ms): build each definition once. A
// redrive starts a validated definition at a later state, which leaves its first states
// unreachable: that variant is not validated again.
const engines = new Map<string, EngineStateMachine>();
export function cachedEngine(definition: unknown, validate = true): EngineStateMachine {
  const key = JSON.stringify(definition);
  let engine = engines.get(key);
  if (!engine) {
    provideWithResolvers();
    engine = new StateMachine(definition as any, { validationOptions: validate ? { checkArn: false } : { noValidate: true } });
    engines.set(key, engine);
  }
  return engine;
}

/** Evaluates a payload template (Parameters, ItemSelector) with the engine itself, so paths and intrinsics behave as in a state. */
export async function evaluatePayloadTemplate(template: unknown, input: unknown, context: Record<string, unknown>): Promise<unknown> {
  const machine = cachedEngine({ StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template, End: true } } });
  return machine.run(input as any, { context: context as any }).result;
}
