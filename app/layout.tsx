import type { Metadata, Viewport } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { I18nProvider } from "@/components/i18n-provider";
import { Providers } from "@/components/providers";
import { fixtureModelsEnabled } from "@/lib/testing/fixture-hook";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: "Retake", description: t("meta.description") };
}

export const viewport: Viewport = { themeColor: "#0b0d10", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    // The browser test's test-only model (RETAKE_FIXTURE_MODELS=1 at start): absent in normal use.
    <html lang={locale} data-retake-fixture-models={fixtureModelsEnabled() ? "1" : undefined}>
      <body className="min-h-dvh">
        <I18nProvider>
          <Providers>{children}</Providers>
        </I18nProvider>
      </body>
    </html>
  );
}
