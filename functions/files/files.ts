import type { FilesPort } from './port.ts';
import { s3Files } from './s3.ts';

export type { FilesPort, StoredObject, UploadForm, UploadPolicy } from './port.ts';

/** The files port in use: S3 in AWS, local/files.ts on one machine (installed by the HTTP adapter). */
let current: FilesPort | undefined;

export function files(): FilesPort {
  current ??= s3Files();
  return current;
}

/** Used by the embedded runtime only. */
export function installFilesPort(port: FilesPort): void {
  current = port;
}
