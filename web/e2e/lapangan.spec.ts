import { expect, test } from "@playwright/test";

import { expectAccessible, expectNoEnglish, PASSWORD, screenshot, token } from "./support";

// A cheap Android phone: a 360 × 800 screen, touch.
test.use({ viewport: { width: 360, height: 800 }, hasTouch: true, isMobile: true });

interface Pulled {
  changes: { op: string; household?: { id: string; fields: Record<string, unknown>; members: { fields: Record<string, unknown> }[] } }[];
}

test("the field app logs in once, then opens with its households and no signal", async ({ page, context, request }) => {
  await page.goto("/lapangan/");
  await expect(page.getByRole("heading", { name: "Masuk" })).toBeVisible();
  await expectAccessible(page);
  await expectNoEnglish(page);

  await page.getByLabel("Nama pengguna").fill("demo-tksk");
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("heading", { name: "Wilayah kerja" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("perubahan diterima dari server");

  // The phone holds what the server has in the worker's areas, by desa with their names.
  const tksk = await token(request, "demo-tksk");
  const pulled = (await (
    await request.get("/v1/sync/pull?limit=1000", { headers: { authorization: `Bearer ${tksk}` } })
  ).json()) as Pulled;
  const households = pulled.changes.flatMap((c) => (c.household ? [c.household] : []));
  expect(households.length).toBeGreaterThanOrEqual(5);
  const items = page.locator("ul.households > li");
  await expect(items).toHaveCount(households.length);
  await expect(page.getByRole("heading", { name: /^Desa\/Kel\. Pattimang \(\d+\)$/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: /^Desa\/Kel\. Malangke \(\d+\)$/ })).toBeVisible();
  await expect(page.getByText(/Terakhir diperbarui dari server: .* WITA/)).toBeVisible();
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "lapangan");

  // A search by a member's NIK finds their household.
  const someone = households[0];
  const nik = someone?.members.map((m) => m.fields.nik).find((n): n is string => typeof n === "string");
  const head = someone?.fields.nama_kepala_rumah_tangga;
  expect(nik).toBeDefined();
  await page.getByLabel("Cari nama, NIK atau alamat").fill(nik ?? "");
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText(String(head));
  await page.getByLabel("Cari nama, NIK atau alamat").fill("tidak ada nama seperti ini");
  await expect(page.getByText("Tidak ada rumah tangga yang cocok.")).toBeVisible();

  // The shell is kept by the service worker: with no signal the app opens again, from the
  // phone's own copy.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByText("Tanpa sinyal — data tersimpan di ponsel")).toBeVisible();
  await expect(items).toHaveCount(households.length);
  await expect(page.getByText(/Terakhir diperbarui dari server: .* WITA/)).toBeVisible();

  // Back in signal, the worker asks again.
  await context.setOffline(false);
  await page.getByRole("button", { name: "Perbarui sekarang" }).click();
  await expect(page.getByText("Tersambung ke server")).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("0 perubahan diterima dari server.");
});
