/*
 * The typical cases' photos: the seam between the report and the visit's attachments (the files
 * port). Until a visit has attachments, a case has no photo and the report prints its caption alone.
 */

export interface CasePhoto {
  bytes: Uint8Array;
  contentType: string;
}

/** Whether the visit has this photo: POST /visits/{id}/highlight refuses an `attachmentId` it lacks. */
export async function visitHasPhoto(_visitId: string, _attachmentId: string): Promise<boolean> {
  return false;
}

/** The photo's bytes, or undefined when it is gone. */
export async function casePhoto(_visitId: string, _attachmentId: string): Promise<CasePhoto | undefined> {
  return undefined;
}
