import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { fixtureModelsEnabled } from "@/lib/testing/fixture-hook";
import "./globals.css";

export const metadata: Metadata = {
  title: "Retake",
  description: "Edit and extend videos with AI: Kling O3 video edit and Veo 3.1 extend.",
};

export const viewport: Viewport = { themeColor: "#0b0d10", width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The browser test's test-only model (RETAKE_FIXTURE_MODELS=1 at start): absent in normal use.
    <html lang="en" data-retake-fixture-models={fixtureModelsEnabled() ? "1" : undefined}>
      <body className="min-h-dvh">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
