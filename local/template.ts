/**
 * Reads the synthesized CloudFormation template so the embedded runtime runs what `cdk deploy` would
 * deploy: the state machine's definition, its functions and their environment, with the intrinsic
 * functions resolved to the names and ARNs the resources would have in AWS, in a fixed local account
 * and region (so that the IAM policies of the template and the ARNs of the calls agree).
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
}

/** What a stack parameter without a default stands for locally (e.g. SenderEmail, given at deploy). */
export const LOCAL_PARAMETER_VALUES: Readonly<Record<string, string>> = {
  SenderEmail: 'notify@localhost.localdomain',
};

export const LOCAL_PARTITION = 'aws';
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

/** `arn:aws:<service>:local:000000000000:<resource>`; an empty region for global services (IAM, STS). */
export function localArn(service: string, resource: string, region: string = LOCAL_REGION): string {
  return `arn:${LOCAL_PARTITION}:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
}

/** Functions, state machines and roles are named by their logical id locally. */
export function localFunctionArn(logicalId: string): string {
  return localArn('lambda', `function:${logicalId}`);
}

export function localStateMachineArn(logicalId: string): string {
  return localArn('states', `stateMachine:${logicalId}`);
}

export function localTableArn(tableName: string): string {
  return localArn('dynamodb', `table/${tableName}`);
}

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split as CloudFormation would. */
export function resolveIntrinsics(
  value: unknown,
  template: CfnTemplate,
  tableNames: Record<string, string>,
): unknown {
  const ref = (logicalId: string): string => {
    const pseudo: Record<string, string> = {
      'AWS::Partition': LOCAL_PARTITION,
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
    };
    if (pseudo[logicalId]) return pseudo[logicalId];
    // A stack parameter: its default, else its local stand-in (e.g. the e-mail sender identity).
    const parameter = template.Parameters?.[logicalId];
    if (parameter)
      return String(parameter.Default ?? LOCAL_PARAMETER_VALUES[logicalId] ?? `local-${logicalId}`);
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`template refers to unknown resource ${logicalId}`);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return tableNames[logicalId] ?? logicalId;
      case 'AWS::StepFunctions::StateMachine':
        return localStateMachineArn(logicalId);
      case 'AWS::SNS::Topic':
        return localArn('sns', logicalId);
      case 'AWS::SQS::Queue':
        return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${logicalId}`;
      default:
        // Functions, roles, log groups, schedules, buckets…: their name.
        return logicalId;
    }
  };
  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = template.Resources[logicalId];
    const name = ref(logicalId);
    if (attribute === 'Arn') {
      switch (resource?.Type) {
        case 'AWS::Lambda::Function':
          return localFunctionArn(logicalId);
        case 'AWS::DynamoDB::Table':
          return localTableArn(name);
        case 'AWS::IAM::Role':
          return localArn('iam', `role/${logicalId}`, '');
        case 'AWS::Logs::LogGroup':
          return localArn('logs', `log-group:${logicalId}:*`);
        case 'AWS::SQS::Queue':
          return localArn('sqs', logicalId);
        case 'AWS::S3::Bucket':
          return `arn:${LOCAL_PARTITION}:s3:::${logicalId}`;
        case 'AWS::StepFunctions::StateMachine':
          return name;
        case 'AWS::Cognito::UserPool':
          // The pool's id is its logical id locally (Ref), as USER_POOL_ID says.
          return localArn('cognito-idp', `userpool/${logicalId}`);
      }
    }
    if (resource?.Type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return logicalId;
    return localArn('local', `${logicalId}/${attribute}`);
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1) {
      const [key, arg] = entries[0] as [string, unknown];
      if (key === 'Ref') return ref(arg as string);
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return getAtt(id as string, attribute as string);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (walk(parts) as unknown[]).map(String).join(separator);
      }
      if (key === 'Fn::Split') {
        const [separator, text] = arg as [string, unknown];
        return String(walk(text)).split(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = arg as [unknown, unknown];
        return (walk(list) as unknown[])[Number(walk(index))];
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return String(walk(vars[name]));
          const [id, attribute] = name.split('.');
          return attribute ? getAtt(id as string, attribute) : ref(id as string);
        });
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  return walk(value);
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
