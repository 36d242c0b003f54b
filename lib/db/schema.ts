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
  /** FoxAPI's `usage.credits_reserved` (a real number), when it said. */
  creditsReserved: number | null;
  /** Takes (issue 14): the tasks one click started share this id; `take` is each one's place (1…N). */
  groupId: string | null;
  take: number | null;
  /** 1 when someone on the team marked the task a favourite (issue 14), else 0. */
  favourite: Generated<number>;
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
  /** Who started the task (a `users.id`, accounts mode only; null before accounts or in other modes). */
  createdBy: string | null;
  /** Their name when they started it: the card keeps saying who, even after they leave the team. */
  createdByName: string | null;
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
  /** Whose submit this is (accounts mode): their daily limit counts these. */
  userId: string | null;
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

/**
 * Team accounts (issue 12). better-auth owns the rows of `users`, `auth_sessions`, `auth_accounts`,
 * `auth_verifications` and `api_keys` and queries them itself; we read `users` directly (names on cards, roles).
 * Its times are Dates (ISO text in SQLite, timestamptz in PostgreSQL), not our epoch milliseconds.
 */
export interface UsersTable {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean | number;
  image: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
  role: string | null;
  banned: boolean | number | null;
  banReason: string | null;
  banExpires: Date | string | null;
  /** Tasks per UTC day for this person (phase 2), null for no personal limit. */
  dailyLimit: number | null;
}

/** A pending invite (phase 2 writes them): the link's token is kept only as a hash. Times in epoch ms. */
export interface InvitesTable {
  id: string;
  email: string;
  role: string;
  tokenHash: string;
  expiresAt: number;
  createdBy: string | null;
  acceptedAt: number | null;
  createdAt: number;
}

/** better-auth's API-key plugin's rows (personal tokens): we list and delete a person's own; `key` is a hash. */
export interface ApiKeysTable {
  id: string;
  configId: string;
  name: string | null;
  start: string | null;
  referenceId: string;
  key: string;
  enabled: boolean | number | null;
  expiresAt: Date | string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

/** The Activity list (issue 12): who did what to whom, when (epoch ms). `detail` is JSON. */
export interface ActivityTable {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  subject: string | null;
  detail: string | null;
}

export interface Database {
  users: UsersTable;
  activity: ActivityTable;
  apiKeys: ApiKeysTable;
  invites: InvitesTable;
  tasks: TasksTable;
  submissions: SubmissionsTable;
  sessions: SessionsTable;
  uploads: UploadsTable;
}

export type Engine = "sqlite" | "postgres";
