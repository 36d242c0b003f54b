import { NextResponse } from "next/server";
import { ApiError, readJson } from "@/lib/api/errors";
import { withAccess } from "@/lib/api/route";
import { localizeWarnings } from "@/lib/i18n/server";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/generations/{id} - the task, refreshed from the upstream while unfinished; never cached
export const GET = withAccess<{ id: string }>(
  async ({ request, params }) =>
    NextResponse.json(localizeWarnings(request, await getTaskService().refresh(params.id))),
  { tokens: true },
);

// PATCH /api/generations/{id} - what a person may change on a task: `{ "favourite": true | false }` (issue 14).
// Nothing here reaches the upstream; the change goes to every open page through the live stream.
export const PATCH = withAccess<{ id: string }>(
  async ({ request, params }) => {
    const body = await readJson(request);
    const fields = body && typeof body === "object" && !Array.isArray(body) ? body : null;
    const favourite = (fields as { favourite?: unknown } | null)?.favourite;
    const unknown = fields ? Object.keys(fields).filter((k) => k !== "favourite") : [];
    if (typeof favourite !== "boolean" || unknown.length > 0)
      throw new ApiError(422, "invalid_request", 'Send { "favourite": true } or { "favourite": false }.', {
        fields:
          unknown.length > 0
            ? Object.fromEntries(unknown.map((k) => [k, "This field can't be changed."]))
            : { favourite: "Must be true or false." },
      });
    return NextResponse.json(await getTaskService().setFavourite(params.id, favourite));
  },
  { sameOrigin: true, accepts: "json" },
);
