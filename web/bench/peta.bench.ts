// Panning the console's map over 100,000 households (bench/peta.sh fills the store): frame
// times in Chromium with the CPU throttled 4×, from a requestAnimationFrame loop while the
// mouse drags the map across the kabupaten and zooms in and out; and how long the viewport's
// households took to arrive. Printed, never asserted.
//
// The same moves are made three times: over the Peta page as it is, with the households'
// answers emptied (the desa alone), and with the desa's emptied too: MapLibre drawing only
// its background, the floor that no layer of ours can go under in this browser.

import { expect, type Page, type Route, test } from "@playwright/test";

const PASSWORD = process.env.E2E_PASSWORD ?? "";
/** How many times slower than this machine the CPU is made (`CPU_THROTTLE`, default 4). */
const THROTTLE = Number(process.env.CPU_THROTTLE ?? "4");

test.use({ viewport: { width: 1366, height: 900 }, hasTouch: false, isMobile: false });

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
}

/** What the map is given to draw. */
type Drawn = "everything" | "desa only" | "background only";

/** Answers `route` with the server's answer, its features left out. */
async function withoutFeatures(route: Route): Promise<void> {
  const answer = await route.fetch();
  const json = (await answer.json()) as { features: unknown[] };
  await route.fulfill({ response: answer, json: { ...json, features: [] } });
}

async function pan(page: Page, drawn: Drawn): Promise<{ intervals: number[]; answers: number[] }> {
  if (drawn !== "everything") await page.route("**/v1/map/households?**", withoutFeatures);
  if (drawn === "background only") await page.route("**/v1/map/desa?**", withoutFeatures);
  await page.goto("/");
  await page.getByLabel("Nama pengguna").fill("demo-supervisor");
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("button", { name: "Keluar" })).toBeVisible();
  await page.getByRole("link", { name: "Peta" }).click();
  await expect(page.getByRole("status")).toContainText("rumah tangga di tampilan ini", { timeout: 60_000 });
  await page.waitForTimeout(2_000);

  const answers: number[] = [];
  page.on("requestfinished", (r) => {
    if (r.url().includes("/v1/map/households")) answers.push(r.timing().responseEnd);
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  await page.evaluate(() => {
    const w = window as unknown as { frames: number[]; recording: boolean };
    w.frames = [];
    w.recording = true;
    const tick = (t: number) => {
      w.frames.push(t);
      if (w.recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = await page.getByTestId("peta").boundingBox();
  if (!box) throw new Error("no map");
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  // Drags across the view (each over 40 mouse moves), then zooms in and out with the wheel.
  for (const [dx, dy] of [
    [300, 0],
    [-300, 150],
    [0, -150],
    [250, 120],
    [-250, -120],
  ] as const) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) await page.mouse.move(cx + (dx * i) / 40, cy + (dy * i) / 40);
    await page.mouse.up();
    await page.waitForTimeout(600);
  }
  for (const delta of [-400, -400, -400, 400, 400, 400]) {
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, delta);
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(1_000);
  const frames = await page.evaluate(() => {
    const w = window as unknown as { frames: number[]; recording: boolean };
    w.recording = false;
    return w.frames;
  });
  return { intervals: frames.slice(1).map((t, i) => t - (frames[i] ?? t)), answers };
}

for (const drawn of ["everything", "desa only", "background only"] as const) {
  test(`panning the map over 100,000 households: ${drawn}`, async ({ page }) => {
    const { intervals, answers } = await pan(page, drawn);
    const slow = intervals.filter((d) => d > 50).length;
    console.log("");
    console.log(
      `${drawn}: frames while panning and zooming (CPU ${THROTTLE}× slower): ${intervals.length}; ` +
        `${stats(intervals)}; ${slow} over 50 ms (${((100 * slow) / intervals.length).toFixed(1)} %)`,
    );
    // The emptied answers pass through the test's hands, so only the page as it is says how
    // fast the server answered.
    if (drawn === "everything") {
      console.log(`viewport answers during it: ${answers.length}; ${answers.length ? stats(answers) : "none"}`);
    }
  });
}
