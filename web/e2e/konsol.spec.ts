import { expect, test } from "@playwright/test";

import { PLACE_COLORS } from "../src/konsol/map/palette";
import { drawn, find, rgb } from "./pixels";

import {
  expectAccessible,
  expectNoEnglish,
  login,
  screenshot,
  seeded,
  token,
} from "./support";

interface PulledHousehold {
  id: string;
  version: number;
  review_status: string;
  review?: { note?: string; field_notes?: { target: { kind: string; field?: string } }[] };
}

/** The phone's view of a household, through the sync protocol. */
async function pulled(
  request: import("@playwright/test").APIRequestContext,
  bearer: string,
  household: string,
): Promise<PulledHousehold> {
  let cursor: string | undefined;
  let found: PulledHousehold | undefined;
  for (;;) {
    const response = await request.get(`/v1/sync/pull${cursor ? `?cursor=${cursor}` : ""}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(response.status()).toBe(200);
    const page = (await response.json()) as {
      changes: { op: string; household?: PulledHousehold }[];
      cursor: string;
      has_more: boolean;
    };
    for (const change of page.changes) {
      if (change.household?.id === household) found = change.household;
    }
    cursor = page.cursor;
    if (!page.has_more) break;
  }
  if (!found) throw new Error(`household ${household} not pulled`);
  return found;
}

test("the login page is in Indonesian, accessible, and says when the password is wrong", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Masuk" })).toBeVisible();
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "masuk");
  await page.getByLabel("Nama pengguna").fill("demo-supervisor");
  await page.getByLabel("Kata sandi").fill("salah-sekali");
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("alert")).toHaveText("Nama pengguna atau kata sandi salah.");
});

test("every role sees only what it may", async ({ page, request }) => {
  await login(page, "demo-analis");
  await expect(page.getByRole("heading", { name: "Indikator kemiskinan" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Antrean verifikasi" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Pengguna" })).toHaveCount(0);
  await page.goto(`/rumah-tangga/${seeded.risky}`);
  await expect(page.getByRole("alert")).toContainText("tidak boleh");
  await expect(page.getByRole("heading", { name: "Anggota rumah tangga" })).toHaveCount(0);
  const analyst = await token(request, "demo-analis");
  const household = await request.get(`/v1/households/${seeded.risky}`, {
    headers: { authorization: `Bearer ${analyst}` },
  });
  expect(household.status()).toBe(403);
  await page.getByRole("button", { name: "Keluar" }).click();
  await expect(page.getByLabel("Nama pengguna")).toBeVisible();

  await login(page, "demo-tksk");
  await expect(page.getByRole("alert")).toContainText("tidak boleh");
  await page.getByRole("button", { name: "Keluar" }).click();
  await expect(page.getByLabel("Nama pengguna")).toBeVisible();

  await login(page, "demo-admin");
  await expect(page.getByRole("heading", { name: "Antrean verifikasi" })).toBeVisible();
});

test("the riskiest household opens with its photo and flag in words, and a return reaches the phone", async ({
  page,
  request,
}) => {
  await login(page, "demo-supervisor");
  await expect(page.getByRole("heading", { name: "Antrean verifikasi" })).toBeVisible();
  await expect(page.locator("table.rows tbody tr").first()).toBeVisible();
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "antrean");

  // The riskiest first: the visit with a mock location.
  await page.locator("table.rows tbody tr").first().getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/rumah-tangga/${seeded.risky}$`));
  await expect(page.getByText("Lokasi palsu (aplikasi pemalsu lokasi)")).toBeVisible();
  const thumbnail = page.locator("ul.photos img").first();
  await expect(thumbnail).toBeVisible();
  await expect
    .poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth))
    .toBeGreaterThan(0);
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "rumah-tangga");

  // Return it with a note and a note on one answer.
  await page.getByLabel("Kembalikan").check();
  await page.getByLabel("Catatan untuk petugas (TKSK)").fill("Foto dapur buram, ulangi");
  await page.getByRole("button", { name: "Tambah catatan per isian" }).click();
  await page.locator(".field-note select").selectOption("h:jenis_lantai");
  await page.locator(".field-note input").fill("Lantai di foto bukan tanah");
  await page.getByRole("button", { name: "Kembalikan rumah tangga ini" }).click();
  await expect(page.getByRole("status")).toHaveText("Rumah tangga dikembalikan.");

  // The phone's pull carries it.
  const tksk = await token(request, "demo-tksk");
  const copy = await pulled(request, tksk, seeded.risky);
  expect(copy.review_status).toBe("returned");
  expect(copy.review?.note).toBe("Foto dapur buram, ulangi");
  expect(copy.review?.field_notes?.[0]?.target).toEqual({ kind: "household", field: "jenis_lantai" });

  // The worker fixes it from the phone: resubmitted.
  const device = crypto.randomUUID();
  const push = await request.post("/v1/sync/push", {
    headers: { authorization: `Bearer ${tksk}` },
    data: {
      device_id: device,
      mutations: [
        {
          seq: 1,
          hlc: { wall_ms: Date.now(), counter: 0, node: device },
          op: "update_household",
          household_id: seeded.risky,
          base_version: copy.version,
          fields: { jenis_lantai: 2 },
        },
      ],
    },
  });
  expect(push.status()).toBe(200);
  await page.reload();
  await expect(page.locator(".page-head .status")).toHaveText("Dikirim ulang");

  // Approved on the version on screen.
  await page.getByLabel("Setujui").check();
  await page.getByRole("button", { name: "Setujui rumah tangga ini" }).click();
  await expect(page.getByRole("status")).toHaveText("Rumah tangga disetujui.");
  await expect(page.locator(".page-head .status")).toHaveText("Disetujui");
  expect((await pulled(request, tksk, seeded.risky)).review_status).toBe("approved");
});

test("a conflict is settled with one click and shows in the history", async ({ page }) => {
  await login(page, "demo-supervisor");
  await page.goto(`/rumah-tangga/${seeded.conflict}`);
  const conflicts = page.locator("ul.conflicts > li");
  await expect(conflicts).toHaveCount(1);
  await expect(conflicts.first()).toContainText("Andi (TKSK Malangke)");
  await expect(conflicts.first()).toContainText("Budi (TKSK Malangke)");
  await conflicts.first().getByRole("button", { name: "Pakai nilai ini" }).first().click();
  await expect(page.getByRole("status")).toHaveText("Konflik diselesaikan.");
  await expect(page.getByText("Tidak ada konflik yang terbuka.")).toBeVisible();
  await expect(page.locator("ol.history")).toContainText("Konflik diselesaikan");
});

test("a reused photo is shown beside the other household's", async ({ page }) => {
  await login(page, "demo-supervisor");
  await page.goto(`/rumah-tangga/${seeded.shared_photo[0]}`);
  const reused = page.locator("li.flag", { hasText: "Foto sama dengan rumah tangga lain" });
  await expect(reused).toHaveCount(1);
  await expect(reused.locator("figure")).toHaveCount(2);
  await expect(reused.locator("figure img")).toHaveCount(2);
});

test("the household page maps the visit's GPS fix and the photos' EXIF position in the desa", async ({ page }) => {
  await login(page, "demo-supervisor");
  await page.goto(`/rumah-tangga/${seeded.households[0]}`);
  const section = page.locator("section", { has: page.getByRole("heading", { name: "Lokasi survei" }) });
  // In words: the visit with its accuracy, and its three photos (taken where the fix is).
  await expect(section.locator("ul.places li")).toHaveCount(4);
  await expect(section.locator("ul.places li").first()).toContainText(/Kunjungan .* WITA: -2,79000, 120,39250 · akurasi 8 m/);
  await expect(section.locator("ul.places li", { hasText: /^Foto / })).toHaveCount(3);
  await expect(section.getByText("Server belum memiliki batas desa ini.")).toHaveCount(0);
  // On the map: the desa's fill, the fix's dot and the photos' ring around it.
  const map = section.locator(".places-map");
  const visit = [rgb(PLACE_COLORS.visit)];
  const photo = [rgb(PLACE_COLORS.photo)];
  const png = await drawn(page, map, (p) => find(p, visit).inside !== null && find(p, photo).count > 30);
  expect(find(png, [rgb(PLACE_COLORS.desa)]).count / (png.width * png.height)).toBeGreaterThan(0.1);
  expect(find(png, visit).inside).not.toBeNull();
  expect(find(png, photo).count).toBeGreaterThan(30);
  await expectAccessible(page);
  await expectNoEnglish(page);
});

test("a 360 px wide screen still shows the household page", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await login(page, "demo-supervisor");
  await page.goto(`/rumah-tangga/${seeded.households[3]}`);
  await expect(page.getByRole("heading", { name: "Anggota rumah tangga" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(361);
  await screenshot(page, "rumah-tangga-360");
});

test("keys move through the queue and many households are approved at once after a confirmation", async ({
  page,
}) => {
  await login(page, "demo-supervisor");
  const rows = page.locator("table.rows tbody tr");
  await expect(rows.first()).toBeVisible();
  await rows.first().focus();
  await page.keyboard.press("ArrowDown");
  await expect(rows.nth(1)).toHaveClass(/focused/);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/rumah-tangga\//);
  await page.goBack();

  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  await page.getByLabel("Pilih semua di halaman ini").check();
  await page.getByRole("button", { name: `Setujui ${count} rumah tangga` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Setujui ${count} rumah tangga sekaligus?`);
  await dialog.getByRole("button", { name: `Setujui ${count} rumah tangga` }).click();
  // The household whose conflict this supervisor settled holds a value they wrote: four eyes.
  await expect(page.getByRole("status")).toHaveText(`${count - 1} dari ${count} rumah tangga disetujui.`);
  await expect(page.locator("ul.outcomes")).toContainText("Perlu supervisor lain");
  await expect(rows).toHaveCount(1);
  await page.getByRole("button", { name: "Keluar" }).click();
  await expect(page.getByLabel("Nama pengguna")).toBeVisible();

  // Another supervisor approves it.
  await login(page, "demo-admin");
  await page.getByLabel("Pilih semua di halaman ini").check();
  await page.getByRole("button", { name: "Setujui 1 rumah tangga" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Setujui 1 rumah tangga" }).click();
  await expect(page.getByRole("status")).toHaveText("1 dari 1 rumah tangga disetujui.");
  await expect(page.getByText("Tidak ada rumah tangga yang menunggu verifikasi")).toBeVisible();
});

test("an analyst reads the indicators and downloads an XLSX list that opens, without the small desa", async ({
  page,
}) => {
  await login(page, "demo-analis");
  await expect(page).toHaveURL(/\/indikator/);
  await expect(page.getByRole("heading", { name: "Indikator kemiskinan" })).toBeVisible();
  const table = page.locator("table.figures");
  await expect(table.locator("tbody tr")).toHaveCount(3); // two kecamatan and the sum
  await expect(table).toContainText("Malangke");
  await expect(page.locator("ul.bars li")).toHaveCount(14);
  await expect(page.getByText("NIK dan No KK disamarkan.")).toBeVisible();
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "indikator");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Daftar rumah tangga (XLSX)" }).click(),
  ]);
  const path = `test-results/${download.suggestedFilename()}`;
  await download.saveAs(path);
  const ExcelJS = (await import("exceljs")).default;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  expect(sheet).toBeDefined();
  const rows: string[][] = [];
  sheet?.eachRow((row) => {
    const cells: string[] = [];
    row.eachCell((cell) => cells.push(String(cell.value ?? "")));
    rows.push(cells);
  });
  expect(rows[0]).toContain("nik_kepala");
  // Every seeded desa holds fewer than five households: withheld from the analyst's figures,
  // their households are left out of the list too (the server's tests check the masking of
  // the rows an analyst does get).
  expect(rows).toHaveLength(1);
  expect(rows.flat().some((c) => /^\d{16}$/.test(c))).toBe(false);
});

test("an admin adds a user with areas from the tree and logs a user out everywhere", async ({ page }) => {
  await login(page, "demo-admin");
  await page.getByRole("link", { name: "Pengguna" }).click();
  await expect(page.getByRole("heading", { name: "Pengguna", level: 1 })).toBeVisible();
  await expect(page.locator("table")).toContainText("demo-tksk");
  const form = page.locator("form.stack");
  await form.getByLabel("Nama pengguna").fill("tksk-bone-bone");
  await form.getByLabel("Nama yang ditampilkan").fill("Citra (TKSK Bone Bone)");
  await form.getByLabel("Peran").selectOption("enumerator");
  await form.getByRole("button", { name: "Tampilkan desa di Bone Bone" }).click();
  await form.getByLabel(/Bone Bone 73\.22\.02\.1001/).check();
  await form.getByLabel("Kata sandi awal (paling sedikit 8 karakter)").fill("rahasia-citra-1");
  await form.getByRole("button", { name: "Simpan pengguna" }).click();
  await expect(page.getByRole("status")).toHaveText("Pengguna tksk-bone-bone dibuat.");
  const row = page.locator("tr", { hasText: "tksk-bone-bone" });
  await expect(row).toContainText("73.22.02.1001");
  await expectAccessible(page);
  await expectNoEnglish(page);

  await row.getByRole("button", { name: "Cabut semua sesi" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cabut semua sesi" }).click();
  await expect(page.getByRole("status")).toHaveText("tksk-bone-bone dikeluarkan dari semua perangkat.");
});
