import { chromium } from "@playwright/test";

/**
 * Debian's Chromium, started the way the browser tests start it (playwright.config.ts): no sandbox as root, and no
 * background networking, which this machine's closed network would refuse over and over.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
