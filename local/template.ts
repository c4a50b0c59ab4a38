/**
 * Reads the synthesized CloudFormation template so the embedded runtime runs what `cdk deploy` would
 * deploy: the state machine's definition, its functions and their environment, with the intrinsic
 * functions resolved to local names.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
}

/** What a stack parameter without a default stands for locally (e.g. SenderEmail, given at deploy). */
export const LOCAL_PARAMETER_VALUES: Readonly<Record<string, string>> = {
  SenderEmail: 'notify@localhost.localdomain',
};

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
}

/** Resolves Ref (stack parameters too), Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select and Fn::Sub against local names (tables keep their logical ids). */
export function resolveIntrinsics(
  value: unknown,
  template: CfnTemplate,
  tableNames: Record<string, string>,
): unknown {
  const ref = (logicalId: string): string => {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
    };
    if (pseudo[logicalId]) return pseudo[logicalId];
    const parameter = template.Parameters?.[logicalId];
    if (parameter)
      return String(parameter.Default ?? LOCAL_PARAMETER_VALUES[logicalId] ?? `local-${logicalId}`);
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`template refers to unknown resource ${logicalId}`);
    if (resource.Type === 'AWS::DynamoDB::Table') return tableNames[logicalId] ?? logicalId;
    if (resource.Type === 'AWS::Lambda::Function') return logicalId;
    return `local-${logicalId}`;
  };
  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = template.Resources[logicalId];
    if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') return localFunctionArn(logicalId);
    if (resource?.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn') {
      return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${ref(logicalId)}`;
    }
    return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}/${attribute}`;
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
        return parts.map((p) => String(walk(p))).join(separator);
      }
      if (key === 'Fn::Split') {
        const [separator, source] = arg as [string, unknown];
        return String(walk(source)).split(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = arg as [number | string, unknown];
        return (walk(list) as unknown[])[Number(index)];
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
