/**
 * A command's options declared once, as a table: `node:util`'s `parseArgs` reads the command line with it, and
 * the usage line and the help are printed from it.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { UsageError } from '../shared/usage-error';

/** One option, by its long name (the table's key). */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  /** The option's one-letter alias, e.g. `c` for `-c`. */
  readonly short?: string;
  /** What the value is, in the usage and the help, e.g. `FILE` (string options). */
  readonly value?: string;
  /** The option may be given more than once: its values are a list, in order. */
  readonly multiple?: boolean;
  readonly required?: boolean;
  readonly description: string;
  /** What holds without the option, for the help (not applied: the command applies its own defaults). */
  readonly default?: string;
  /** Turns a value as given into what the command uses; throws a `UsageError` naming `flag` (as typed) when it is bad. */
  readonly read?: (text: string, flag: string) => unknown;
}

export type OptionTable = Readonly<Record<string, CommandOption>>;

type ReadValue<O> = O extends { read: (text: string, flag: string) => infer T } ? T : string;
type OptionValue<O> = O extends { type: 'boolean' } ? boolean
  : O extends { multiple: true } ? ReadValue<O>[]
    : O extends { required: true } ? ReadValue<O> : ReadValue<O> | undefined;

/** The options as read: a flag true or false, a repeatable option a list (empty when not given). */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: OptionValue<T[K]> };

/** Stops reading the command line: bad use. */
export function badValue(message: string): never {
  throw new UsageError(message);
}

/** A reader of whole numbers from `min` (0 or 1). */
export function integerAtLeast(min: 0 | 1): (text: string, flag: string) => number {
  return (text, flag) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) badValue(`${flag} must be a ${min === 0 ? 'non-negative' : 'positive'} integer, got "${text}"`);
    return value;
  };
}

function parseArgsOptions(table: OptionTable): NonNullable<ParseArgsConfig['options']> {
  // parseArgs refuses a `short` or `multiple` that is there but undefined.
  const config = ({ type, short, multiple }: CommandOption) => ({ type, ...short && { short }, ...multiple && { multiple } });
  return Object.fromEntries(Object.entries(table).map(([name, option]) => [name, config(option)]));
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** The table's option `token` is, if it is one (not one of Object's own properties, as `--constructor` would find). */
function optionOf(table: OptionTable, token: Token): CommandOption | undefined {
  return token.kind === 'option' && Object.hasOwn(table, token.name) ? table[token.name] : undefined;
}

/** The values of the table's options among `tokens`, each read by its reader. */
function valuesOf<T extends OptionTable>(table: T, tokens: readonly Token[]): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(table)) values[name] = option.type === 'boolean' ? false : option.multiple ? [] : undefined;
  for (const token of tokens) {
    const option = optionOf(table, token);
    if (token.kind !== 'option' || !option) continue;
    // A strict parse has refused these two already; a lenient one (takeOptions) leaves them to be told here.
    if (option.type === 'boolean') {
      if (token.value !== undefined) badValue(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined) badValue(`${token.rawName} needs a value`);
    const value = option.read ? option.read(token.value, token.rawName) : token.value;
    if (option.multiple) (values[token.name] as unknown[]).push(value);
    else values[token.name] = value;
  }
  const given = (name: string) => values[name] !== undefined && !(Array.isArray(values[name]) && values[name].length === 0);
  for (const [name, option] of Object.entries(table)) if (option.required && !given(name)) badValue(`--${name} is required`);
  return values as OptionValues<T>;
}

/**
 * The command line read strictly with the table: an unknown option, a missing value, a value given to a flag or an
 * argument that is no option's is a `UsageError`, as is a value its reader refuses or a required option left out.
 */
export function parseOptions<T extends OptionTable>(table: T, argv: readonly string[]): OptionValues<T> {
  let tokens: Token[];
  try {
    tokens = parseArgs({ args: [...argv], options: parseArgsOptions(table), strict: true, allowPositionals: false, tokens: true }).tokens;
  } catch (error) {
    // parseArgs's messages name the option; bad use is reported as one line.
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) badValue((error as Error).message.replace(/\n/g, ' '));
    throw error;
  }
  return valuesOf(table, tokens);
}

/** The command line's tokens, whatever else it holds: options not in the table, arguments that are no option's. */
function lenientTokens(table: OptionTable, argv: readonly string[]): Token[] {
  return parseArgs({ args: [...argv], options: parseArgsOptions(table), strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** Reads the table's options and leaves the other arguments, in order, for another command to read. */
export function takeOptions<T extends OptionTable>(table: T, argv: readonly string[]): { values: OptionValues<T>; rest: string[] } {
  const tokens = lenientTokens(table, argv);
  const taken = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !optionOf(table, token)) continue;
    taken.add(token.index);
    if (token.value !== undefined && !token.inlineValue) taken.add(token.index + 1);
  }
  return { values: valuesOf(table, tokens), rest: argv.filter((_, index) => !taken.has(index)) };
}

/** Whether the command line holds the table's `help` option anywhere (help is printed whatever else is wrong). */
export function asksForHelp(table: OptionTable, argv: readonly string[]): boolean {
  return lenientTokens(table, argv).some((token) => token.kind === 'option' && token.name === 'help');
}

function flagOf(name: string, option: CommandOption, preferShort: boolean): string {
  const flag = preferShort && option.short ? `-${option.short}` : `--${name}`;
  return option.value ? `${flag} ${option.value}` : flag;
}

/** The usage line's options, e.g. `--input FILE [-c KEY=VALUE]... [--json]` (help left out). */
export function usageLine(table: OptionTable): string {
  return Object.entries(table).filter(([name]) => name !== 'help').map(([name, option]) => {
    const flag = flagOf(name, option, true);
    return `${option.required ? flag : `[${flag}]`}${option.multiple ? '...' : ''}`;
  }).join(' ');
}

const LABEL_WIDTH = 27;
const LINE_WIDTH = 118;

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrapped(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * The options' help, a line or more each: flags, then what the option does, whether it is required or repeatable and
 * its default. `defaults` replaces the table's defaults where a caller sets its own (`npm run local`).
 */
export function optionsHelp(table: OptionTable, defaults: Readonly<Record<string, string>> = {}): string {
  return Object.entries(table).map(([name, option]) => {
    const label = option.short ? `-${option.short}, ${flagOf(name, option, false)}` : flagOf(name, option, false);
    const shownDefault = defaults[name] ?? option.default;
    const notes = [option.required && 'required', option.multiple && 'repeatable', shownDefault !== undefined && `default: ${shownDefault}`].filter(Boolean);
    const text = `${option.description}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    const [first, ...more] = wrapped(text, LINE_WIDTH - LABEL_WIDTH - 2);
    return [`  ${label.padEnd(LABEL_WIDTH - 1)} ${first}`, ...more.map((line) => `${' '.repeat(LABEL_WIDTH + 2)}${line}`)].join('\n');
  }).join('\n');
}
