import { Fragment } from "react";
import type { GenerationRequest } from "@/lib/models";

/** The media a reference token points at in a submitted request, if any. */
function mediaFor(token: string, input: GenerationRequest): { url: string; kind: "video" | "image" } | null {
  const m = /^@(Video|Image|Element)(\d+)$/.exec(token);
  if (!m) return null;
  const n = Number(m[2]) - 1;
  if (m[1] === "Video") return n === 0 ? { url: input.video_url, kind: "video" } : null;
  if (input.model !== "kling-o3-video-to-video-edit") return null;
  const url = m[1] === "Image" ? input.image_urls[n] : input.elements[n]?.frontal_image_url;
  return url ? { url, kind: "image" } : null;
}

/** The full prompt, with each `@Video1 / @ImageN / @ElementN` shown as a chip carrying its thumbnail. */
export function PromptWithRefs({ input }: { input: GenerationRequest }) {
  const parts = input.prompt.split(/(@(?:Video|Image|Element)\d+)/g);
  return (
    <p className="whitespace-pre-wrap text-sm leading-7 text-slate-200">
      {parts.map((part, i) => {
        const media = i % 2 === 1 ? mediaFor(part, input) : null;
        if (!media) return <Fragment key={i}>{part}</Fragment>;
        return (
          <span
            key={i}
            className="mx-0.5 inline-flex items-center gap-1 rounded-full border border-accent-500/40 bg-accent-500/10 py-0.5 pl-0.5 pr-2 align-middle font-mono text-xs text-accent-400"
          >
            {media.kind === "video" ? (
              <video
                src={`${media.url}#t=0.5`}
                muted
                preload="metadata"
                aria-hidden="true"
                className="h-5 w-8 rounded-full bg-black object-cover"
              />
            ) : (
              // eslint-disable-next-line @next/next/no-img-element
              <img src={media.url} alt="" className="h-5 w-5 rounded-full object-cover" />
            )}
            {part}
          </span>
        );
      })}
    </p>
  );
}
