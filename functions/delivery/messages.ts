/**
 * When an offer's reminder may go out. The texts a society and a county's liaisons read are in
 * domain/notices.ts, the coordinators' in domain/coordinator-notices.ts; every message waits for
 * `notBefore`, past quiet hours (domain/quiet-hours.ts).
 */
export const REMINDER_LEAD_SECONDS = 2 * 24 * 3600;

/** A reminder goes 2 days before the deadline; for offers shorter than 4 days, halfway. */
export function reminderTime(offeredAt: Date, timeoutSeconds: number): Date {
  const lead = Math.min(REMINDER_LEAD_SECONDS, timeoutSeconds / 2);
  return new Date(offeredAt.getTime() + (timeoutSeconds - lead) * 1000);
}
