import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { tempFolder } from '../support/temp-folder';

// The construct in every jsii language: the targets package.json declares (which the release workflow publishes to
// PyPI, Maven Central, NuGet and the Go module repo), and the bindings jsii-pacmak generates from the compiled
// assembly, checked against that assembly: every class, and every static factory, method and property of each, in
// each language's naming. Needs the construct compiled (.jsii), as `npx projen build` does before the tests.
const ROOT = path.join(__dirname, '..', '..');
const ASSEMBLY = path.join(ROOT, '.jsii');
const work = tempFolder('jsii-targets-test-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The published names: package.json's `jsii.targets`, as .projenrc.ts configures them. */
const TARGETS = {
  python: { distName: 'cdk-batch-file-processor', module: 'cdk_batch_file_processor' },
  java: { package: 'io.github.example.cdk.batchfileprocessor', maven: { groupId: 'io.github.example', artifactId: 'cdk-batch-file-processor' } },
  dotnet: { namespace: 'Example.CdkBatchFileProcessor', packageId: 'Example.CdkBatchFileProcessor' },
  go: { moduleName: 'github.com/example/cdk-batch-file-processor-go', packageName: 'cdkbatchfileprocessor' },
};

/** What this test reads of a jsii assembly (the `.jsii` file, JSON). */
interface AssemblyMember { readonly name: string; readonly static?: boolean }
interface AssemblyType { readonly kind: string; readonly name: string; readonly methods?: AssemblyMember[]; readonly properties?: AssemblyMember[] }
interface Assembly { readonly name: string; readonly targets: Record<string, unknown>; readonly types: Record<string, AssemblyType> }

type MemberKind = 'static factory' | 'method' | 'property';
interface Member { readonly kind: MemberKind; readonly name: string }
interface ClassApi { readonly name: string; readonly fqn: string; readonly members: Member[] }

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let assembly: Assembly;
/** Every class of the assembly, with its public members as the assembly lists them (inherited ones are not). */
let classes: ClassApi[] = [];

function newestUnder(folder: string): number {
  return Math.max(...fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((file) => fs.statSync(path.join(folder, file)).mtimeMs));
}

const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
const pascalCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(() => {
  if (!fs.existsSync(ASSEMBLY) || fs.statSync(ASSEMBLY).mtimeMs < newestUnder(path.join(ROOT, 'src'))) {
    throw new Error('the construct is not compiled, or older than src/: run `npx projen compile` (npx projen build compiles before it tests)');
  }
  assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'));
  // jsii-pacmak names each language's package after the assembly's targets, which jsii copies from package.json.
  if (Object.entries(packageJson.jsii.targets).some(([language, target]) => !isDeepStrictEqual(assembly.targets[language], target))) {
    throw new Error('the assembly (.jsii) was compiled before package.json\'s jsii.targets changed: run `npx projen compile`');
  }
  classes = Object.entries(assembly.types).filter(([, type]) => type.kind === 'class').map(([fqn, type]) => ({
    name: type.name,
    fqn,
    members: [
      ...(type.methods ?? []).map((method): Member => ({ kind: method.static ? 'static factory' : 'method', name: method.name })),
      ...(type.properties ?? []).map((property): Member => {
        // A static property (a constant) is named otherwise in each language: none yet, so none is expected.
        if (property.static) throw new Error(`${type.name}.${property.name} is a static property: teach this test its names`);
        return { kind: 'property', name: property.name };
      }),
    ],
  }));

  // Code only, for the four languages at once, into a folder of our own (never the project's dist/). A full build
  // does not run offline: Python's builds a wheel in a virtualenv after pip-installing pacmak's build requirements
  // from PyPI, Java's runs Maven, which fetches its plugins and aws-cdk-lib from Maven Central, and .NET's and Go's
  // need the dotnet and go toolchains and NuGet or the Go proxy. The release workflow's package-* jobs build them.
  // --no-npmignore: pacmak never edits the project's .npmignore for this folder.
  const pacmak = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), [
    '--code-only', '--no-npmignore', '--target', 'python', '--target', 'java', '--target', 'dotnet', '--target', 'go', '--outdir', work,
  ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  if (pacmak.status !== 0) {
    throw new Error(`jsii-pacmak failed (exit ${pacmak.status ?? pacmak.signal}):\n${pacmak.stdout}\n${pacmak.stderr}`);
  }
}, 300_000);

/** A generated file, or undefined when pacmak wrote none there. */
function generated(...segments: string[]): string | undefined {
  const file = path.join(work, ...segments);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** A class as a language's bindings define it: its source, and the pattern each member has in it. */
interface Defined { readonly source: string; readonly pattern: (member: Member) => RegExp }

/**
 * What a language's bindings lack: `class X` for a class, `X.name (kind)` for a member, in that language's names.
 * `members` answers undefined when the class itself is missing.
 */
function missing(named: (api: ClassApi, member: Member) => string, members: (api: ClassApi) => Defined | undefined): string[] {
  return classes.flatMap((api) => {
    const defined = members(api);
    if (!defined) return [`class ${api.name}`];
    return api.members.filter((member) => !defined.pattern(member).test(defined.source)).map((member) => `${named(api, member)} (${member.kind})`);
  });
}

test('package.json names the Python, Java, .NET and Go packages that the release publishes besides npm', () => {
  expect(packageJson.jsii.targets).toEqual(TARGETS);
});

test('the assembly\'s classes are BatchFileProcessor, RecordEnricher and RecordValidator, with their static factories and properties', () => {
  expect(assembly.name).toBe('cdk-batch-file-processor');
  expect(classes.map((api) => api.name).sort()).toEqual(['BatchFileProcessor', 'RecordEnricher', 'RecordValidator']);
  // The member lists the languages are checked against are not empty by mistake.
  const count = (name: string, kind: MemberKind) => classes.find((api) => api.name === name)!.members.filter((member) => member.kind === kind).length;
  expect(count('RecordValidator', 'static factory')).toBeGreaterThan(0);
  expect(count('RecordEnricher', 'static factory')).toBeGreaterThan(0);
  expect(count('BatchFileProcessor', 'property')).toBeGreaterThan(0);
  expect(count('BatchFileProcessor', 'method')).toBeGreaterThan(0);
});

test('the Python package defines every class, with its static factories, methods and properties in snake_case', () => {
  const module = generated('python', 'src', TARGETS.python.module, '__init__.py');
  expect(module).toBeDefined();
  expect(generated('python', 'setup.py')).toContain(`"name": "${TARGETS.python.distName}"`);
  expect(missing((api, member) => `${api.name}.${snakeCase(member.name)}`, (api) => {
    // The class's body: from its header to the next statement at the module's top level.
    const start = module!.search(new RegExp(`^class ${api.name}\\(\\n(?:    .*\\n)*?    jsii_type="${escape(api.fqn)}",\\n\\):`, 'm'));
    if (start < 0) return undefined;
    const rest = module!.slice(start);
    const end = rest.search(/\n[^\s)]/);
    const jsiiMember = (name: string) => `@jsii\\.member\\(jsii_name="${escape(name)}"\\)\\n\\s+`;
    return {
      source: end < 0 ? rest : rest.slice(0, end),
      pattern: ({ kind, name }) => new RegExp({
        'static factory': `${jsiiMember(name)}@builtins\\.classmethod\\n\\s+def ${snakeCase(name)}\\(\\s*cls\\b`,
        'method': `${jsiiMember(name)}def ${snakeCase(name)}\\(\\s*self\\b`,
        'property': `@builtins\\.property\\n\\s+${jsiiMember(name)}def ${snakeCase(name)}\\(\\s*self,?\\s*\\)`,
      }[kind]),
    };
  })).toEqual([]);
});

test('the generated Python is valid Python', () => {
  const module = path.join(work, 'python', 'src', TARGETS.python.module, '__init__.py');
  const parse = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])', module], { encoding: 'utf8' });
  expect(parse.error).toBeUndefined(); // python3 is on PATH
  expect({ status: parse.status, stderr: parse.stderr }).toEqual({ status: 0, stderr: '' });
});

test('the Java package defines every class, with its static factories and methods in camelCase and its properties as getters', () => {
  const folder = ['java', 'src', 'main', 'java', ...TARGETS.java.package.split('.')];
  const { groupId, artifactId } = TARGETS.java.maven;
  expect(generated('java', 'pom.xml')).toMatch(new RegExp(`<groupId>${escape(groupId)}</groupId>\\s*<artifactId>${escape(artifactId)}</artifactId>`));
  expect(missing((api, member) => `${api.name}.${member.kind === 'property' ? `get${pascalCase(member.name)}()` : member.name}`, (api) => {
    const source = generated(...folder, `${api.name}.java`);
    if (!source || !new RegExp(`fqn = "${escape(api.fqn)}"\\)\\s*public (?:abstract )?class ${api.name} extends `).test(source)) return undefined;
    // The class's own members are indented once; its nested builder's and proxy's further.
    return {
      source,
      pattern: ({ kind, name }) => new RegExp({
        'static factory': `^ {4}public static [^(\\n]*\\b${name}\\(`,
        'method': `^ {4}public (?!static )[^(\\n]*\\b${name}\\(`,
        'property': `^ {4}public (?!static )[^(\\n]*\\bget${pascalCase(name)}\\(\\)`,
      }[kind], 'm'),
    };
  })).toEqual([]);
});

test('the .NET package defines every class, with its members in PascalCase', () => {
  const project = TARGETS.dotnet.packageId;
  const folder = ['dotnet', project, ...TARGETS.dotnet.namespace.split('.')];
  expect(generated('dotnet', project, `${project}.csproj`)).toContain(`<PackageId>${project}</PackageId>`);
  expect(missing((api, member) => `${api.name}.${pascalCase(member.name)}`, (api) => {
    const source = generated(...folder, `${api.name}.cs`);
    if (!source || !new RegExp(`fullyQualifiedName: "${escape(api.fqn)}"[^\\n]*\\)\\]\\s*public (?:abstract )?class ${api.name} : `).test(source)) return undefined;
    // Each member follows the attribute that names it in the assembly.
    return {
      source,
      pattern: ({ kind, name }) => new RegExp({
        'static factory': `\\[JsiiMethod\\(name: "${name}"[^\\n]*\\n\\s+public static [^(\\n]*\\b${pascalCase(name)}\\(`,
        'method': `\\[JsiiMethod\\(name: "${name}"[^\\n]*\\n\\s+public virtual [^(\\n]*\\b${pascalCase(name)}\\(`,
        'property': `\\[JsiiProperty\\(name: "${name}"[^\\n]*\\n\\s+public virtual [^(\\n]*\\b${pascalCase(name)}\\n`,
      }[kind]),
    };
  })).toEqual([]);
});

test('the Go module defines every class as an interface, its static factories as functions and its members in PascalCase', () => {
  const folder = ['go', TARGETS.go.packageName];
  expect(generated(...folder, 'go.mod')).toMatch(new RegExp(`^module ${escape(`${TARGETS.go.moduleName}/${TARGETS.go.packageName}`)}$`, 'm'));
  expect(missing((api, member) => `${api.name}${member.kind === 'static factory' ? '_' : '.'}${pascalCase(member.name)}`, (api) => {
    const source = generated(...folder, `${api.name}.go`);
    if (!source || !new RegExp(`^type ${api.name} interface \\{$`, 'm').test(source) || !generated(...folder, 'main.go')?.includes(`"${api.fqn}"`)) return undefined;
    // Methods and properties are the interface's methods (up to its closing brace); a static factory is a function
    // named after its class.
    return {
      source,
      pattern: ({ kind, name }) => (kind === 'static factory'
        ? new RegExp(`^func ${api.name}_${pascalCase(name)}\\(`, 'm')
        : new RegExp(`^type ${api.name} interface \\{\\n(?:[^}\\n].*\\n|\\n)*?\\t${pascalCase(name)}\\(`, 'm')),
    };
  })).toEqual([]);
});
