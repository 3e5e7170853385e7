/**
 * The states of an Amazon States Language definition at every depth: the top level, each Parallel branch and
 * each Map's processor (`ItemProcessor`, or the older `Iterator`), Distributed ones included. State names are
 * unique in the whole definition (the engine's validator refuses duplicates), so a name identifies a state.
 */

/** A definition, or what a state nests: a Parallel branch, a Map's processor. */
interface Scope {
  readonly States?: Record<string, any>;
}

/** The scopes a state nests, and the field that holds them. */
function nestedScopes(state: any): { field: 'Branches' | 'ItemProcessor' | 'Iterator'; scopes: Scope[] } | undefined {
  if (state.Type === 'Parallel' && state.Branches) return { field: 'Branches', scopes: state.Branches };
  if (state.Type !== 'Map') return undefined;
  const field = state.ItemProcessor ? 'ItemProcessor' : state.Iterator ? 'Iterator' : undefined;
  return field && { field, scopes: [state[field]] };
}

/** Every state of `definition` with its name, each followed by the states it nests. */
export function* allStates(definition: Scope): Generator<[name: string, state: any]> {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    yield [name, state];
    for (const scope of nestedScopes(state)?.scopes ?? []) yield* allStates(scope);
  }
}

/**
 * `definition` with every state replaced by what `replace` returns for it, from the top down: the states nested
 * in the replacement are walked in turn (none when it nests nothing). A scope where nothing changed is returned
 * as it was, the same object.
 */
export function mapStates<T extends Scope>(definition: T, replace: (state: any, name: string) => any): T {
  let changed = false;
  const states: Record<string, any> = {};
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    states[name] = withNestedMapped(replace(state, name), replace);
    changed ||= states[name] !== state;
  }
  return changed ? { ...definition, States: states } : definition;
}

function withNestedMapped(state: any, replace: (state: any, name: string) => any): any {
  const nested = nestedScopes(state);
  if (!nested) return state;
  const scopes = nested.scopes.map((scope) => mapStates(scope, replace));
  if (scopes.every((scope, i) => scope === nested.scopes[i])) return state;
  return { ...state, [nested.field]: nested.field === 'Branches' ? scopes : scopes[0] };
}
