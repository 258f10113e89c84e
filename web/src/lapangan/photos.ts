// Photos from the phone to the server: the hash made in the browser, the exists check, then a
// tus upload in small chunks that resumes where it stopped — after a lost connection, a reload
// or a closed app (tus-js-client keeps each upload's address by the photo's hash).

import { Upload } from "tus-js-client";

import { type Api, ApiError, retryAfterHeader } from "../common/api";
import type { PhotoFile, Store } from "./store";

/** Bytes per request: small enough to get through on 2G before a link drops. */
export const CHUNK_BYTES = 128 * 1024;

/** The SHA-256 of a file, in hex, as the server names photos. */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** How far the photos are. */
export interface PhotoProgress {
  /** Photos sent in this round so far. */
  done: number;
  /** Photos to send in this round. */
  total: number;
  /** Bytes of the current photo sent, and its size. */
  sent: number;
  size: number;
}

/** Sends every photo waiting; returns how many the server now has. A photo it already has
 * (taken again, or sent by an upload whose answer was lost) costs no bytes. */
export async function sendPhotos(
  api: Api,
  store: Store,
  token: () => string | null,
  progress: (p: PhotoProgress) => void,
): Promise<number> {
  const waiting = await store.photosToSend();
  let done = 0;
  for (const file of waiting) {
    progress({ done, total: waiting.length, sent: 0, size: file.blob?.size ?? 0 });
    if (!(await stored(api, file.sha256))) {
      if (!file.blob) continue;
      try {
        await upload(file, file.blob, token, (sent, size) => progress({ done, total: waiting.length, sent, size }));
      } catch (error) {
        // A file the server will never take must not hold up the photos after it.
        if (error instanceof UploadFailed && error.refused) {
          await store.photoRefused(file.sha256, error.message);
          continue;
        }
        throw error;
      }
      // Every byte arrived; the server may still be storing it (its object store was busy:
      // it tries again by itself). The file stays on the phone until the server has it.
      if (!(await stored(api, file.sha256))) continue;
    }
    await store.photoUploaded(file.sha256);
    done += 1;
  }
  progress({ done, total: waiting.length, sent: 0, size: 0 });
  return done;
}

async function stored(api: Api, sha256: string): Promise<boolean> {
  try {
    await api.photoStored(sha256);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

/** Why a photo upload stopped. */
export class UploadFailed extends Error {
  constructor(
    message: string,
    /** The server's status, when it answered. */
    readonly status: number | null,
    /** Seconds to wait, when the server said (`Retry-After`). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** The server will not take this file, however often it is sent (not a photo, too large,
   * its bytes not what their hash says). */
  get refused(): boolean {
    return this.status === 413 || this.status === 422 || this.status === 460;
  }
}

function upload(file: PhotoFile, blob: Blob, token: () => string | null, onProgress: (sent: number, size: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const tus = new Upload(blob, {
      endpoint: "/v1/uploads",
      chunkSize: CHUNK_BYTES,
      // Within one round; the app tries the round again later.
      retryDelays: [0, 1_000, 3_000, 10_000],
      metadata: { sha256: file.sha256, kind: file.kind },
      onBeforeRequest: (request) => {
        const bearer = token();
        if (bearer) request.setHeader("Authorization", `Bearer ${bearer}`);
      },
      fingerprint: () => Promise.resolve(`ekemiskinan-photo-${file.sha256}`),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, size) => onProgress(sent, size),
      onSuccess: () => resolve(),
      onError: (error) => {
        const response = "originalResponse" in error ? error.originalResponse : null;
        const status = response?.getStatus() || null;
        const wait = retryAfterHeader(response?.getHeader("Retry-After"));
        reject(new UploadFailed(serverMessage(response?.getBody()) ?? error.message, status, wait));
      },
    });
    tus
      .findPreviousUploads()
      .then((previous) => {
        const last = previous[0];
        if (last) tus.resumeFromPreviousUpload(last);
        tus.start();
      })
      .catch(reject);
  });
}

/** The server's own words from an error body, when it sent one. */
function serverMessage(body: string | undefined): string | null {
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : null;
  } catch {
    return null;
  }
}
