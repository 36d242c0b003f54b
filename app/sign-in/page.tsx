import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in · Retake" };

/** Only paths on this site: `next=//evil.example` or `next=https://…` would be an open redirect. */
function safeNext(value: string | string[] | undefined): string {
  const v = typeof value === "string" ? value : "/";
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNext((await searchParams).next);
  if (!getEnv().ACCESS_PASSCODE) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm space-y-6 rounded-lg border border-ink-700 bg-ink-900 p-6">
        <div className="space-y-1">
          <p className="flex items-center gap-2 text-base font-semibold text-slate-100">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm bg-accent-500" />
            Retake
          </p>
          <h1 className="text-lg font-semibold text-slate-100">Sign in</h1>
          <p className="text-sm text-slate-400">
            This studio spends a shared FoxAPI account. Enter the team passcode.
          </p>
        </div>
        <SignInForm next={next} />
      </div>
    </main>
  );
}
