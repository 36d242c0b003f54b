/** Team shapes the browser reads too (no server code here). */
export const ROLES = ["admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export interface Person {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** Tasks per UTC day; null: only the team's cap. */
  dailyLimit: number | null;
  /** ISO date they joined. */
  joinedAt: string;
}

export interface InviteView {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  createdAt: string;
}
