import { describe, expect, it } from 'vitest';
import { synthesizeRoundsTemplate } from '#infra/rounds-stack';

type Resource = { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } } };
/** The product's functions (RoundsFunction), not CDK's own helpers (custom resources). */
const functionsOf = (template: { Resources: Record<string, Resource> }) =>
  Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
  );

describe('quiet hours in AWS (-c quietHours=…)', () => {
  it('gives every function QUIET_HOURS when the context sets it, and none otherwise (the default 22:00-07:00)', () => {
    const set = synthesizeRoundsTemplate({ bundle: false, context: { quietHours: '21:00-06:30' } });
    const functions = functionsOf(set.template);
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) expect(fn.Properties.Environment?.Variables?.QUIET_HOURS).toBe('21:00-06:30');

    const unset = synthesizeRoundsTemplate({ bundle: false });
    for (const fn of functionsOf(unset.template))
      expect(fn.Properties.Environment?.Variables).not.toHaveProperty('QUIET_HOURS');
  });

  it('refuses to synthesize with quiet hours it cannot read, naming QUIET_HOURS', () => {
    expect(() => synthesizeRoundsTemplate({ bundle: false, context: { quietHours: '9pm-7am' } })).toThrow(
      /QUIET_HOURS/,
    );
  });
});
