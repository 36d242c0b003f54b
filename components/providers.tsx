"use client";

import { QueryClient, QueryClientProvider, isServer } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ShortcutsHost } from "./shortcuts/shortcuts-host";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Our fetchers throw ApiRequestError with a `retryable` flag: retry those a little, never the rest.
        retry: (failureCount, error) =>
          failureCount < 2 && (error as { retryable?: boolean } | null)?.retryable === true,
        refetchOnWindowFocus: false,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

/** One query client per server request, a singleton in the browser (TanStack's Next.js guidance). */
function getQueryClient() {
  if (isServer) return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}

export function Providers({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={getQueryClient()}>
      {children}
      <ShortcutsHost />
    </QueryClientProvider>
  );
}
