import { defineConfig } from "@playwright/test";

// Browser tests of the console against a real server (PostgreSQL, Garage) started and filled
// by scripts/e2e.sh, in Debian's Chromium (Playwright's own browser download is not used).
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:8080",
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        // WebGL for the map, drawn on the CPU (no GPU on a CI machine).
        "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "off",
  },
});
