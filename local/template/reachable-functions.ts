/**
 * The functions a run can invoke: from the processor's trigger function, those its environment names (the
 * orchestrator), those a reachable state machine's definition names (the handlers, the chunk processor), those
 * named in a reachable function's environment (a validator or enricher function's ARN), the functions behind a
 * REST API whose URL a reachable function holds, and the targets of the EventBridge rules. The rest (CDK's
 * custom-resource handlers, which run at deployment; another processor's functions) is left out: the local
 * cloud neither runs nor checks them.
 */
import { CfnTemplate } from './token-resolver';

/** The words of a value (names, ARN parts, host labels), by which it names resources. */
function wordsOf(value: unknown): Set<string> {
  return new Set(JSON.stringify(value ?? null).split(/[^A-Za-z0-9_-]+/).filter(Boolean));
}

/**
 * The logical IDs of the functions reachable from `seeds`.
 * @param resolve resolves intrinsics to local names (a REST API's URL still names its API)
 * @param seeds what starts runs: the trigger functions' names
 */
export function reachableFunctions(template: CfnTemplate, resolve: (value: unknown) => any, seeds: readonly unknown[]): Set<string> {
  const resources = Object.entries(template.Resources);
  const properties = (id: string) => template.Resources[id].Properties ?? {};
  const named = new Map<string, { id: string; uses: () => unknown[] }>();
  for (const [id, r] of resources) {
    if (r.Type === 'AWS::Lambda::Function') {
      named.set(String(resolve({ Ref: id })), { id, uses: () => [resolve(properties(id).Environment?.Variables ?? null)] });
    }
    if (r.Type === 'AWS::StepFunctions::StateMachine') {
      // A state machine's Ref is its ARN: it is named by its name, the ARN's last part.
      const name = String(resolve({ Ref: id })).split(':').pop()!;
      const { DefinitionString, Definition, DefinitionSubstitutions } = properties(id);
      named.set(name, { id, uses: () => [resolve(DefinitionString ?? Definition ?? null), resolve(DefinitionSubstitutions ?? null)] });
    }
  }
  // A REST API's methods name their functions in the integration URI: a URL of the API reaches them.
  for (const [, r] of resources) {
    const api = r.Type === 'AWS::ApiGateway::Method' ? r.Properties?.RestApiId?.Ref : undefined;
    if (!api) continue;
    const apiId = String(resolve({ Ref: api }));
    const previous = named.get(apiId)?.uses ?? (() => []);
    const uri = resolve(r.Properties?.Integration?.Uri ?? null);
    named.set(apiId, { id: api, uses: () => [...previous(), uri] });
  }

  const reached = new Set<string>();
  const pending: unknown[] = [...seeds, ...resources.filter(([, r]) => r.Type === 'AWS::Events::Rule').map(([, r]) => resolve(r.Properties?.Targets ?? null))];
  while (pending.length > 0) {
    for (const word of wordsOf(pending.pop())) {
      const resource = named.get(word);
      if (!resource || reached.has(resource.id)) continue;
      reached.add(resource.id);
      pending.push(...resource.uses());
    }
  }
  return new Set([...reached].filter((id) => template.Resources[id].Type === 'AWS::Lambda::Function'));
}
