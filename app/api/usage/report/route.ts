import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { requestLocale, translatorFor } from "@/lib/i18n/server";
import { csvFilename, parseUsageFilter, usageCsv, usageReport } from "@/lib/usage/report";

export const dynamic = "force-dynamic";

// GET /api/usage/report?period=day|week|month&date=YYYY-MM-DD[&format=csv] - tasks per person and model over a
// UTC day, ISO week or month, with the credits FoxAPI reserved: admins see everyone, a member only their own
// tasks. Personal API tokens are refused (403 token_not_allowed): usage is for people.
export const GET = withAccess(async ({ request, caller }) => {
  const params = new URL(request.url).searchParams;
  const report = await usageReport(caller, parseUsageFilter(params));
  if (params.get("format") !== "csv") return NextResponse.json(report);
  return new Response(usageCsv(report, translatorFor(requestLocale(request))), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFilename(report)}"`,
    },
  });
});
