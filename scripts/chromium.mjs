/**
 * How every browser run here starts Debian's Chromium (the browser tests, the benchmarks): no download, no
 * sandbox as root, and no background networking, which this machine's closed network would refuse over and over.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
