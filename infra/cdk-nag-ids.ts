import { type Stack, Token } from 'aws-cdk-lib';

/**
 * The partition, region and account as cdk-nag spells them inside a finding's id: a pseudo
 * parameter (`<AWS::Region>`) when the stack is environment-agnostic, the literal value
 * (`ap-southeast-1`) when the stack has a concrete account/region — as it always has under the CDK
 * CLI (CDK_DEFAULT_ACCOUNT/REGION) — and the partition literal (`aws`) when the
 * `@aws-cdk/core:enablePartitionLiterals` flag is on and the region is known.
 */
export function nagArnParts(stack: Stack): { partition: string; region: string; account: string } {
  const part = (value: string, pseudoParameter: string) =>
    Token.isUnresolved(value) ? `<${pseudoParameter}>` : value;
  return {
    partition: part(stack.partition, 'AWS::Partition'),
    region: part(stack.region, 'AWS::Region'),
    account: part(stack.account, 'AWS::AccountId'),
  };
}
