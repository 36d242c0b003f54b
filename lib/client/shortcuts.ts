"use client";

import { useEffect, useSyncExternalStore } from "react";

/**
 * Keyboard shortcuts (issue 14): one registry, so the **Keyboard shortcuts** dialog lists whatever the page
 * offers. A feature registers its shortcuts while it is mounted (`useShortcut`) and handles the keys itself; the
 * registry only says what exists.
 */
export interface Shortcut {
  id: string;
  /** Each way to press it, as shown: ["Ctrl+Enter", "⌘+Enter"]. */
  keys: string[];
  /** What it does, in a few words. */
  /** A catalog key (messages/*.json): the dialog says it in the page's language. */
  description: string;
  /** Where it works ("Studio", "Everywhere"…), to group the list. */
  scope: string;
}

const registry = new Map<string, Shortcut>();
let snapshot: Shortcut[] = [];
const listeners = new Set<() => void>();

function changed() {
  snapshot = [...registry.values()];
  for (const l of [...listeners]) l();
}

/** Adds a shortcut to the list; returns its removal. */
export function registerShortcut(shortcut: Shortcut): () => void {
  registry.set(shortcut.id, shortcut);
  changed();
  return () => {
    if (registry.get(shortcut.id) === shortcut) {
      registry.delete(shortcut.id);
      changed();
    }
  };
}

/** Lists the shortcut while the calling component is mounted. */
export function useShortcut(shortcut: Shortcut) {
  const { id, description, scope } = shortcut;
  const keys = shortcut.keys.join("\n");
  useEffect(
    () => registerShortcut({ id, description, scope, keys: keys.split("\n") }),
    [id, description, scope, keys],
  );
}

/** Every registered shortcut, in registration order. */
export function useShortcuts(): Shortcut[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    () => snapshot,
    () => snapshot,
  );
}

/** A key pressed while typing in a field belongs to the field, not to a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
}
