"use client";

import { msg } from "@/lib/i18n/message";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiRequestError } from "@/lib/client/api";
import type { UploadHandle } from "@/lib/client/uploads";
import type { MeasuredVideo } from "@/lib/models/shared";
import { type UploadKind, type UploadView, fileFingerprint, fileProblem } from "@/lib/uploads/types";

export type UploadState =
  | { phase: "idle" }
  | { phase: "checking"; name: string }
  /**
   * Refused before any byte was sent. `canForce`: only because the browser could not read the clip;
   * `checkedFor`: the model whose rules the clip broke (another model may take it); `file` and `measured`: the
   * clip and its measurements, so the clip fixer can offer to make it fit.
   */
  | {
      phase: "refused";
      name: string;
      problems: string[];
      canForce: boolean;
      checkedFor?: string;
      file?: File;
      measured?: MeasuredVideo;
    }
  | { phase: "uploading"; name: string; loaded: number; total: number }
  /** `reused`: the same file had been uploaded before; `picked`: chosen from the recent uploads. */
  | { phase: "done"; upload: UploadView; how: "uploaded" | "reused" | "picked" }
  | { phase: "failed"; name: string; message: string }
  | { phase: "cancelled"; name: string };

/**
 * The uploads client (measuring, sending with progress, the recent list) is fetched when a file is first chosen,
 * not with the studio: most visits paste a link and never upload.
 */
const loadClient = () => import("@/lib/client/uploads");

/** Reuse an earlier upload of the same file only if its link has at least this long to live. */
const REUSE_MIN_REMAINING_MS = 3600_000;

/**
 * One field's local-file flow: check the file in the browser (type, size, and for a clip its length and size
 * against the chosen model), reuse an earlier upload of the same file, otherwise upload it with progress, then
 * hand the public URL to the field.
 */
export function useUpload({
  kind,
  videoProblems,
  modelLabel,
  onUrl,
  onBusy,
}: {
  kind: UploadKind;
  /** The chosen model's rules for a clip (MODELS[model].videoProblems), and its name. */
  videoProblems?: (video: MeasuredVideo) => string[];
  modelLabel?: string;
  onUrl: (url: string) => void;
  onBusy?: (busy: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<UploadState>({ phase: "idle" });
  const handle = useRef<Pick<UploadHandle, "cancel"> | null>(null);
  const lastFile = useRef<File | null>(null);
  // The latest callbacks, so an upload that finishes after a re-render writes to the field as it is now.
  const latest = useRef({ videoProblems, modelLabel, onUrl, onBusy });
  useLayoutEffect(() => {
    latest.current = { videoProblems, modelLabel, onUrl, onBusy };
  });

  const busy = state.phase === "uploading" || state.phase === "checking";
  useEffect(() => {
    latest.current.onBusy?.(busy);
  }, [busy]);
  // Leaving the page or removing the field stops its upload.
  useEffect(
    () => () => {
      handle.current?.cancel();
      latest.current.onBusy?.(false);
    },
    [],
  );

  const upload = useCallback(
    async (file: File, meta: MeasuredVideo | null, fingerprint: string) => {
      setState({ phase: "uploading", name: file.name, loaded: 0, total: file.size });
      const { UploadCancelled, sendUpload, uploadKeys } = await loadClient();
      const h = sendUpload(file, {
        fingerprint,
        meta,
        onProgress: (loaded, total) =>
          setState((s) => (s.phase === "uploading" ? { ...s, loaded, total } : s)),
      });
      handle.current = h;
      try {
        const view = await h.promise;
        queryClient.setQueryData<UploadView[]>(uploadKeys.recent, (old) => [
          view,
          ...(old ?? []).filter((u) => u.id !== view.id),
        ]);
        setState({ phase: "done", upload: view, how: "uploaded" });
        latest.current.onUrl(view.url);
      } catch (err) {
        if (err instanceof UploadCancelled) setState({ phase: "cancelled", name: file.name });
        else
          setState({
            phase: "failed",
            name: file.name,
            message: err instanceof ApiRequestError ? err.message : msg("uploads.failedGeneric"),
          });
      } finally {
        if (handle.current === h) handle.current = null;
      }
    },
    [queryClient],
  );

  const start = useCallback(
    async (file: File, options: { force?: boolean; fresh?: boolean } = {}) => {
      handle.current?.cancel();
      lastFile.current = file;
      const { fetchUploads, measureVideoFile, uploadKeys } = await loadClient();
      if (lastFile.current !== file) return; // another file was chosen meanwhile
      const problem = fileProblem(file, kind);
      if (problem)
        return setState({ phase: "refused", name: file.name, problems: [problem], canForce: false });
      let meta: MeasuredVideo | null = null;
      if (kind === "video" && !options.force) {
        setState({ phase: "checking", name: file.name });
        try {
          meta = await measureVideoFile(file);
        } catch {
          return setState({
            phase: "refused",
            name: file.name,
            problems: [msg("uploads.cannotOpen")],
            canForce: true,
          });
        }
        if (lastFile.current !== file) return; // another file was chosen meanwhile
        const problems = latest.current.videoProblems?.(meta) ?? [];
        if (problems.length > 0)
          return setState({
            phase: "refused",
            name: file.name,
            problems,
            canForce: false,
            // Remembered so that, once another model is chosen, the field can offer to check it against that one.
            checkedFor: latest.current.modelLabel,
            file,
            measured: meta,
          });
      }
      const fingerprint = fileFingerprint(file);
      if (!options.fresh) {
        const recent = await queryClient
          .fetchQuery({ queryKey: uploadKeys.recent, queryFn: fetchUploads, staleTime: 10_000 })
          .catch(() => [] as UploadView[]);
        if (lastFile.current !== file) return;
        const earlier = recent.find(
          (u) => u.fingerprint === fingerprint && u.expiresAt - Date.now() > REUSE_MIN_REMAINING_MS,
        );
        if (earlier) {
          setState({ phase: "done", upload: earlier, how: "reused" });
          latest.current.onUrl(earlier.url);
          return;
        }
      }
      await upload(file, meta, fingerprint);
    },
    [kind, queryClient, upload],
  );

  const cancel = useCallback(() => handle.current?.cancel(), []);
  const retry = useCallback(
    (options: { force?: boolean; fresh?: boolean } = {}) => {
      if (lastFile.current) void start(lastFile.current, options);
    },
    [start],
  );
  const reset = useCallback(() => setState({ phase: "idle" }), []);
  /** A recent upload picked from the list. */
  const pick = useCallback((view: UploadView) => {
    handle.current?.cancel();
    lastFile.current = null;
    setState({ phase: "done", upload: view, how: "picked" });
    latest.current.onUrl(view.url);
  }, []);

  return { state, start, cancel, retry, reset, pick };
}
