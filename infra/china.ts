import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Context key that selects the AWS China flavour when the region is not resolved (`-c china=true`). */
export const CHINA_CONTEXT = 'china';

/**
 * Whether `scope`'s stack is built for AWS China (the aws-cn partition: cn-north-1, cn-northwest-1):
 * its region resolved to `cn-*`, or context `china=true` for an environment-agnostic synth. There
 * are no Cognito, CloudFront Functions or origin access controls, SES, SNS SMS or Lambda X-Ray
 * (docs/deploy.md, AWS China).
 */
export function isChina(scope: IConstruct): boolean {
  const stack = Stack.of(scope);
  const context = scope.node.tryGetContext(CHINA_CONTEXT);
  if (context !== undefined && context !== null && context !== '') return String(context) === 'true';
  return !Token.isUnresolved(stack.region) && stack.region.startsWith('cn-');
}

/** Optional string context value (`-c name=value`), trimmed; undefined when unset or empty. */
export function contextString(scope: IConstruct, name: string): string | undefined {
  const value = scope.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}
