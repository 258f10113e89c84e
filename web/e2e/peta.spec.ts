import { expect, type Locator, type Page, test } from "@playwright/test";
import { PNG } from "pngjs";

import { SHADE_COLORS, NO_DATA, STATUS_COLORS } from "../src/konsol/map/palette";
import { expectAccessible, expectNoEnglish, login, screenshot } from "./support";

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The map's pixels, as drawn on the screen (WebGL included). */
async function pixels(map: Locator): Promise<PNG> {
  return PNG.sync.read(await map.screenshot());
}

function near(png: PNG, x: number, y: number, colors: Rgb[], tolerance = 6): boolean {
  const i = (y * png.width + x) * 4;
  const [r, g, b] = [png.data[i] ?? 0, png.data[i + 1] ?? 0, png.data[i + 2] ?? 0];
  return colors.some(([cr, cg, cb]) => Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance);
}

/** How many pixels have one of `colors`, and one whose 5×5 neighbourhood all has them. */
function find(png: PNG, colors: Rgb[]): { count: number; inside: { x: number; y: number } | null } {
  let count = 0;
  let inside: { x: number; y: number } | null = null;
  for (let y = 2; y < png.height - 2; y++) {
    for (let x = 2; x < png.width - 2; x++) {
      if (!near(png, x, y, colors)) continue;
      count++;
      if (inside) continue;
      let all = true;
      for (let dy = -2; dy <= 2 && all; dy++) {
        for (let dx = -2; dx <= 2 && all; dx++) all = near(png, x + dx, y + dy, colors);
      }
      if (all) inside = { x, y };
    }
  }
  return { count, inside };
}

/** Waits until the map has drawn what `ready` looks for in its pixels. */
async function drawn(page: Page, map: Locator, ready: (png: PNG) => boolean): Promise<PNG> {
  let png = await pixels(map);
  for (let tries = 0; tries < 40 && !ready(png); tries++) {
    await page.waitForTimeout(250);
    png = await pixels(map);
  }
  return png;
}

const SHADES = [...SHADE_COLORS, NO_DATA].map(rgb);
const STATUSES = Object.values(STATUS_COLORS).map(rgb);

test("the map draws the desa and the households, and a click on a point opens the household", async ({ page }) => {
  // MapLibre draws in a worker made from a blob: the CSP must let it, and nothing may fail.
  const failures: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(message.text());
  });
  page.on("pageerror", (error) => failures.push(error.message));
  await login(page, "demo-supervisor");
  await page.getByRole("link", { name: "Peta" }).click();
  await expect(page).toHaveURL(/\/peta/);
  await expect(page.getByRole("heading", { name: "Peta rumah tangga" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("rumah tangga di tampilan ini");

  const map = page.getByTestId("peta");
  const png = await drawn(page, map, (p) => find(p, STATUSES).inside !== null);
  const area = png.width * png.height;
  // The desa polygons cover a good part of the view (they were fitted into it) …
  expect(find(png, SHADES).count / area).toBeGreaterThan(0.1);
  // … and the households are drawn on them as points in a review status's color.
  const point = find(png, STATUSES).inside;
  expect(point).not.toBeNull();

  await expectAccessible(page);
  await expectNoEnglish(page);
  const labels = await page.locator("[aria-label], [title]").evaluateAll((nodes) =>
    nodes.map((n) => `${n.getAttribute("aria-label") ?? ""} ${n.getAttribute("title") ?? ""}`),
  );
  expect(labels.filter((l) => /\b(map|zoom|toggle|reset|close)\b/i.test(l))).toEqual([]);
  await screenshot(page, "peta");
  expect(failures).toEqual([]);

  // The same point, clicked, opens its household.
  if (!point) return;
  await map.click({ position: point });
  await expect(page).toHaveURL(/\/rumah-tangga\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("an analyst's map shows no single household", async ({ page }) => {
  await login(page, "demo-analis");
  await page.getByRole("link", { name: "Peta" }).click();
  // The seeded households lie in cells of fewer than five: every one is held back.
  await expect(page.getByRole("status")).toContainText("tidak ditampilkan demi kerahasiaan");
  await expect(page.getByLabel("Warnai titik menurut")).toHaveCount(0);
  const map = page.getByTestId("peta");
  const png = await drawn(page, map, (p) => find(p, SHADES).count > 0);
  expect(find(png, SHADES).count).toBeGreaterThan(0);
  expect(find(png, STATUSES).inside).toBeNull();
  await expectAccessible(page);
});
