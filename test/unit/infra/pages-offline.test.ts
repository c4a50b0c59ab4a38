import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '#commons/security-headers';
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

  it('send every page with the local server’s CSP and headers: no inline script, no framing', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: { DistributionConfig: { DefaultCacheBehavior: { ResponseHeadersPolicyId: unknown } } };
    };
    const policies = template.findResources('AWS::CloudFront::ResponseHeadersPolicy') as Record<
      string,
      {
        Properties: {
          ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
        };
      }
    >;
    const ref = distribution.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId as {
      Ref?: string;
    };
    const policy = policies[ref.Ref ?? '']?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(policy, 'the default behaviour uses a policy of this stack').toBeDefined();
    expect(policy?.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: SECURITY_HEADERS['content-security-policy'],
      Override: true,
    });
    expect(policy?.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(policy?.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(policy?.ContentTypeOptions).toEqual({ Override: true });
    for (const { Properties } of Object.values(policies))
      expect(
        Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy,
      ).toBeDefined();
  });
});
