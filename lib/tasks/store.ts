import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations";
import type { TaskStatus } from "../foxapi/normalize";

/** A row of the `tasks` table, in camelCase. */
export interface TaskRecord {
  id: string;
  model: string;
  input: string;
  status: TaskStatus;
  rawStatus: string | null;
  progress: number;
  resultUrl: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  estimatedSeconds: number | null;
  parentId: string | null;
  upstreamCreatedAt: number | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  checkedAt: number | null;
  /** JSON: what the browser measured of the source clip (`{ durationSeconds, width, height }`). */
  sourceMeta: string | null;
  /** When the provider's result link dies (FoxAPI: 24 h after completion). */
  resultExpiresAt: number | null;
  archiveStatus: ArchiveStatus | null;
  archivePath: string | null;
  archiveBytes: number | null;
  archiveError: string | null;
  archiveAttempts: number;
  archiveNextAt: number | null;
  archivedAt: number | null;
}

export type ArchiveStatus = "pending" | "stored" | "failed";

export interface ListQuery {
  limit: number;
  cursor?: { createdAt: number; id: string };
  model?: string;
  status?: TaskStatus;
  search?: string;
}

const COLUMNS: Record<keyof TaskRecord, string> = {
  id: "id",
  model: "model",
  input: "input",
  status: "status",
  rawStatus: "raw_status",
  progress: "progress",
  resultUrl: "result_url",
  errorCode: "error_code",
  errorMessage: "error_message",
  estimatedSeconds: "estimated_seconds",
  parentId: "parent_id",
  upstreamCreatedAt: "upstream_created_at",
  createdAt: "created_at",
  updatedAt: "updated_at",
  completedAt: "completed_at",
  checkedAt: "checked_at",
  sourceMeta: "source_meta",
  resultExpiresAt: "result_expires_at",
  archiveStatus: "archive_status",
  archivePath: "archive_path",
  archiveBytes: "archive_bytes",
  archiveError: "archive_error",
  archiveAttempts: "archive_attempts",
  archiveNextAt: "archive_next_at",
  archivedAt: "archived_at",
};
const SELECT = `SELECT ${Object.entries(COLUMNS)
  .map(([k, c]) => `${c} AS ${k}`)
  .join(", ")} FROM tasks`;

export class TaskStore {
  readonly db: Database.Database;
  /** Compiled statements by SQL text: compiling one costs several times more than running it. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("foreign_keys = ON");
    this.migrate();
  }

  private migrate() {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length)
      throw new Error(
        `The task database is newer (schema ${String(version)}) than this version of Retake understands (${String(MIGRATIONS.length)}).`,
      );
    const apply = this.db.transaction(() => {
      for (let v = version; v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${String(v + 1)}`);
      }
    });
    apply();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // The SQL texts come from a handful of code paths; the bound only guards against a future dynamic one.
      if (this.statements.size < 200) this.statements.set(sql, statement);
    }
    return statement;
  }

  insert(record: TaskRecord): void {
    const keys = Object.keys(COLUMNS) as (keyof TaskRecord)[];
    this.statement(
      `INSERT INTO tasks (${keys.map((k) => COLUMNS[k]).join(", ")}) VALUES (${keys.map((k) => `@${k}`).join(", ")})`,
    ).run(record);
  }

  get(id: string): TaskRecord | undefined {
    return this.statement(`${SELECT} WHERE id = ?`).get(id) as TaskRecord | undefined;
  }

  update(id: string, patch: Partial<Omit<TaskRecord, "id">>): void {
    const keys = Object.keys(patch) as (keyof TaskRecord)[];
    if (keys.length === 0) return;
    this.statement(
      `UPDATE tasks SET ${keys.map((k) => `${COLUMNS[k]} = @${k}`).join(", ")} WHERE id = @id`,
    ).run({ ...patch, id });
  }

  /** Newest first, keyset-paged so a page stays stable while new tasks arrive. */
  list(query: ListQuery): TaskRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.cursor) {
      where.push("(created_at, id) < (@cursorCreatedAt, @cursorId)");
      params.cursorCreatedAt = query.cursor.createdAt;
      params.cursorId = query.cursor.id;
    }
    if (query.model) {
      where.push("model = @model");
      params.model = query.model;
    }
    if (query.status) {
      where.push("status = @status");
      params.status = query.status;
    }
    if (query.search) {
      where.push("json_extract(input, '$.prompt') LIKE @search ESCAPE '\\'");
      params.search = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return this.statement(sql).all(params) as TaskRecord[];
  }

  /** The chain of parents of a task, nearest first (bounded, so a corrupt cycle can't loop). */
  ancestors(id: string, max = 50): TaskRecord[] {
    const out: TaskRecord[] = [];
    const seen = new Set([id]);
    let current = this.get(id)?.parentId ?? null;
    while (current && !seen.has(current) && out.length < max) {
      seen.add(current);
      const parent = this.get(current);
      if (!parent) break;
      out.push(parent);
      current = parent.parentId;
    }
    return out;
  }

  children(id: string): TaskRecord[] {
    return this.statement(`${SELECT} WHERE parent_id = ? ORDER BY created_at`).all(id) as TaskRecord[];
  }

  /** Completed tasks whose result is not yet in our storage and whose next attempt is due. */
  archiveDue(now: number, limit = 10): TaskRecord[] {
    return this.statement(
      `${SELECT} WHERE status = 'completed' AND result_url IS NOT NULL
           AND (archive_status IS NULL OR archive_status = 'failed')
           AND (archive_next_at IS NULL OR archive_next_at <= ?)
         ORDER BY completed_at LIMIT ?`,
    ).all(now, limit) as TaskRecord[];
  }

  /** Tasks not yet in a final state: a restarted server picks them up again. */
  unfinished(): TaskRecord[] {
    return this.statement(
      `${SELECT} WHERE status NOT IN ('completed', 'failed') ORDER BY created_at`,
    ).all() as TaskRecord[];
  }

  close() {
    this.db.close();
  }
}
