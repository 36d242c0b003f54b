"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchUsage, usageKey } from "./api";

/**
 * The day so far, the cap and recent reservations (`GET /api/usage`): read once per page and again after every
 * submit (the submit hook invalidates it), never polled.
 */
export function useUsage() {
  return useQuery({ queryKey: usageKey, queryFn: fetchUsage, staleTime: 60_000 });
}
