import type Database from "better-sqlite3";
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

const SELECT = `SELECT id, upstream_id AS upstreamId, session_id AS sessionId, url, filename,
  content_type AS contentType, kind, size, fingerprint, meta, created_at AS createdAt, expires_at AS expiresAt
  FROM uploads`;

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

/** Recent uploads, kept in the task database so every browser of a team sees the same list. */
export class UploadStore {
  constructor(readonly db: Database.Database) {}

  insert(r: UploadRecord): void {
    this.db
      .prepare(
        `INSERT INTO uploads (id, upstream_id, session_id, url, filename, content_type, kind, size, fingerprint, meta,
           created_at, expires_at)
         VALUES (@id, @upstreamId, @sessionId, @url, @filename, @contentType, @kind, @size, @fingerprint, @meta,
           @createdAt, @expiresAt)`,
      )
      .run(r);
  }

  /** Uploads whose files still exist upstream, newest first. Expired rows are forgotten on the way. */
  recent(now: number, limit = 50): UploadRecord[] {
    this.db.prepare("DELETE FROM uploads WHERE expires_at <= ?").run(now);
    return this.db
      .prepare(`${SELECT} WHERE expires_at > ? ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(now, limit) as UploadRecord[];
  }
}
