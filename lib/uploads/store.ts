import type { Db } from "../db";
import type { MeasuredVideo } from "../models/shared";
import type { UploadKind, UploadView } from "./types";

/** A row of the `uploads` table (migration 4), in camelCase. */
export interface UploadRecord {
  id: string;
  upstreamId: string | null;
  sessionId: string;
  url: string;
  filename: string;
  contentType: string;
  kind: UploadKind;
  size: number;
  fingerprint: string | null;
  /** JSON of what the browser measured of a video. */
  meta: string | null;
  createdAt: number;
  expiresAt: number;
}

function parseMeta(meta: string | null): MeasuredVideo | null {
  if (!meta) return null;
  try {
    const v = JSON.parse(meta) as Partial<MeasuredVideo>;
    return typeof v.durationSeconds === "number" &&
      typeof v.width === "number" &&
      typeof v.height === "number"
      ? { durationSeconds: v.durationSeconds, width: v.width, height: v.height }
      : null;
  } catch {
    return null;
  }
}

export function toUploadView(r: UploadRecord): UploadView {
  return {
    id: r.id,
    url: r.url,
    filename: r.filename,
    contentType: r.contentType,
    kind: r.kind,
    size: r.size,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    fingerprint: r.fingerprint,
    meta: parseMeta(r.meta),
  };
}

/** Recent uploads, kept in the task database (either engine) so every browser of a team sees the same list. */
export class UploadStore {
  constructor(readonly db: Db) {}

  async insert(r: UploadRecord): Promise<void> {
    await this.db.ready;
    await this.db.kysely.insertInto("uploads").values(r).execute();
  }

  /** Uploads whose files still exist upstream, newest first. Expired rows are forgotten on the way. */
  async recent(now: number, limit = 50): Promise<UploadRecord[]> {
    await this.db.ready;
    await this.db.kysely.deleteFrom("uploads").where("expiresAt", "<=", now).execute();
    const rows = await this.db.kysely
      .selectFrom("uploads")
      .selectAll()
      .where("expiresAt", ">", now)
      .orderBy("createdAt", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows as UploadRecord[];
  }
}
