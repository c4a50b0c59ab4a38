// The types of pages/lib/landing.js, for its unit test (the pages are plain JS).
declare module '*/pages/lib/landing.js' {
  export const ROLE_HOME: Record<string, string>;
  export function landingFor(user: { role: string }, back: string, origin?: string): string;
}
