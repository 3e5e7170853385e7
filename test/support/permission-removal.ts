import * as fs from 'node:fs';
import { App, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { ExampleProps, LocalRunResult } from '../../local/run/runner';

/**
 * Escape hatches that take one permission away from a stack, as a mistake in a construct would: from the
 * identity policies of a role, one action (in the statements whose resources mention `resourceContains`), or a
 * whole resource-based permission (an `AWS::Lambda::Permission`); and what a run refused that way must show.
 */

/**
 * Removes `action` from the policies of `role`, in statements whose Resource mentions `resourceContains` (the
 * statements are filtered when they resolve, at synthesis, so grants added later are seen too). `rawOverrides` is
 * CfnResource's record of property overrides: not public, read here because constructs override statements.
 */
export function removeAction(role: iam.IRole, action: string, resourceContains?: string): void {
  const stack = Stack.of(role);
  const roleRef = stack.resolve((role.node.defaultChild as iam.CfnRole).ref);
  const policies = stack.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy
    && (stack.resolve(c.roles) as unknown[] ?? []).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)));
  if (policies.length === 0) throw new Error(`no policy attached to ${role.node.path}`);
  for (const policy of policies) {
    // A construct may have replaced the statements with an override (the orchestrator's DistributedMapPolicy):
    // filter those then, else the document.
    const overridden = (policy as unknown as { rawOverrides?: any }).rawOverrides?.Properties?.PolicyDocument?.Statement;
    const document = policy.policyDocument;
    const statements = (): any[] => (overridden ? stack.resolve(overridden) : [stack.resolve(document).Statement].flat());
    policy.addPropertyOverride('PolicyDocument.Statement', Lazy.any({
      produce: () => statements().flatMap((statement: any) => {
        const actions: string[] = [statement.Action].flat();
        const inScope = resourceContains === undefined || JSON.stringify(statement.Resource).includes(resourceContains);
        if (!inScope || !actions.includes(action)) return [statement];
        const kept = actions.filter((a) => a !== action);
        return kept.length ? [{ ...statement, Action: kept.length === 1 ? kept[0] : kept }] : [];
      }),
    }));
  }
}

/** Removes the resources (e.g. `AWS::Lambda::Permission`) of `type` under `scope`. */
export function removeResources(scope: IConstruct, type: string): void {
  const found = scope.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === type);
  if (found.length === 0) throw new Error(`no ${type} under ${scope.node.path}`);
  for (const resource of found) resource.node.scope!.node.tryRemoveChild(resource.node.id);
}

/** The reference example, changed by `change` before it is synthesized (the escape hatch of a test). */
export function exampleWith(change: (stack: OrdersPipelineStack) => void) {
  return (app: App, props: ExampleProps): OrdersPipelineStack => {
    const stack = new OrdersPipelineStack(app, 'OrdersPipeline', props);
    change(stack);
    return stack;
  };
}

/** A refusal as `stats.accessDenied` reports it, its caller and resource as patterns. */
export interface ExpectedDenial {
  readonly caller: RegExp;
  readonly action: string;
  readonly resource: RegExp;
}

/** The run's denials are this one refusal (on one resource or several of the pattern), and nothing else. */
export function expectOnlyDenial(result: LocalRunResult, denial: ExpectedDenial): void {
  expect(result.stats.accessDenied.length).toBeGreaterThan(0);
  for (const reported of result.stats.accessDenied) {
    const expected = { caller: expect.stringMatching(denial.caller), action: denial.action, resource: expect.stringMatching(denial.resource) };
    expect(reported).toEqual(expected);
  }
}

/** The run failed naming the refused action in its error, and in its summary when one was written. */
export function expectFailedNaming(result: LocalRunResult, action: string): void {
  expect(result.status).toBe('FAILED');
  expect(result.error?.message).toContain(action);
  if (result.summary) expect(JSON.parse(fs.readFileSync(result.summary, 'utf8')).error.message).toContain(action);
}
