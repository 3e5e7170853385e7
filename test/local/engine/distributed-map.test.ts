import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { ChildExecution, DistributedMapDependencies, DISTRIBUTED_MAP_RESOURCE, MapState, rewriteDistributedMaps, runDistributedMap, toleratedFailures } from '../../../local/engine/distributed-map';
import { evaluatePayloadTemplate } from '../../../local/engine/state-machine-engine';
import { LocalStepFunctions } from '../../../local/engine/step-functions';
import { LambdaHost } from '../../../local/lambda/lambda-host';

const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

function mapState(extra: Partial<MapState> = {}): MapState {
  return {
    Type: 'Map',
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket': 'b', 'Key.$': '$.manifestKey' } },
    ItemSelector: { 'runId.$': '$.runId', 'chunk.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
    ItemProcessor: processor,
    ...extra,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Map's dependencies for a test: `child` computes a child's output (or throws its failure). */
function deps(
  items: unknown[],
  child: (input: any, index: number) => unknown | Promise<unknown>,
  extra: Partial<DistributedMapDependencies> = {},
): DistributedMapDependencies {
  return {
    context: { Execution: { Id: 'x' } },
    mapRunArn: 'arn:aws:states:us-east-1:1:mapRun:m/Map:run-1',
    evaluate: evaluatePayloadTemplate,
    readItems: async () => items,
    runChild: async (_p, input, index): Promise<ChildExecution> => {
      try {
        return { status: 'SUCCEEDED', input, output: await child(input, index) };
      } catch (error) {
        return { status: 'FAILED', input, error: (error as Error).name, cause: (error as Error).message };
      }
    },
    ...extra,
  };
}

describe('runDistributedMap', () => {
  test('reads the items named by ItemReader, applies ItemSelector and keeps item order', async () => {
    const reads: unknown[] = [];
    const results = await runDistributedMap(mapState({ MaxConcurrency: 3 }), { runId: 'r1', manifestKey: 'runs/r1/manifest.json' }, deps([], async (input) => {
      // Later items finish first: the result must still be in item order.
      await sleep(10 * (5 - input.index));
      return input;
    }, {
      readItems: async (resource, parameters) => {
        reads.push({ resource, parameters });
        return ['a', 'b', 'c', 'd', 'e'];
      },
    }));
    expect(reads).toEqual([{ resource: 'arn:aws:states:::s3:getObject', parameters: { Bucket: 'b', Key: 'runs/r1/manifest.json' } }]);
    expect(results).toEqual(['a', 'b', 'c', 'd', 'e'].map((chunk, index) => ({ runId: 'r1', chunk, index })));
  });

  test.each([1, 2, 4])('never runs more than MaxConcurrency=%i children at once', async (max) => {
    let running = 0;
    let peak = 0;
    await runDistributedMap(mapState({ MaxConcurrency: max }), { runId: 'r', manifestKey: 'k' }, deps(Array.from({ length: 12 }, (_, i) => i), async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(5);
      running--;
      return null;
    }));
    expect(peak).toBe(max);
  });

  test('tolerates failures up to ToleratedFailurePercentage and reports them in the results', async () => {
    const results = await runDistributedMap(mapState({ ToleratedFailurePercentage: 20 }), { runId: 'r', manifestKey: 'k' }, deps(Array.from({ length: 10 }, (_, i) => i), (input) => {
      if (input.index === 3 || input.index === 7) throw Object.assign(new Error('boom'), { name: 'Chunk.Failed' });
      return input.index;
    })) as unknown[];
    expect(results[3]).toEqual({ Error: 'Chunk.Failed', Cause: 'boom' });
    expect(results.filter((r) => typeof r === 'number')).toHaveLength(8);
  });

  test('fails with States.ExceedToleratedFailureThreshold over the threshold and starts no more children', async () => {
    let started = 0;
    const run = runDistributedMap(mapState({ ToleratedFailureCount: 1, MaxConcurrency: 1 }), { runId: 'r', manifestKey: 'k' }, deps(Array.from({ length: 10 }, (_, i) => i), () => {
      started++;
      throw new Error('always');
    }));
    await expect(run).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    expect(started).toBe(2);
  });

  test('with a ResultWriter, writes the documented manifest and result files and returns only where they are', async () => {
    const written: Array<{ key: string; body: string }> = [];
    const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { 'Bucket': 'b', 'Prefix.$': "States.Format('runs/{}/map-results', $.runId)" } };
    const output = await runDistributedMap(mapState({ ResultWriter: writer, ToleratedFailurePercentage: 50 }), { runId: 'r7', manifestKey: 'k' },
      deps([0, 1, 2], (input) => {
        if (input.index === 1) throw Object.assign(new Error('the chunk failed'), { name: 'States.TaskFailed' });
        return input.index;
      }, { writeResults: async (_resource, _parameters, files) => { written.push(...files); } }));
    const folder = 'runs/r7/map-results/run-1/';
    expect(output).toEqual({ MapRunArn: 'arn:aws:states:us-east-1:1:mapRun:m/Map:run-1', ResultWriterDetails: { Bucket: 'b', Key: `${folder}manifest.json` } });
    const files = Object.fromEntries(written.map((f) => [f.key, JSON.parse(f.body)]));
    expect(files[`${folder}manifest.json`]).toEqual({
      DestinationBucket: 'b',
      MapRunArn: 'arn:aws:states:us-east-1:1:mapRun:m/Map:run-1',
      ResultFiles: {
        FAILED: [{ Key: `${folder}FAILED_0.json`, Size: expect.any(Number) }],
        PENDING: [],
        SUCCEEDED: [{ Key: `${folder}SUCCEEDED_0.json`, Size: expect.any(Number) }],
      },
    });
    // Input and Output are JSON strings, as in DescribeExecution.
    expect(files[`${folder}SUCCEEDED_0.json`].map((e: any) => [JSON.parse(e.Input).index, e.Output, e.Status])).toEqual([[0, '0', 'SUCCEEDED'], [2, '2', 'SUCCEEDED']]);
    expect(files[`${folder}FAILED_0.json`]).toEqual([expect.objectContaining({ Status: 'FAILED', Error: 'States.TaskFailed', Cause: 'the chunk failed' })]);
  });

  test('a redriven Map Run re-runs only the children that failed or never started', async () => {
    let first: any;
    const runs: number[] = [];
    const failing = mapState({ ToleratedFailureCount: 0, MaxConcurrency: 1 });
    await expect(runDistributedMap(failing, { runId: 'r', manifestKey: 'k' }, deps([0, 1, 2, 3], (input) => {
      runs.push(input.index);
      if (input.index === 1) throw new Error('down');
      return input.index;
    }, { onMapRun: (run) => { first = run; } }))).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    expect(runs).toEqual([0, 1]);
    expect(first.children.map((c: ChildExecution) => c.status)).toEqual(['SUCCEEDED', 'FAILED', 'PENDING', 'PENDING']);

    runs.length = 0;
    const results = await runDistributedMap(failing, { runId: 'r', manifestKey: 'k' }, deps([0, 1, 2, 3], (input) => {
      runs.push(input.index);
      return input.index * 10;
    }, { previous: first }));
    expect(runs).toEqual([1, 2, 3]);
    expect(results).toEqual([0, 10, 20, 30]);
  });

  test('after a redrive the ResultWriter keeps the first attempt\'s files and adds the redriven children\'s, listing both', async () => {
    // The reading in the module's comment: same Map Run, same folder; a chunk that failed then succeeded is listed twice.
    const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { 'Bucket': 'b', 'Prefix.$': "States.Format('runs/{}/map-results', $.runId)" } };
    const failing = mapState({ ResultWriter: writer, ToleratedFailureCount: 0, MaxConcurrency: 1 });
    const folder = 'runs/r/map-results/run-1/';
    const written: Array<Array<{ key: string; body: string }>> = [];
    const writeResults = async (_r: string, _p: unknown, files: ReadonlyArray<{ key: string; body: string }>) => { written.push([...files]); };
    const indexesIn = (files: Array<{ key: string; body: string }>, name: string) =>
      JSON.parse(files.find((f) => f.key === `${folder}${name}`)!.body).map((e: any) => [JSON.parse(e.Input).index, e.Status]);
    let first: any;
    await expect(runDistributedMap(failing, { runId: 'r', manifestKey: 'k' }, deps([0, 1, 2, 3], (input) => {
      if (input.index === 1) throw new Error('down');
      return input.index;
    }, { writeResults, onMapRun: (run) => { first = run; } }))).rejects.toMatchObject({ name: 'States.ExceedToleratedFailureThreshold' });
    expect(written[0].map((f) => f.key)).toEqual([`${folder}SUCCEEDED_0.json`, `${folder}FAILED_0.json`, `${folder}PENDING_0.json`, `${folder}manifest.json`]);

    const output = await runDistributedMap(failing, { runId: 'r', manifestKey: 'k' }, deps([0, 1, 2, 3], (input) => input.index, { writeResults, previous: first }));
    expect(output).toEqual({ MapRunArn: 'arn:aws:states:us-east-1:1:mapRun:m/Map:run-1', ResultWriterDetails: { Bucket: 'b', Key: `${folder}manifest.json` } });
    // Only the redriven children's results are written, in a new file; the first attempt's files are not rewritten.
    expect(written[1].map((f) => f.key)).toEqual([`${folder}SUCCEEDED_1.json`, `${folder}manifest.json`]);
    expect(indexesIn(written[1], 'SUCCEEDED_1.json')).toEqual([[1, 'SUCCEEDED'], [2, 'SUCCEEDED'], [3, 'SUCCEEDED']]);
    expect(JSON.parse(written[1][1].body).ResultFiles).toEqual({
      FAILED: [{ Key: `${folder}FAILED_0.json`, Size: expect.any(Number) }],
      PENDING: [{ Key: `${folder}PENDING_0.json`, Size: expect.any(Number) }],
      SUCCEEDED: [{ Key: `${folder}SUCCEEDED_0.json`, Size: expect.any(Number) }, { Key: `${folder}SUCCEEDED_1.json`, Size: expect.any(Number) }],
    });
    // Chunk 1 is listed FAILED by the first attempt and SUCCEEDED by the redrive.
    expect(indexesIn(written[0], 'FAILED_0.json')).toEqual([[1, 'FAILED']]);
  });

  test('tolerated failures: the larger of the count and the percentage of the total', () => {
    expect(toleratedFailures({}, 100)).toBe(0);
    expect(toleratedFailures({ ToleratedFailurePercentage: 5 }, 100)).toBe(5);
    expect(toleratedFailures({ ToleratedFailurePercentage: 5, ToleratedFailureCount: 7 }, 100)).toBe(7);
    expect(toleratedFailures({ ToleratedFailurePercentage: 50 }, 3)).toBe(1);
  });

  test('ItemBatcher groups the selected items with the BatchInput', async () => {
    const results = await runDistributedMap(mapState({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'runId.$': '$.runId' } }, ItemSelector: undefined }), { runId: 'r9', manifestKey: 'k' },
      deps([1, 2, 3], (input) => input));
    expect(results).toEqual([{ BatchInput: { runId: 'r9' }, Items: [1, 2] }, { BatchInput: { runId: 'r9' }, Items: [3] }]);
  });
});

describe('rewriteDistributedMaps', () => {
  test('replaces only DISTRIBUTED maps and keeps their paths, Retry and Catch', () => {
    const catcher = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'F' }];
    const definition = {
      StartAt: 'M',
      States: {
        M: { ...mapState(), ResultPath: null, Catch: catcher, Retry: [{ ErrorEquals: ['X'] }], Next: 'I' },
        I: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
        F: { Type: 'Fail' },
      },
    };
    const { definition: out, maps } = rewriteDistributedMaps(definition);
    expect(Object.keys(maps)).toEqual(['M']);
    expect(out.States.M).toMatchObject({ Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, ResultPath: null, Catch: catcher, Next: 'I' });
    expect(out.States.M.ItemReader).toBeUndefined();
    expect(out.States.I).toBe(definition.States.I);
  });

  test('replaces those nested in Parallel branches and inline Map processors, not those of a Distributed Map\'s children', () => {
    const inner = { ...mapState(), End: true };
    const outer = { ...mapState({ ItemProcessor: { ...processor, StartAt: 'Inner', States: { Inner: inner } } }), End: true };
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Outer', States: { Outer: outer } },
            { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'InEach', States: { InEach: { ...mapState(), End: true } } }, End: true } } },
          ],
          End: true,
        },
      },
    };
    const { definition: out, maps } = rewriteDistributedMaps(definition);
    expect(Object.keys(maps)).toEqual(['Outer', 'InEach']);
    expect(maps.Outer.ItemProcessor!.States.Inner).toBe(inner);
    expect(out.States.Both.Branches[0].States.Outer).toMatchObject({ Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, End: true });
    expect(out.States.Both.Branches[1].States.Each.ItemProcessor.States.InEach).toMatchObject({ Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE });
  });
});

describe('a Distributed Map run by the local engine', () => {
  const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (n) => n });
  const sdk = new AwsSdkTasks(() => ({}));
  afterAll(() => sdk.close());

  function service(items: unknown[], failIndex?: number) {
    const child = {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.chunk', NumericEquals: failIndex ?? -1, Next: 'Bad' }], Default: 'Good' },
        Bad: { Type: 'Fail', Error: 'ChunkBroken', Cause: 'bad chunk' },
        Good: { Type: 'Pass', End: true },
      },
    };
    const definition = {
      StartAt: 'Map',
      States: {
        Map: { ...mapState({ ItemProcessor: child, MaxConcurrency: 2 }), ResultPath: '$.results', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }], Next: 'Done' },
        Caught: { Type: 'Pass', End: true },
        Done: { Type: 'Succeed' },
      },
    };
    return new LocalStepFunctions([{ arn: 'arn:aws:states:us-east-1:1:stateMachine:m', name: 'm', type: 'STANDARD', definition }], {
      lambda, sdk, readItems: async () => items, writeResults: async () => undefined,
    });
  }

  test('the result lands at ResultPath and child transitions are counted as Standard transitions', async () => {
    const sfn = service([0, 1, 2]);
    const done = await sfn.startExecution('arn:aws:states:us-east-1:1:stateMachine:m', { runId: 'r', manifestKey: 'k' }, 'run-1').done;
    expect(done.status).toBe('SUCCEEDED');
    expect((done.output as any).results).toEqual([0, 1, 2].map((chunk, index) => ({ runId: 'r', chunk, index })));
    // Parent: Map + Done; each child: Check + Good.
    expect(sfn.usage.standardTransitions).toBe(2 + 3 * 2);
    expect(sfn.usage.standardExecutions).toBe(4);
  });

  test('a failed child over the threshold is caught by the Catch kept on the Map', async () => {
    const sfn = service([0, 1, 2], 1);
    const done = await sfn.startExecution('arn:aws:states:us-east-1:1:stateMachine:m', { runId: 'r', manifestKey: 'k' }).done;
    expect(done.status).toBe('SUCCEEDED');
    expect((done.output as any).error.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect((done.output as any).error.Cause).toContain('ChunkBroken');
  });

  test('without a ResultWriter its output holds every child\'s result: over 256 KiB it fails with States.DataLimitExceeded, even with ResultPath null and a Catch on States.ALL; with a ResultWriter it succeeds', async () => {
    const items = ['a', 'b', 'c'].map((letter) => letter.repeat(100_000));
    const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'results' } };
    const machine = (resultWriter?: MapState['ResultWriter']) => ({
      StartAt: 'Map',
      States: {
        Map: { ...mapState({ ItemProcessor: processor, ...(resultWriter ? { ResultWriter: resultWriter } : {}) }), ResultPath: null, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }], Next: 'Done' },
        Caught: { Type: 'Pass', End: true },
        Done: { Type: 'Succeed' },
      },
    });
    const arn = 'arn:aws:states:us-east-1:1:stateMachine:m';
    const run = (definition: object) => new LocalStepFunctions([{ arn, name: 'm', type: 'STANDARD', definition }], {
      lambda, sdk, readItems: async () => items, writeResults: async () => undefined,
    }).startExecution(arn, { runId: 'r', manifestKey: 'k' }).done;

    // Each child's input and output (~100 KB) is within the limit; the three together are not.
    const aggregated = await run(machine());
    expect([aggregated.status, aggregated.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(aggregated.cause).toContain("The state/task 'Map' returned a result with a size exceeding the maximum number of bytes service limit");
    expect(aggregated.history.map((e) => e.stateEnteredEventDetails?.name ?? e.type)).toEqual(['Map', 'ExecutionFailed']);

    const written = await run(machine(writer));
    expect(written.status).toBe('SUCCEEDED');
  });

  test('StartExecution with a used name: the same running execution, or ExecutionAlreadyExists once closed', async () => {
    const sfn = service([0]);
    const arn = 'arn:aws:states:us-east-1:1:stateMachine:m';
    const first = sfn.startExecution(arn, { runId: 'r', manifestKey: 'k' }, 'same');
    expect(sfn.startExecution(arn, { runId: 'r', manifestKey: 'k' }, 'same')).toBe(first);
    expect(() => sfn.startExecution(arn, { runId: 'other', manifestKey: 'k' }, 'same')).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    await first.done;
    expect(() => sfn.startExecution(arn, { runId: 'r', manifestKey: 'k' }, 'same')).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    expect(sfn.executions.size).toBe(1);
  });
});
