/**
 * Amazon SNS refuses a Subject that is not ASCII, holds a line break or control character, or is
 * 100 characters or longer (InvalidParameter). Alerts are built to fit; this is the last guard.
 */
export const SNS_SUBJECT_MAX_LENGTH = 99;

/** `text` shortened with `...` to at most `max` characters. */
export function ellipsize(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 3 ? text.slice(0, max) : `${text.slice(0, max - 3)}...`;
}

/** A Subject SNS accepts: printable ASCII on one line, under 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ellipsize(ascii, SNS_SUBJECT_MAX_LENGTH);
}
