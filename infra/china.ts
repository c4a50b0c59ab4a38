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

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * A custom domain and its certificate from two context values (`-c pagesDomain=… -c
 * pagesCertificateId=…`): both or neither; a clear message naming the field otherwise.
 */
export function contextDomain(
  scope: IConstruct,
  domainKey: string,
  certificateKey: string,
  certificate: { pattern: RegExp; zh: string; en: string },
): { domainName: string; certificate: string } | undefined {
  const domainName = contextString(scope, domainKey);
  const cert = contextString(scope, certificateKey);
  if (domainName === undefined && cert === undefined) return undefined;
  if (domainName === undefined || cert === undefined) {
    const missing = domainName === undefined ? domainKey : certificateKey;
    const given = domainName === undefined ? certificateKey : domainKey;
    throw new Error(
      `缺少上下文 ${missing}：${given} 需要与它一起给出 / context ${missing} is missing: ${given} needs it too`,
    );
  }
  if (!DOMAIN.test(domainName))
    throw new Error(
      `上下文 ${domainKey} 不是域名（${domainName}）/ context ${domainKey} is not a domain name (${domainName})`,
    );
  if (!certificate.pattern.test(cert))
    throw new Error(
      `上下文 ${certificateKey} 不是${certificate.zh}（${cert}）/ context ${certificateKey} is not ${certificate.en} (${cert})`,
    );
  return { domainName, certificate: cert };
}

/** An IAM server certificate id (`ASCA…`), what CloudFront in China takes. */
export const IAM_CERTIFICATE_ID = {
  pattern: /^[A-Z0-9]{16,128}$/,
  zh: ' IAM 服务器证书 ID（如 ASCA…）',
  en: 'an IAM server certificate id (such as ASCA…)',
};
/** An ACM certificate ARN. */
export const ACM_CERTIFICATE_ARN = {
  pattern: /^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/,
  zh: ' ACM 证书 ARN',
  en: 'an ACM certificate ARN',
};
