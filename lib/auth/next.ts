/** Only paths on this site: `next=//evil.example` or `next=https://…` would be an open redirect. */
export function safeNext(value: string | string[] | undefined | null): string {
  const v = typeof value === "string" ? value : "/";
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}
