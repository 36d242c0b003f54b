"use client";

import { Suspense, lazy, useEffect, useState } from "react";
import { isTyping, useShortcut } from "@/lib/client/shortcuts";

// The dialog is loaded the first time `?` is pressed: nothing of it in the page's first load.
const ShortcutsDialog = lazy(() => import("./shortcuts-dialog"));

/** Listens for `?` (outside text fields) on every page and opens **Keyboard shortcuts**. */
export function ShortcutsHost() {
  const [open, setOpen] = useState(false);
  // Description and scope are catalog keys: the dialog says them in the page's language.
  useShortcut({
    id: "shortcuts",
    keys: ["?"],
    description: "shortcuts.show",
    scope: "shortcuts.everywhere",
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTyping(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return open ? (
    <Suspense fallback={null}>
      <ShortcutsDialog onClose={() => setOpen(false)} />
    </Suspense>
  ) : null;
}
