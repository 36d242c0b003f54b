import { msg } from "../i18n/message";
import type { MeasuredVideo } from "../models/shared";
import type { UploadView } from "../uploads/types";
import { ApiRequestError } from "./api";

/**
 * Browser side of `/api/uploads`. The upload itself uses XMLHttpRequest rather than fetch: it is the one browser
 * API that reports upload progress, and it can be cancelled.
 */
export const uploadKeys = { recent: ["uploads", "recent"] as const };

export class UploadCancelled extends Error {
  override name = "UploadCancelled";
}

export async function fetchUploads(): Promise<UploadView[]> {
  let res: Response;
  try {
    res = await fetch("/api/uploads", { cache: "no-store" });
  } catch {
    throw new ApiRequestError(0, "network", msg("errors.network"), undefined, undefined);
  }
  const body = (await res.json().catch(() => undefined)) as
    { uploads?: UploadView[]; error?: { code?: string; message?: string } } | undefined;
  if (!res.ok)
    throw new ApiRequestError(
      res.status,
      body?.error?.code ?? "http_error",
      body?.error?.message ?? msg("errors.status", { status: String(res.status) }),
      undefined,
      undefined,
    );
  return body?.uploads ?? [];
}

export interface UploadHandle {
  promise: Promise<UploadView>;
  cancel: () => void;
}

/** Sends one file to `/api/uploads`, reporting bytes sent; rejects with ApiRequestError or UploadCancelled. */
export function sendUpload(
  file: File,
  options: {
    fingerprint: string;
    meta?: MeasuredVideo | null;
    onProgress: (loaded: number, total: number) => void;
  },
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadView>((resolve, reject) => {
    const form = new FormData();
    // Small fields first: the server reads the form in order and streams the file as it arrives.
    form.append("fingerprint", options.fingerprint);
    if (options.meta) form.append("meta", JSON.stringify(options.meta));
    form.append("file", file, file.name);

    // The body is a little larger than the file (the form's framing): report progress in the file's own bytes.
    xhr.upload.onprogress = (e) => {
      const share = e.lengthComputable && e.total > 0 ? Math.min(1, e.loaded / e.total) : 0;
      options.onProgress(Math.round(share * file.size), file.size);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201) return resolve(body as UploadView);
      const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      reject(
        new ApiRequestError(
          xhr.status,
          err?.code ?? "http_error",
          err?.message ??
            (xhr.status === 413
              ? msg("errors.fileTooLarge")
              : msg("errors.uploadStatus", { status: String(xhr.status) })),
          undefined,
          undefined,
        ),
      );
    };
    xhr.onerror = () =>
      reject(new ApiRequestError(0, "network", msg("errors.uploadDropped"), undefined, undefined));
    xhr.onabort = () => reject(new UploadCancelled("Upload cancelled."));
    xhr.open("POST", "/api/uploads");
    xhr.send(form);
  });
  return { promise, cancel: () => xhr.abort() };
}

/**
 * A local clip's duration and size, read by the browser from a blob: URL (nothing is sent anywhere), so the same
 * model rules as for a pasted link can refuse it before any byte is uploaded.
 */
export function measureVideoFile(file: File, timeoutMs = 15_000): Promise<MeasuredVideo> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement("video");
    const done = () => {
      clearTimeout(timer);
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("timeout"));
    }, timeoutMs);
    video.preload = "metadata";
    video.muted = true;
    video.onloadedmetadata = () => {
      const measured = {
        durationSeconds: video.duration,
        width: video.videoWidth,
        height: video.videoHeight,
      };
      done();
      if (!Number.isFinite(measured.durationSeconds) || measured.width === 0)
        reject(new Error("no video track"));
      else resolve(measured);
    };
    video.onerror = () => {
      done();
      reject(new Error("unreadable"));
    };
    video.src = url;
  });
}
