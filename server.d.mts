import type { ServerResponse } from "node:http";

/** Types for server.mjs (plain JavaScript, so production needs no TypeScript loader), for the tests. */
export const LENGTH_CARRIER: string;
export function restoreContentLength(res: ServerResponse): void;
export const SSE_CARRIER: string;
export function carryEventStream(
  res: ServerResponse,
  registry?: Map<string, (res: ServerResponse) => void>,
): void;
