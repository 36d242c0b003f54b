import { msg } from "@/lib/i18n/message";

/** What one of our routes said when it refused: its message, and a message per field where it named fields. */
export interface Problem {
  message: string;
  fields: Record<string, string>;
}

/**
 * Reads a refusal from our own API (`{ error: { message, fields } }`). A body that isn't ours (a proxy's page, an
 * empty answer) gives `fallback`, or the status. Messages may be catalog-encoded: show them with `say`.
 */
export async function problemOf(res: Response, fallback?: string): Promise<Problem> {
  const body = (await res.json().catch(() => null)) as {
    error?: { message?: string; fields?: Record<string, string> };
  } | null;
  return {
    message: body?.error?.message ?? fallback ?? msg("errors.status", { status: String(res.status) }),
    fields: body?.error?.fields ?? {},
  };
}
