import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthRounds } from '#support/template';

// The pages open offline through /sw.js (docs/architecture.md): CloudFront must hand out each new
// version at once, or phones keep the old pages for as long as the edge caches the worker.
const { template } = synthRounds();

describe('the pages offline, in AWS', () => {
  it('serve /sw.js uncached at the edge, with Cache-Control: no-cache and the security headers', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: { DistributionConfig: { CacheBehaviors?: Record<string, unknown>[] } };
    };
    const behaviour = distribution.Properties.DistributionConfig.CacheBehaviors?.find(
      (b) => b.PathPattern === '/sw.js',
    );
    expect(behaviour, 'a cache behaviour for /sw.js').toBeDefined();
    // Managed policy CachingDisabled.
    expect(behaviour?.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    const policies = template.findResources('AWS::CloudFront::ResponseHeadersPolicy', {
      Properties: {
        ResponseHeadersPolicyConfig: Match.objectLike({
          CustomHeadersConfig: {
            Items: [{ Header: 'Cache-Control', Value: 'no-cache', Override: true }],
          },
          SecurityHeadersConfig: Match.objectLike({
            ContentTypeOptions: { Override: true },
            StrictTransportSecurity: Match.objectLike({ Override: true }),
          }),
        }),
      },
    });
    const [policyId] = Object.keys(policies);
    expect(policyId).toBeDefined();
    expect(behaviour?.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});
