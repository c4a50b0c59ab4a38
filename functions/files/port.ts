/**
 * The files seam: where a visit's photos are kept. The services know only this port, so S3 in AWS
 * (functions/files/s3.ts) and the bytes under DATA_DIR on one machine (local/files.ts) are the same
 * code with another adapter. Keys are `visits/<visitId>/<attachmentId>` (domain/attachments.ts).
 */

/** What an upload form may carry: one object, of one type, of at most `maxBytes`, until it expires. */
export interface UploadPolicy {
  readonly key: string;
  readonly contentType: string;
  readonly maxBytes: number;
  readonly expiresInSeconds: number;
}

/** A browser POSTs multipart/form-data to `url` with `fields`, then the file as `file`. */
export interface UploadForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** What is stored under a key: its size and its first bytes. */
export interface StoredObject {
  readonly size: number;
  readonly head: Uint8Array;
}

export interface FilesPort {
  /** The form that uploads exactly one object under the policy. */
  uploadForm(policy: UploadPolicy): Promise<UploadForm>;
  /** A URL that reads the object for `expiresInSeconds`, served with its content type. */
  readUrl(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
  /** Size and the first `headBytes` bytes, or undefined when nothing is stored under the key. */
  inspect(key: string, headBytes: number): Promise<StoredObject | undefined>;
  /** The whole object (e.g. a photo placed in a Word document), or undefined. */
  readBytes(key: string): Promise<Uint8Array | undefined>;
  /** Marks an uploaded object as kept: it is no longer an abandoned upload to expire. */
  keep(key: string): Promise<void>;
  /** Deletes the object; nothing there is no error. */
  remove(key: string): Promise<void>;
}
