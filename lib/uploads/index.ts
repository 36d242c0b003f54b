import "server-only";
import { randomBytes } from "node:crypto";
import { getFoxClient } from "../foxapi";
import { getDb } from "../tasks";
import { type RelayLimits, DEFAULT_LIMITS, relayUpload } from "./relay";
import { type UploadRecord, UploadStore, toUploadView } from "./store";
import { UPLOAD_TTL_MS, type UploadView } from "./types";

let store: UploadStore | undefined;

/** The recent-uploads table lives in the task database; follows it when tests reopen that. */
export function getUploadStore(): UploadStore {
  const db = getDb();
  if (!store || store.db !== db) store = new UploadStore(db);
  return store;
}

/**
 * The origin the browser used (its Host header, as the same-origin guard reads it). The simulator's uploads are
 * paths on our own origin; they are stored as paths and made absolute per request, because the models need a
 * full URL and each viewer may reach this server by a different name.
 */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.slice(0, -1);
  try {
    return new URL(`${proto === "https" ? "https" : "http"}://${host}`).origin;
  } catch {
    return url.origin;
  }
}

const viewFor = (record: UploadRecord, origin: string): UploadView => {
  const view = toUploadView(record);
  return view.url.startsWith("/") ? { ...view, url: new URL(view.url, origin).toString() } : view;
};

/** Streams one browser upload to FoxAPI (or the simulator) and remembers it. */
export async function uploadFromRequest(
  request: Request,
  caller: { sessionId: string },
  options: { limits?: RelayLimits } = {},
): Promise<UploadView> {
  const relayed = await relayUpload(request, getFoxClient(), options.limits ?? DEFAULT_LIMITS);
  const now = Date.now();
  const upstreamCreated = relayed.uploaded.createdAt;
  const record: UploadRecord = {
    id: `up_${randomBytes(9).toString("base64url")}`,
    upstreamId: relayed.uploaded.id,
    sessionId: caller.sessionId,
    url: relayed.uploaded.url,
    filename: relayed.filename,
    contentType: relayed.type.mime,
    kind: relayed.type.kind,
    size: relayed.size,
    fingerprint: relayed.fingerprint,
    meta: relayed.meta ? JSON.stringify(relayed.meta) : null,
    createdAt: now,
    // FoxAPI deletes uploads after about 72 h, counted from its own clock when that looks sane.
    expiresAt:
      (upstreamCreated !== null && Math.abs(upstreamCreated - now) < 3_600_000 ? upstreamCreated : now) +
      UPLOAD_TTL_MS,
  };
  await getUploadStore().insert(record);
  return viewFor(record, requestOrigin(request));
}

/** Uploads whose files still exist upstream, newest first, with URLs on the origin the caller used. */
export async function recentUploads(request: Request, now = Date.now()): Promise<UploadView[]> {
  const origin = requestOrigin(request);
  return (await getUploadStore().recent(now)).map((r) => viewFor(r, origin));
}
