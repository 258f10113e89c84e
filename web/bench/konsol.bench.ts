// The console's household page on an office PC: from the navigation to every photo thumbnail
// of the household drawn (each image decoded), for the seeded households with photos. Printed,
// never asserted.

import { readFileSync } from "node:fs";

import { expect, test } from "@playwright/test";

const PASSWORD = process.env.E2E_PASSWORD ?? "";

test.use({ viewport: { width: 1366, height: 900 }, hasTouch: false, isMobile: false });

test("the household page with its photos", async ({ page }) => {
  const seeded = JSON.parse(readFileSync(process.env.E2E_SEED ?? "", "utf8")) as { households: string[] };
  await page.goto("/");
  await page.getByLabel("Nama pengguna").fill("demo-supervisor");
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("button", { name: "Keluar" })).toBeVisible();

  const times: number[] = [];
  const photos: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const household of seeded.households) {
      await page.goto(`/rumah-tangga/${household}`);
      const [ms, count] = await page.evaluate(async () => {
        // Every thumbnail of the photo strip, decoded.
        for (;;) {
          const images = [...document.querySelectorAll<HTMLImageElement>("ul.photos img")];
          const placeholders = document.querySelectorAll("ul.photos .placeholder").length;
          if (images.length > 0 && placeholders === 0 && images.every((i) => i.complete && i.naturalWidth > 0)) {
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            return [performance.now(), images.length] as const;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      times.push(ms);
      photos.push(count);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  console.log("");
  console.log(
    `household page, from navigation to every thumbnail drawn (${Math.min(...photos)}–${Math.max(...photos)} photos each, ` +
      `${times.length} loads): p50 ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`,
  );
});
