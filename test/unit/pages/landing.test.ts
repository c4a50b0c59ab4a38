import { describe, expect, it } from 'vitest';
import { landingFor } from '../../../pages/lib/landing.js';

// After signing in, `return=` may only lead to a page of this site (docs/rules.md, sign-in): each
// hostile value below once sent the browser to another site.
const ORIGIN = 'http://127.0.0.1:3000';
const coordinator = { role: 'coordinator' };
const liaison = { role: 'liaison' };

describe('landingFor', () => {
  it.each([
    '/\\evil.example/x',
    '/\t/evil.example/x',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\/evil.example',
    'https://evil.example/dashboard.html',
    '\\\\evil.example',
    ' //evil.example',
    'javascript:alert(1)',
    '/signin?return=/x',
    '',
  ])('sends %j home, never to another site', (back) => {
    expect(landingFor(coordinator, back, ORIGIN)).toBe('/dashboard.html');
    expect(landingFor(liaison, back, ORIGIN)).toBe('/needs.html');
  });

  it('keeps a page of this site the role may use, with its query', () => {
    expect(landingFor(coordinator, '/plan.html?season=2027-Q1', ORIGIN)).toBe('/plan.html?season=2027-Q1');
    expect(landingFor(liaison, '/needs.html?draft=1', ORIGIN)).toBe('/needs.html?draft=1');
    expect(landingFor(liaison, '/needs', ORIGIN)).toBe('/needs');
  });

  it("sends a role away from another role's page", () => {
    expect(landingFor(liaison, '/dashboard.html', ORIGIN)).toBe('/needs.html');
    expect(landingFor({ role: 'team' }, '/users.html', ORIGIN)).toBe('/team.html');
  });
});
