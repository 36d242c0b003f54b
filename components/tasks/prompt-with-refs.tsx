import { Fragment } from "react";
import { type GenerationRequest, modelInfo } from "@/lib/models/catalog";
import { REFERENCE_SPLIT } from "@/lib/models/references";

/** The full prompt, with each reference (`@Video1 / @ImageN / @ElementN`) shown as a chip carrying its thumbnail. */
export function PromptWithRefs({ input }: { input: GenerationRequest }) {
  const info = modelInfo(input.model);
  const parts = input.prompt.split(REFERENCE_SPLIT);
  return (
    <p className="whitespace-pre-wrap text-sm leading-7 text-slate-200" translate="no">
      {parts.map((part, i) => {
        // The model's definition says what a token points at; a model without references has none.
        const media = i % 2 === 1 ? info.referenceMedia(input, part) : null;
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
