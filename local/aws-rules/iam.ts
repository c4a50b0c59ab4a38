import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { FUNCTION_ID_METADATA } from '../../infra/rounds-function.ts';
import {
  type CfnTemplate,
  LOCAL_ACCOUNT,
  localArn,
  resolveIntrinsics,
  resourcesOfType,
} from '../template.ts';
import { AwsServiceError } from './errors.ts';
import type { Caller } from './identity.ts';

interface Role {
  logicalId: string;
  arn: string;
  policies: { name: string; policy: unknown }[];
}

/** The identity a caller acts as: its role and the session name AWS would give it. */
interface Identity {
  role: Role;
  session: string;
}

/**
 * The IAM policies of the synthesized template, evaluated with @cloud-copilot/iam-simulate: each
 * function acts as its own role, the state machine as its role, with the policies attached to that
 * role in the template (inline policies, AWS::IAM::Policy and customer managed policies). AWS managed
 * policies (only the custom resources' AWSLambdaBasicExecutionRole here) are not evaluated.
 */
export class IamPolicies {
  private readonly roles = new Map<string, Role>();
  private readonly functions = new Map<string, Identity>();
  private readonly stateMachine: Identity | undefined;
  private readonly decisions = new Map<
    string,
    Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'>
  >();

  constructor(template: CfnTemplate, tableNames: Record<string, string>) {
    const resolve = (value: unknown) => resolveIntrinsics(value, template, tableNames);
    const roleOf = (roleArn: unknown) => {
      const ref = roleArn as { 'Fn::GetAtt'?: [string, string] };
      return ref?.['Fn::GetAtt']?.[0];
    };
    for (const [logicalId, resource] of resourcesOfType(template, 'AWS::IAM::Role')) {
      const inline = (resource.Properties?.Policies ?? []) as {
        PolicyName: string;
        PolicyDocument: unknown;
      }[];
      this.roles.set(logicalId, {
        logicalId,
        arn: localArn('iam', `role/${logicalId}`, ''),
        policies: inline.map((p) => ({ name: p.PolicyName, policy: resolve(p.PolicyDocument) })),
      });
    }
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const [logicalId, resource] of resourcesOfType(template, type)) {
        const attachedTo = (resource.Properties?.Roles ?? []) as { Ref?: string }[];
        for (const { Ref } of attachedTo) {
          this.roles.get(Ref ?? '')?.policies.push({
            name: logicalId,
            policy: resolve(resource.Properties?.PolicyDocument),
          });
        }
      }
    }
    for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const functionId = resource.Metadata?.[FUNCTION_ID_METADATA] as string | undefined;
      const role = this.roles.get(roleOf(resource.Properties?.Role) ?? '');
      if (functionId && role) this.functions.set(functionId, { role, session: logicalId });
    }
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const machineRole = this.roles.get(roleOf(machine?.[1].Properties?.RoleArn) ?? '');
    if (machineRole) this.stateMachine = { role: machineRole, session: 'local-execution' };
  }

  private identityOf(caller: Caller): Identity {
    const identity =
      caller.kind === 'stateMachine' ? this.stateMachine : this.functions.get(caller.functionId);
    if (!identity) {
      throw new Error(
        caller.kind === 'stateMachine'
          ? 'the template has no state machine role'
          : `the template has no function ${caller.functionId} with a role`,
      );
    }
    return identity;
  }

  /** The role's ARN as the caller's credentials show it (an assumed-role session). */
  callerArn(caller: Caller): string {
    const { role, session } = this.identityOf(caller);
    return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.logicalId}/${session}`;
  }

  /** Resolves when the caller's role allows `action` on every resource; else the AccessDenied AWS gives. */
  async authorize(caller: Caller, action: string, resources: readonly string[]): Promise<void> {
    const { role } = this.identityOf(caller);
    for (const resource of resources) {
      const key = `${role.logicalId} ${action} ${resource}`;
      let decision = this.decisions.get(key);
      if (!decision) {
        decision = this.simulate(role, action, resource);
        this.decisions.set(key, decision);
      }
      const result = await decision;
      if (result === 'Allowed') continue;
      const why =
        result === 'ExplicitlyDenied'
          ? 'with an explicit deny in an identity-based policy'
          : `because no identity-based policy allows the ${action} action`;
      throw new AwsServiceError(
        'AccessDeniedException',
        `User: ${this.callerArn(caller)} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
      );
    }
  }

  private async simulate(
    role: Role,
    action: string,
    resource: string,
  ): Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'> {
    const simulation: Simulation = {
      request: {
        principal: role.arn,
        action,
        resource: { resource, accountId: LOCAL_ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: role.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType !== 'error') return result.overallResult;
    // The Service Authorization Reference lists SendTaskSuccess/Failure/Heartbeat without a resource
    // type, yet Step Functions authorizes them against the state machine that issued the token (CDK's
    // grantTaskResponse grants exactly that). Evaluate those against that ARN, unvalidated.
    if (result.errors.message === 'must.use.wildcard' && action.startsWith('states:SendTask'))
      return runUnsafeSimulation(simulation, {});
    throw new Error(`cannot evaluate ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  }
}
