/**
 * The layers of the code, as `import/no-restricted-paths` zones: an import that goes the wrong way fails lint (and
 * so the build), instead of waiting for a reader to notice a cycle.
 */

/** `local/`'s folders from the top down: each may import the folders after it, never those before it. */
export const LOCAL_LAYERS = ['cli', 'run', 'api', 'engine', 'lambda', 'stand-ins', 'iam', 'template', 'shared'];

interface Zone {
  readonly target: string;
  readonly from: string | string[];
  readonly except?: string[];
  readonly message: string;
}

export function importZones(): Zone[] {
  const localZones = LOCAL_LAYERS.slice(1).map((layer, i) => ({
    target: `./local/${layer}`,
    from: LOCAL_LAYERS.slice(0, i + 1).map((above) => `./local/${above}`),
    message: `local/${layer} is below ${LOCAL_LAYERS.slice(0, i + 1).join(', ')} (local/README.md, "Layout"): move what both need down a layer.`,
  }));
  return [
    // The construct is what users install: it never loads the handlers' sources or the local cloud.
    { target: './src', from: ['./lambda-src', './local'], message: 'src/ is the published construct: it must not import lambda-src/ or local/.' },
    // The handlers share with the construct only the contract both sides are tested against.
    { target: './lambda-src', from: './src', except: ['./contract'], message: 'lambda-src/ imports src/ only through src/contract/.' },
    // The contract is bundled into every handler: no aws-cdk-lib, and nothing of src/ that might bring it.
    {
      target: './src/contract',
      from: ['./node_modules/aws-cdk-lib', './node_modules/constructs', './src'],
      except: ['./contract'],
      message: 'src/contract/ is bundled into the handlers: it must not import aws-cdk-lib, constructs or the rest of src/.',
    },
    ...localZones,
    // The samples are data for the CLI, the benchmarks and the tests: they import nothing of the local cloud.
    { target: './local/samples', from: LOCAL_LAYERS.map((layer) => `./local/${layer}`), message: 'local/samples is data: it imports nothing of the local cloud.' },
  ];
}
