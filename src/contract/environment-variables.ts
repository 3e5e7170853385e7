/**
 * How a handler's environment is written and read: the construct encodes typed settings into
 * Lambda environment variables, the handler decodes them back, taking each unset variable's
 * default, or failing with an error that names the variable and what it must be. Both sides use
 * the one definition of each handler's environment (handler-environment.ts).
 * Nothing here may import aws-cdk-lib: it is bundled into the Lambda handlers.
 */

/** A handler's environment as Lambda hands it over (`process.env`). */
export type Environment = { readonly [name: string]: string | undefined };

/** The variables the construct sets on a function. */
export type Variables = { [name: string]: string };

/**
 * Part of a handler's environment, one variable or several. `In` is what the construct encodes
 * (undefined where a variable may be left unset), `Out` what the handler decodes.
 */
export interface EnvironmentPart<In, Out> {
  /** Every variable the part may set: what the handler reads. */
  readonly names: readonly string[];
  encode(value: In): Variables;
  decode(env: Environment): Out;
}

/** What the construct encodes for a part. */
export type EncodedBy<P> = P extends EnvironmentPart<infer In, any> ? In : never;
/** What the handler decodes from a part. */
export type DecodedBy<P> = P extends EnvironmentPart<any, infer Out> ? Out : never;

/** How the text of one variable stands for a value. */
export interface ValueRule<T> {
  /** What the text must be, for the error, e.g. `a positive integer`. */
  readonly expected: string;
  /** The value the text stands for; undefined when the text breaks the rule. */
  parse(text: string): T | undefined;
  format(value: T): string;
}

export const TEXT: ValueRule<string> = { expected: 'text', parse: (text) => text, format: (value) => value };

export const POSITIVE_INTEGER: ValueRule<number> = {
  expected: 'a positive integer',
  parse: (text) => {
    const value = Number(text);
    return Number.isInteger(value) && value >= 1 ? value : undefined;
  },
  format: (value) => String(value),
};

export const BOOLEAN: ValueRule<boolean> = {
  expected: 'true or false',
  parse: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
  format: (value) => String(value),
};

/** A rule for one of `values`, which also tells whether any string is one of them. */
export interface OneOfRule<T extends string> extends ValueRule<T> {
  readonly values: readonly T[];
  includes(value: string): value is T;
}

export function oneOf<T extends string>(values: readonly T[]): OneOfRule<T> {
  const includes = (value: string): value is T => (values as readonly string[]).includes(value);
  return {
    values,
    includes,
    expected: `one of ${values.join(', ')}`,
    parse: (text) => (includes(text) ? text : undefined),
    format: (value) => value,
  };
}

/** A variable of the environment: the part that is one name. */
export interface Variable<In, Out> extends EnvironmentPart<In, Out> {
  readonly name: string;
}

/** The value of `name` by `rule`; undefined when unset (or empty, which Lambda cannot tell apart in all tools). */
function read<T>(env: Environment, name: string, rule: ValueRule<T>): T | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = rule.parse(text);
  if (value === undefined) throw new Error(`environment variable ${name} must be ${rule.expected}, got ${JSON.stringify(text)}`);
  return value;
}

function variable<In, Out>(name: string, rule: ValueRule<NonNullable<In>>, decode: (value: NonNullable<In> | undefined) => Out): Variable<In, Out> {
  return {
    name,
    names: [name],
    encode: (value) => (value === undefined || value === null ? {} : { [name]: rule.format(value as NonNullable<In>) }),
    decode: (env) => decode(read(env, name, rule)),
  };
}

/** A variable the handler cannot do without. */
export function required<T>(name: string, rule: ValueRule<T>): Variable<T, T> {
  return variable<T, T>(name, rule as ValueRule<NonNullable<T>>, (value) => {
    if (value === undefined) throw new Error(`environment variable ${name} is not set`);
    return value;
  });
}

/** A variable the construct may leave unset: the handler then takes `defaultValue`. */
export function withDefault<T>(name: string, rule: ValueRule<T>, defaultValue: T): Variable<T | undefined, T> & { readonly defaultValue: T } {
  return { ...variable<T | undefined, T>(name, rule as ValueRule<NonNullable<T>>, (value) => value ?? defaultValue), defaultValue };
}

/** A variable whose absence means something: the handler then reads undefined. */
export function optional<T>(name: string, rule: ValueRule<T>): Variable<T | undefined, T | undefined> {
  return variable<T | undefined, T | undefined>(name, rule as ValueRule<NonNullable<T>>, (value) => value);
}

type Parts = { readonly [key: string]: EnvironmentPart<any, any> };
type OptionalKeys<S extends Parts> = { [K in keyof S]: undefined extends EncodedBy<S[K]> ? K : never }[keyof S];
/** What the construct encodes for a group: a key may be left out where its variables may be unset. */
export type GroupIn<S extends Parts> =
  & { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: EncodedBy<S[K]> }
  & { readonly [K in OptionalKeys<S>]?: EncodedBy<S[K]> };
export type GroupOut<S extends Parts> = { readonly [K in keyof S]: DecodedBy<S[K]> };

/** Named parts encoded and decoded together as one object. */
export interface Group<S extends Parts> extends EnvironmentPart<GroupIn<S>, GroupOut<S>> {
  readonly parts: S;
}

export function group<S extends Parts>(parts: S): Group<S> {
  const keys = Object.keys(parts) as (keyof S & string)[];
  const names = keys.flatMap((key) => parts[key].names);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`environment variable ${repeated} is in a group twice`);
  return {
    parts,
    names,
    encode: (value) => Object.assign({}, ...keys.map((key) => parts[key].encode((value as any)[key]))),
    decode: (env) => Object.fromEntries(keys.map((key) => [key, parts[key].decode(env)])) as GroupOut<S>,
  };
}

/**
 * A group whose variables are set all together or not at all: undefined when none is set; when
 * some are, the group's own rules apply (a missing required one is an error).
 */
export function allOrNone<S extends Parts>(parts: S): Group<S> & EnvironmentPart<GroupIn<S> | undefined, GroupOut<S> | undefined> {
  const all = group(parts);
  return {
    ...all,
    encode: (value) => (value === undefined ? {} : all.encode(value)),
    decode: (env) => (all.names.some((name) => env[name] !== undefined && env[name] !== '') ? all.decode(env) : undefined),
  } as Group<S> & EnvironmentPart<GroupIn<S> | undefined, GroupOut<S> | undefined>;
}

type Kinds = { readonly [kind: string]: Group<any> };
/** One kind's settings, with the kind that names them. */
export type KindIn<V extends Kinds> = { [K in keyof V & string]: { readonly kind: K } & EncodedBy<V[K]> }[keyof V & string];
export type KindOut<V extends Kinds> = { [K in keyof V & string]: { readonly kind: K } & DecodedBy<V[K]> }[keyof V & string];

/** One of several kinds of settings, each a group, told apart by the variable `name`. */
export interface Variant<V extends Kinds> extends EnvironmentPart<KindIn<V>, KindOut<V>> {
  readonly name: string;
  readonly kinds: V;
}

export function variant<V extends Kinds>(name: string, kinds: V, defaultKind?: keyof V & string): Variant<V> {
  const kindRule = oneOf(Object.keys(kinds) as (keyof V & string)[]);
  const kind = defaultKind === undefined ? required(name, kindRule) : withDefault(name, kindRule, defaultKind);
  const names = [name, ...new Set(Object.values(kinds).flatMap((settings) => settings.names))];
  return {
    name,
    kinds,
    names,
    encode: (value) => ({ ...kind.encode(value.kind), ...kinds[value.kind].encode(value) }),
    decode: (env) => {
      const decoded = kind.decode(env) as keyof V & string;
      return { kind: decoded, ...kinds[decoded].decode(env) } as KindOut<V>;
    },
  };
}
