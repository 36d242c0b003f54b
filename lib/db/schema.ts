import type { Generated } from "kysely";

/*
 * The database as Kysely sees it, one interface per table, in camelCase (CamelCasePlugin maps to the snake_case
 * columns). Times are epoch milliseconds in both engines (INTEGER in SQLite, BIGINT in PostgreSQL, read back as
 * numbers), so records look the same whichever engine holds them.
 */

export interface TasksTable {
  id: string;
  model: string;
  input: string;
  status: string;
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
  sourceMeta: string | null;
  warnings: string | null;
  resultExpiresAt: number | null;
  archiveStatus: string | null;
  archivePath: string | null;
  archiveBytes: number | null;
  archiveError: string | null;
  archiveAttempts: number;
  archiveNextAt: number | null;
  archivedAt: number | null;
  /** Who may ask the upstream about this task until `leaseUntil` (one replica at a time). */
  leaseOwner: string | null;
  leaseUntil: number | null;
  /** Who is copying this task's result until `archiveLeaseUntil`. */
  archiveLeaseOwner: string | null;
  archiveLeaseUntil: number | null;
  /** The global change number of this row's last visible change (issue 16: SSE event ids and resume). */
  changeSeq: Generated<number>;
  /** When that change was written (epoch ms): PostgreSQL may commit numbers out of order, see `changesSince`. */
  changedAt: number | null;
}

export interface SubmissionsTable {
  id: Generated<number>;
  sessionId: string;
  idempotencyKey: string | null;
  requestHash: string;
  state: string;
  taskId: string | null;
  error: string | null;
  day: string;
  createdAt: number;
}

export interface SessionsTable {
  id: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface UploadsTable {
  id: string;
  upstreamId: string | null;
  sessionId: string;
  url: string;
  filename: string;
  contentType: string;
  kind: string;
  size: number;
  fingerprint: string | null;
  meta: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface Database {
  tasks: TasksTable;
  submissions: SubmissionsTable;
  sessions: SessionsTable;
  uploads: UploadsTable;
}

export type Engine = "sqlite" | "postgres";
