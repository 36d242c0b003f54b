import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../../scripts/chromium.mjs";

/** Debian's Chromium, started exactly as the browser tests start it. */
export function launchChromium() {
  return chromium.launch(chromiumLaunchOptions);
}
