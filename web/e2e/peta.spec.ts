import { expect, test } from "@playwright/test";

import { SHADE_COLORS, NO_DATA, STATUS_COLORS } from "../src/konsol/map/palette";
import { drawn, find, rgb } from "./pixels";
import { expectAccessible, expectNoEnglish, login, screenshot } from "./support";

const SHADES = [...SHADE_COLORS, NO_DATA].map(rgb);
/** The one colour of the offline basemap scripts/e2e.sh gives the server. */
const BASEMAP = [rgb("#dde8f0")];
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
  const png = await drawn(page, map, (p) => find(p, STATUSES).inside !== null && find(p, BASEMAP).inside !== null);
  const area = png.width * png.height;
  // The offline basemap (a PMTiles file the server serves by range requests) shows around the
  // desa, credited.
  expect(find(png, BASEMAP).inside).not.toBeNull();
  await expect(map).toContainText("Peta dasar uji");
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
  await expect(page.getByRole("status")).toContainText("tidak ditampilkan dan tidak dihitung");
  await expect(page.getByLabel("Warnai titik menurut")).toHaveCount(0);
  const map = page.getByTestId("peta");
  const png = await drawn(page, map, (p) => find(p, SHADES).count > 0);
  expect(find(png, SHADES).count).toBeGreaterThan(0);
  expect(find(png, STATUSES).inside).toBeNull();
  await expectAccessible(page);
});
