import { defineConfig } from "@playwright/test";

// The field app's figures (bench/lapangan.sh): measured in Debian's Chromium against a running
// server, printed, never asserted.
export default defineConfig({
  testDir: ".",
  testMatch: "*.bench.ts",
  outputDir: "../test-results/bench",
  workers: 1,
  retries: 0,
  timeout: 600_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:8080",
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
    viewport: { width: 360, height: 800 },
    hasTouch: true,
    isMobile: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking"],
    },
  },
});
