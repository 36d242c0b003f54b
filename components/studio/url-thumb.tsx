"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** A small preview of an image URL; says so when it can't load instead of showing a broken icon. */
export function UrlThumb({ url }: { url: string }) {
  const t = useTranslations();
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const valid = /^https?:\/\/\S+$/i.test(url);
  return (
    <div className="flex h-14 w-14 shrink-0 items-center justify-center overflow-hidden rounded border border-ink-700 bg-ink-900">
      {valid && failedUrl !== url ? (
        // User-supplied external URLs: next/image would need every host allow-listed.
        // eslint-disable-next-line @next/next/no-img-element
        <img src={url} alt="" className="h-full w-full object-cover" onError={() => setFailedUrl(url)} />
      ) : (
        <span className="px-1 text-center text-[10px] leading-tight text-slate-400">
          {valid ? t("uploads.cantLoad") : t("uploads.noImage")}
        </span>
      )}
    </div>
  );
}
