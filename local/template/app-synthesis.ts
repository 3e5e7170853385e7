/**
 * Synthesizes a user's CDK app as `cdk synth` does, without the cdk CLI: the `app` command of cdk.json (or
 * `--app`) runs in a shell in the app's folder with the environment the CLI gives it (`CDK_OUTDIR`, and
 * `CDK_CONTEXT_JSON` holding the context of ~/.cdk.json, cdk.json, cdk.context.json and `-c`, with asset and
 * path metadata on and every stack's assets bundled), and writes its cloud assembly to a temporary folder.
 * An `--app` that is a folder is taken as a cloud assembly synthesized already, as the CLI takes it.
 * The CLI's behaviour followed here: aws-cdk's `lib/cxapp/exec.ts` and toolkit-lib's `cloud-assembly/environment.ts`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyStack, assemblyStacks } from './assembly-manifest';
import { UsageError } from '../shared/usage-error';

/** The context the cdk CLI adds to every synthesis (path and asset metadata, bundling of every stack's assets). */
export const SYNTHESIS_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:bundling-stacks': ['**'],
};

export interface AppSource {
  /** A command that synthesizes the app, or a cloud assembly folder, as the cdk CLI's `--app`. @default the `app` of `cdk.json` in `directory` */
  readonly app?: string;
  /** Context values over those of the app's files (`-c key=value`; strings, as the CLI passes them). @default none */
  readonly context?: Readonly<Record<string, string>>;
  /** The app's folder: where `cdk.json` and `cdk.context.json` are, and where the command runs. @default the current folder */
  readonly directory?: string;
  /** Where the app's own output (stdout and stderr) goes: it must not mix with a command's result. @default process.stderr */
  readonly output?: NodeJS.WritableStream;
}

export interface SynthesizedApp {
  /** The cloud assembly folder. */
  readonly directory: string;
  readonly stacks: AssemblyStack[];
  /** Removes the assembly when synthesis made it (a given `cdk.out` is left as it is). */
  dispose(): void;
}

function readJson(file: string): any {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The context an app is synthesized with, as the CLI merges it: user defaults < cdk.json < cdk.context.json < -c < the CLI's own. */
export function appContext(directory: string, given: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const reserved = Object.keys(given).find((key) => key.startsWith('aws:'));
  if (reserved) throw new UsageError(`context keys starting with "aws:" are reserved for the CDK, got -c ${reserved}=…`);
  return {
    ...readJson(path.join(os.homedir(), '.cdk.json'))?.context,
    ...readJson(path.join(directory, 'cdk.json'))?.context,
    ...readJson(path.join(directory, 'cdk.context.json')),
    ...given,
    ...SYNTHESIS_CONTEXT,
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The command line to run, as the CLI guesses it: a `.js` file that is not executable runs with this
 * node; anything else runs as written, in a shell.
 */
function commandLine(app: string, directory: string): string {
  const [first, ...rest] = app.trim().split(' ');
  const file = path.resolve(directory, first);
  const isScript = fs.existsSync(file) && fs.statSync(file).isFile() && path.extname(file) === '.js';
  const executable = isScript && process.platform !== 'win32' && isExecutable(file);
  return isScript && !executable ? [JSON.stringify(process.execPath), JSON.stringify(file), ...rest].join(' ') : app;
}

/** The first line that reads like an error (`Error: …`, `ValidationError: …`), else the last line the app printed. */
export function errorLineOf(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /^[A-Za-z]*(Error|Exception)\b[^:]*:/.test(line)) ?? lines[lines.length - 1] ?? '(it printed nothing)';
}

/** Runs a command in a shell, its output to `output`; resolves with its exit code and what it printed on stderr. */
function run(command: string, directory: string, env: NodeJS.ProcessEnv, output: NodeJS.WritableStream): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd: directory, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => output.write(data));
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
      output.write(data);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

/** Synthesizes the app (or reads the given cloud assembly). Bad use and a failed synthesis are {@link UsageError}s. */
export async function synthesizeApp(source: AppSource): Promise<SynthesizedApp> {
  const directory = path.resolve(source.directory ?? '.');
  const output = source.output ?? process.stderr;
  const cdkJson = readJson(path.join(directory, 'cdk.json'));
  const configured: unknown = source.app ?? cdkJson?.app;
  if (configured === undefined) {
    throw new UsageError(`no --app, and no cdk.json with an "app" in ${directory}: run it in your CDK app's folder, or give --app COMMAND|CDK_OUT_DIR`);
  }
  const app = Array.isArray(configured) ? configured.join(' ') : String(configured);
  const given = path.resolve(directory, app);
  if (fs.existsSync(given) && fs.statSync(given).isDirectory()) {
    return { directory: given, stacks: assemblyStacks(given), dispose: () => undefined };
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (typeof cdkJson?.build === 'string') {
    const build = await run(cdkJson.build, directory, env, output);
    if (build.code !== 0) throw new UsageError(`the app's build command failed (${cdkJson.build}, exit code ${build.code}): ${errorLineOf(build.stderr)}`);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-app-cdk-out-'));
  const dispose = () => fs.rmSync(outdir, { recursive: true, force: true });
  try {
    env.CDK_OUTDIR = outdir;
    env.CDK_CONTEXT_JSON = JSON.stringify(appContext(directory, source.context));
    const synthesis = await run(commandLine(app, directory), directory, env, output);
    if (synthesis.code !== 0) {
      throw new UsageError(`the app failed to synthesize (${app}, exit code ${synthesis.code}): ${errorLineOf(synthesis.stderr)}`);
    }
    if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
      throw new UsageError(`the app (${app}) wrote no cloud assembly: it must synthesize a CDK App (new App(), whose synth() runs when the command ends)`);
    }
    return { directory: outdir, stacks: assemblyStacks(outdir), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
