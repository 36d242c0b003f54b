import "server-only";
import { randomBytes } from "node:crypto";
import { getFoxClient } from "../foxapi";
import { getTaskStore } from "../tasks";
import { type RelayLimits, DEFAULT_LIMITS, relayUpload } from "./relay";
import { UploadStore, toUploadView } from "./store";
import { UPLOAD_TTL_MS, type UploadView } from "./types";

let store: UploadStore | undefined;

/** The recent-uploads table lives in the task database; follows it when tests reopen that. */
export function getUploadStore(): UploadStore {
  const db = getTaskStore().db;
  if (!store || store.db !== db) store = new UploadStore(db);
  return store;
}

/**
 * Streams one browser upload to FoxAPI (or the simulator) and remembers it. A root-relative URL (only the
 * simulator makes those) becomes absolute on the origin the browser used, because the models need a full URL.
 */
export async function uploadFromRequest(
  request: Request,
  caller: { sessionId: string },
  options: { limits?: RelayLimits; now?: () => number } = {},
): Promise<UploadView> {
  const relayed = await relayUpload(request, getFoxClient(), options.limits ?? DEFAULT_LIMITS);
  const now = options.now?.() ?? Date.now();
  const url = relayed.uploaded.url.startsWith("/")
    ? new URL(relayed.uploaded.url, new URL(request.url).origin).toString()
    : relayed.uploaded.url;
  const createdAt = now;
  const upstreamCreated = relayed.uploaded.createdAt;
  const record = {
    id: `up_${randomBytes(9).toString("base64url")}`,
    upstreamId: relayed.uploaded.id,
    sessionId: caller.sessionId,
    url,
    filename: relayed.filename,
    contentType: relayed.type.mime,
    kind: relayed.type.kind,
    size: relayed.size,
    fingerprint: relayed.fingerprint,
    meta: relayed.meta ? JSON.stringify(relayed.meta) : null,
    createdAt,
    // FoxAPI deletes uploads after about 72 h, counted from its own clock when that looks sane.
    expiresAt:
      (upstreamCreated !== null && Math.abs(upstreamCreated - now) < 3_600_000 ? upstreamCreated : now) +
      UPLOAD_TTL_MS,
  };
  getUploadStore().insert(record);
  return toUploadView(record);
}

/** Uploads whose files still exist upstream, newest first. */
export function recentUploads(now = Date.now()): UploadView[] {
  return getUploadStore().recent(now).map(toUploadView);
}
