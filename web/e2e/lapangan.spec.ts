import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { type Browser, expect, type Page, test } from "@playwright/test";

import type { FieldDef, FormDefinition } from "../src/generated/protocol";

import { expectAccessible, expectNoEnglish, PASSWORD, screenshot, seeded, token } from "./support";

// A cheap Android phone: a 360 × 800 screen, touch.
test.use({ viewport: { width: 360, height: 800 }, hasTouch: true, isMobile: true });

interface PulledHousehold {
  id: string;
  area_code: string;
  fields: Record<string, unknown>;
  families: { no_kk?: string | null }[];
  members: { fields: Record<string, unknown> }[];
}

interface Pulled {
  changes: { op: string; household?: PulledHousehold }[];
}

const FORM = JSON.parse(readFileSync("../fixtures/forms/survei-rt.v1.json", "utf8")) as FormDefinition;

async function pulledBy(request: import("@playwright/test").APIRequestContext, user: string): Promise<PulledHousehold[]> {
  const bearer = await token(request, user);
  const answer = await request.get("/v1/sync/pull?limit=1000", { headers: { authorization: `Bearer ${bearer}` } });
  const page = (await answer.json()) as Pulled;
  return page.changes.flatMap((c) => (c.household ? [c.household] : []));
}

async function logIn(page: Page, username: string): Promise<void> {
  await page.goto("/lapangan/");
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("heading", { name: "Wilayah kerja" })).toBeVisible();
}

/** A JPEG of a scene drawn from `seed`, made by the browser's own encoder; with `grain`, noise
 * over it, so that it weighs as much as a camera's photo of its size. */
async function jpeg(page: Page, seed: number, grain = 0): Promise<Buffer> {
  const bytes = await page.evaluate(
    async ([start, noise]) => {
      const [w, h] = noise > 0 ? [1024, 768] : [640, 480];
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d");
      if (!g) throw new Error("no 2d canvas");
      let x = start;
      const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let i = 0; i < 40; i++) {
        g.fillStyle = `hsl(${next() * 360} 60% ${30 + next() * 40}%)`;
        g.fillRect(next() * w, next() * h, next() * 300, next() * 300);
      }
      if (noise > 0) {
        const image = g.getImageData(0, 0, w, h);
        for (let i = 0; i < image.data.length; i++) image.data[i] = (image.data[i] ?? 0) + (next() - 0.5) * noise;
        g.putImageData(image, 0, 0);
      }
      const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, "image/jpeg", 0.92));
      if (!blob) throw new Error("no JPEG");
      return [...new Uint8Array(await blob.arrayBuffer())];
    },
    [seed, grain] as const,
  );
  return Buffer.from(bytes);
}

/** Fills in a new survey in Pattimang, with its required answers, a member, a KK, a fix and
 * the required photos (the first one heavy); returns the photos by kind. */
async function survey(page: Page, head: string): Promise<Map<string, Buffer>> {
  await page.getByRole("button", { name: "Survei baru" }).click();
  await page.getByLabel("Desa/kelurahan").selectOption({ label: "Pattimang" });
  for (const def of FORM.household_fields.filter((d) => d.required && d.owner !== "supervisor")) {
    await answer(page, "rt", def, def.name === "nama_kepala_rumah_tangga" ? head : "Jl. Uji Lapangan 2");
  }
  for (const def of FORM.member_fields.filter((d) => d.required)) await answer(page, "anggota-1", def, "Sitti Uji");
  await page.getByRole("button", { name: "Ambil titik GPS" }).click();
  await expect(page.getByText("Titik GPS di dalam Desa/Kel. Pattimang.")).toBeVisible();
  const taken = new Map<string, Buffer>();
  for (const [i, def] of FORM.photos.filter((p) => p.required).entries()) {
    const bytes = await jpeg(page, 104_729 * (i + 3), i === 0 ? 90 : 0);
    taken.set(def.kind, bytes);
    await page.locator(`#foto-${def.kind}`).setInputFiles({ name: `${def.kind}.jpg`, mimeType: "image/jpeg", buffer: bytes });
  }
  await expect(page.locator("img.preview")).toHaveCount(taken.size);
  return taken;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Answers a required question the way a worker would, with a valid answer. */
async function answer(page: Page, prefix: string, def: FieldDef, text: string | undefined): Promise<void> {
  const control = page.locator(`#${prefix}-${def.name}`);
  switch (def.type) {
    case "select":
      await control.selectOption(String(def.choices[0]?.code));
      return;
    case "boolean":
      await page.locator("fieldset.question", { has: page.locator("legend", { hasText: def.label }) }).getByLabel("Tidak").check();
      return;
    case "integer":
      await control.fill(String(Math.max(def.min ?? 1, 1)));
      return;
    case "decimal":
      await control.fill("36,5");
      return;
    default:
      await control.fill(text ?? "Uji");
  }
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
  const households = await pulledBy(request, "demo-tksk");
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

test("a household surveyed with no signal survives reloads and reaches the server once", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["geolocation"]);
  await logIn(page, "demo-tksk");
  await expect(page.getByRole("button", { name: "Survei baru" })).toBeEnabled();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);

  const head = `Uji Lapangan ${Date.now() % 100000}`;
  await page.getByRole("button", { name: "Survei baru" }).click();
  await expect(page.getByRole("heading", { name: "Survei rumah tangga baru" })).toBeVisible();
  await page.getByLabel("Desa/kelurahan").selectOption({ label: "Pattimang" });
  for (const def of FORM.household_fields.filter((d) => d.required && d.owner !== "supervisor")) {
    await answer(page, "rt", def, def.name === "nama_kepala_rumah_tangga" ? head : "Jl. Uji Lapangan 1");
  }
  // A wrong number is said at once, in words, and fixed.
  await page.locator("#rt-jumlah_anggota").fill("0");
  await expect(page.getByText("paling kecil 1")).toBeVisible();
  await page.locator("#rt-jumlah_anggota").fill("1");
  await expect(page.getByText("paling kecil 1")).toHaveCount(0);
  for (const def of FORM.member_fields.filter((d) => d.required)) {
    await answer(page, "anggota-1", def, "Sitti Uji");
  }
  await page.locator("#anggota-1-nik").fill("7322015503900001");
  await page.getByLabel("Kartu Keluarga 1 — No KK").fill("7322011503200001");
  // A fix in the next desa is warned about in words, with no signal (the boundaries are on the
  // phone); taken again at the house, it is inside.
  await context.setGeolocation({ latitude: -2.7905, longitude: 120.4275, accuracy: 9 });
  await page.getByRole("button", { name: "Ambil titik GPS" }).click();
  await expect(page.getByRole("alert")).toContainText(/Titik GPS .* di luar Desa\/Kel\. Pattimang, di dalam Desa\/Kel\. Malangke/);
  await context.setGeolocation({ latitude: -2.7905, longitude: 120.3925, accuracy: 9 });
  await page.getByRole("button", { name: "Ambil ulang titik GPS" }).click();
  await expect(page.getByText("-2,79050, 120,39250 · akurasi 9 m")).toBeVisible();
  await expect(page.getByText("Titik GPS di dalam Desa/Kel. Pattimang.")).toBeVisible();
  // The photos the form requires, from the camera (here: files the browser encoded).
  const required = FORM.photos.filter((p) => p.required);
  const taken = new Map<string, Buffer>();
  for (const [i, def] of required.entries()) {
    const bytes = await jpeg(page, 7919 * (i + 1));
    taken.set(def.kind, bytes);
    await page.locator(`#foto-${def.kind}`).setInputFiles({ name: `${def.kind}.jpg`, mimeType: "image/jpeg", buffer: bytes });
  }
  await expect(page.locator("img.preview")).toHaveCount(required.length);
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "lapangan-survei");

  // The app closed in the middle (a reload with no signal): the draft is still there.
  await page.reload();
  const draft = page.locator("ul.drafts > li", { hasText: head });
  await expect(draft).toContainText("Desa/Kel. Pattimang");
  await draft.getByRole("button", { name: "Lanjutkan" }).click();
  await expect(page.locator("#rt-alamat")).toHaveValue("Jl. Uji Lapangan 1");
  await expect(page.locator("#anggota-1-nik")).toHaveValue("7322015503900001");
  await expect(page.locator("img.preview")).toHaveCount(required.length);
  // Two quick taps (an impatient thumb): the survey is queued once.
  await page.getByRole("button", { name: "Selesai dan kirim" }).evaluate((button: HTMLButtonElement) => {
    button.click();
    button.click();
  });

  // Finished: waiting in the outbox (the household, its KK, its member and the visit), also
  // after another reload.
  await expect(page.getByText("4 perubahan menunggu dikirim")).toBeVisible();
  await page.reload();
  await expect(page.getByText("4 perubahan menunggu dikirim")).toBeVisible();
  await expect(page.getByText(`${required.length} foto menunggu dikirim`)).toBeVisible();
  const mine = page.locator("ul.households > li", { hasText: head });
  await expect(mine).toContainText("Menunggu dikirim");

  // Logging out asks first while work waits; staying keeps everything.
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole("button", { name: "Keluar" }).click();
  await expect.poll(() => asked).toContain("4 survei atau perubahan belum terkirim");
  await expect(page.getByText("4 perubahan menunggu dikirim")).toBeVisible();

  // Signal again: sent, and the server has it once, as typed, with the visit's fix.
  await context.setOffline(false);
  await page.getByRole("button", { name: "Perbarui sekarang" }).click();
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();
  await expect(mine).toContainText("Terkirim");
  await page.getByRole("button", { name: "Perbarui sekarang" }).click();
  await expect(page.getByRole("status")).toContainText("perubahan diterima dari server");

  const stored = (await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head);
  expect(stored).toHaveLength(1);
  const household = stored[0];
  expect(household?.area_code).toBe("73.22.01.2001");
  expect(household?.fields.luas_lantai_m2).toBe(36.5);
  expect(household?.families.map((f) => f.no_kk)).toEqual(["7322011503200001"]);
  expect(household?.members.map((m) => m.fields.nik)).toEqual(["7322015503900001"]);
  const supervisor = await token(request, "demo-supervisor");
  const places = (await (
    await request.get(`/v1/households/${household?.id}/places`, { headers: { authorization: `Bearer ${supervisor}` } })
  ).json()) as { features: { geometry: { coordinates: unknown }; properties: { place: string; accuracy_m?: number } }[] };
  const visits = places.features.filter((f) => f.properties.place === "visit");
  expect(visits).toHaveLength(1);
  expect(visits[0]?.geometry.coordinates).toEqual([120.3925, -2.7905]);
  expect(visits[0]?.properties.accuracy_m).toBe(9);

  // Every photo stored, byte for byte as the camera made it.
  const photos = (await (
    await request.get(`/v1/households/${household?.id}/photos`, { headers: { authorization: `Bearer ${supervisor}` } })
  ).json()) as { kind: string; sha256: string; status: string }[];
  expect(photos.map((p) => [p.kind, p.sha256, p.status]).sort()).toEqual(
    [...taken].map(([kind, bytes]) => [kind, sha256(bytes), "stored"]).sort(),
  );
  for (const bytes of taken.values()) {
    const original = await request.get(`/v1/photos/${sha256(bytes)}/original`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(sha256(await original.body())).toBe(sha256(bytes));
  }
});

test("a returned household shows the supervisor's notes on its answers, and fixing it resubmits it", async ({
  page,
  request,
}) => {
  // A supervisor returns a household with a note on one answer.
  const supervisor = await token(request, "demo-supervisor");
  const auth = { authorization: `Bearer ${supervisor}` };
  const target = seeded.households[1];
  const current = (await (await request.get(`/v1/households/${target}`, { headers: auth })).json()) as {
    version: number;
    fields: Record<string, unknown>;
  };
  const head = String(current.fields.nama_kepala_rumah_tangga);
  const decided = await request.post(`/v1/households/${target}/review`, {
    headers: auth,
    data: {
      version: current.version,
      decision: "return",
      note: "Luas lantai tidak sesuai foto",
      field_notes: [{ target: { kind: "household", field: "luas_lantai_m2" }, note: "Ukur ulang luas lantai" }],
    },
  });
  expect(decided.status()).toBe(200);

  await logIn(page, "demo-tksk");
  const item = page.locator("ul.households > li", { hasText: head });
  await expect(item).toContainText("Dikembalikan");
  await expect(item).toContainText("Catatan supervisor: Luas lantai tidak sesuai foto");
  await item.getByRole("button", { name: "Perbaiki" }).click();

  await expect(page.getByRole("heading", { name: `Perbaiki data: ${head}` })).toBeVisible();
  await expect(page.locator(".review-note")).toContainText("Ukur ulang luas lantai");
  const noted = page.locator(".question.noted");
  await expect(noted).toHaveCount(1);
  await expect(noted).toContainText("Catatan supervisor: Ukur ulang luas lantai");
  await expect(noted.locator("input")).toHaveAttribute("id", "rt-luas_lantai_m2");
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "lapangan-dikembalikan");
  await noted.locator("input").fill("42,5");
  await page.getByRole("button", { name: "Selesai dan kirim perbaikan" }).click();

  // Sent (the app syncs at once with signal); the server has it resubmitted, with the fix.
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();
  await expect(item).toContainText("Terkirim ulang");
  const after = (await (await request.get(`/v1/households/${target}`, { headers: auth })).json()) as {
    version: number;
    review_status: string;
    fields: Record<string, unknown>;
  };
  expect(after.review_status).toBe("resubmitted");
  expect(after.fields.luas_lantai_m2).toBe(42.5);
  expect(after.version).toBe(current.version + 2);
});

test.describe("on a 2G link", () => {
  // Requests of the page itself, not answered from a service worker, so that they can be cut.
  test.use({ serviceWorkers: "block" });

  test("a push whose answer is lost and a photo upload cut midway each arrive once", async ({
    page,
    context,
    request,
  }) => {
    test.setTimeout(180_000);
    await context.grantPermissions(["geolocation"]);
    await context.setGeolocation({ latitude: -2.7915, longitude: 120.3925, accuracy: 6 });
    await logIn(page, "demo-tksk");
    await expect(page.getByRole("button", { name: "Survei baru" })).toBeEnabled();
    const cdp = await context.newCDPSession(page);
    const slow = () =>
      cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 300,
        downloadThroughput: (250 * 1000) / 8,
        uploadThroughput: (250 * 1000) / 8,
      });

    // The first push reaches the server, which applies it, but its answer never arrives.
    let pushes = 0;
    await page.route("**/v1/sync/push", async (route) => {
      pushes += 1;
      if (pushes === 1) {
        await route.fetch();
        await route.abort("connectionreset");
      } else {
        await route.continue();
      }
    });
    // What the photo uploads send: one creation per photo, and where each chunk starts.
    const created: string[] = [];
    const offsets: number[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/v1/uploads")) created.push(r.headers()["upload-metadata"] ?? "");
      if (r.method() === "PATCH") offsets.push(Number(r.headers()["upload-offset"]));
    });

    const head = `Uji Sinyal Lemah ${Date.now() % 100000}`;
    const taken = await survey(page, head);
    const heavy = [...taken.values()][0]?.length ?? 0;
    expect(heavy).toBeGreaterThan(2 * 128 * 1024);
    await slow();
    await page.getByRole("button", { name: "Selesai dan kirim" }).click();
    await expect(page.getByRole("status")).toContainText("Dicoba lagi otomatis");
    expect(pushes).toBe(1);

    // Sent again: the server answers the stored receipts; then the photos go, slowly. The link
    // drops for a while in the middle of the first photo.
    await page.getByRole("button", { name: "Perbarui sekarang" }).click();
    await expect(page.getByText(/Mengirim foto 1 dari 4 \([5-9]\d/)).toBeVisible({ timeout: 60_000 });
    await context.setOffline(true);
    await page.waitForTimeout(3_000);
    await context.setOffline(false);
    await slow();
    await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible({ timeout: 120_000 });
    expect(pushes).toBe(2);

    // Once each: one household, one visit, every photo stored as taken; each photo created
    // once, and the cut one resumed where it stopped rather than from its start.
    const stored = (await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head);
    expect(stored).toHaveLength(1);
    const supervisor = await token(request, "demo-supervisor");
    const auth = { authorization: `Bearer ${supervisor}` };
    const places = (await (await request.get(`/v1/households/${stored[0]?.id}/places`, { headers: auth })).json()) as {
      features: { properties: { place: string } }[];
    };
    expect(places.features.filter((f) => f.properties.place === "visit")).toHaveLength(1);
    const photos = (await (await request.get(`/v1/households/${stored[0]?.id}/photos`, { headers: auth })).json()) as {
      sha256: string;
      status: string;
    }[];
    expect(photos.map((p) => [p.sha256, p.status]).sort()).toEqual([...taken.values()].map((b) => [sha256(b), "stored"]).sort());
    expect(created).toHaveLength(taken.size);
    const restarts = offsets.filter((o) => o === 0).length;
    // Had the cut photo started again, it would have a second chunk at offset 0.
    expect(restarts).toBe(taken.size);
  });
});

/** A phone of its own: its own IndexedDB, so its own device id. */
async function phone(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 },
    hasTouch: true,
    isMobile: true,
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
  });
  const page = await context.newPage();
  await logIn(page, username);
  await expect(page.getByRole("status")).toContainText("perubahan diterima dari server");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  return page;
}

/** What the phone shows for an answer of a household, read from its edit form (then left). */
async function shown(page: Page, head: string, field: string): Promise<string> {
  await page.locator("ul.households > li", { hasText: head }).getByRole("button").click();
  const value = await page.locator(`#rt-${field}`).inputValue();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Hapus draf ini" }).click();
  await expect(page.getByRole("heading", { name: "Wilayah kerja" })).toBeVisible();
  return value;
}

test("two phones changing the same answer offline keep both values and end up showing the same", async ({
  browser,
  request,
}) => {
  const supervisor = await token(request, "demo-supervisor");
  const auth = { authorization: `Bearer ${supervisor}` };
  const target = seeded.households[3];
  const before = (await (await request.get(`/v1/households/${target}`, { headers: auth })).json()) as {
    fields: Record<string, unknown>;
  };
  const head = String(before.fields.nama_kepala_rumah_tangga);
  const floor = FORM.household_fields.find((d) => d.name === "jenis_lantai");
  if (floor?.type !== "select") throw new Error("jenis_lantai is a choice");
  const [andiChoice, budiChoice] = floor.choices.filter((c) => c.code !== before.fields.jenis_lantai);
  if (!andiChoice || !budiChoice) throw new Error("two other choices");

  const andi = await phone(browser, "demo-tksk");
  const budi = await phone(browser, "demo-tksk-2");
  for (const [page, choice] of [
    [andi, andiChoice],
    [budi, budiChoice],
  ] as const) {
    await page.context().setOffline(true);
    await page.locator("ul.households > li", { hasText: head }).getByRole("button").click();
    await page.locator("#rt-jenis_lantai").selectOption(String(choice.code));
    await page.getByRole("button", { name: /^Selesai dan kirim/ }).click();
    await expect(page.getByText("1 perubahan menunggu dikirim")).toBeVisible();
  }

  // Andi's phone gets signal first, then Budi's: Budi's value is the later one.
  for (const page of [andi, budi]) {
    await page.context().setOffline(false);
    await page.getByRole("button", { name: "Perbarui sekarang" }).click();
    await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();
  }
  const notice = budi.locator("section.conflicts");
  await expect(notice).toContainText(`${head} — Jenis lantai`);
  await expect(notice).toContainText(`nilai Anda dipakai; nilai lain (${andiChoice.label}) disimpan untuk supervisor`);
  await expectAccessible(budi);
  await expectNoEnglish(budi);

  // The server kept both, for a supervisor.
  const conflicts = (await (await request.get(`/v1/conflicts?household_id=${target}`, { headers: auth })).json()) as {
    target: { field?: string };
    stored_value: unknown;
    incoming_value: unknown;
  }[];
  const floorConflicts = conflicts.filter((c) => c.target.field === "jenis_lantai");
  expect(floorConflicts).toHaveLength(1);
  expect([floorConflicts[0]?.stored_value, floorConflicts[0]?.incoming_value]).toEqual([andiChoice.code, budiChoice.code]);

  // Both phones pull and show the same answer.
  await andi.getByRole("button", { name: "Perbarui sekarang" }).click();
  await expect(andi.getByRole("status")).toContainText("perubahan diterima dari server");
  expect(await shown(andi, head, "jenis_lantai")).toBe(String(budiChoice.code));
  expect(await shown(budi, head, "jenis_lantai")).toBe(String(budiChoice.code));
  await andi.context().close();
  await budi.context().close();
});

test("a file the server will not take as a photo is set aside, and the other photos still arrive", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: -2.7925, longitude: 120.3925, accuracy: 7 });
  await logIn(page, "demo-tksk");
  const head = `Uji Bukan Foto ${Date.now() % 100000}`;
  const taken = await survey(page, head);
  // The floor "photo" is a text file that says it is a JPEG.
  const junk = Buffer.from("ini bukan foto, hanya teks biasa");
  await page.locator("#foto-lantai").setInputFiles({ name: "lantai.jpg", mimeType: "image/jpeg", buffer: junk });
  taken.set("lantai", junk);
  await page.getByRole("button", { name: "Selesai dan kirim" }).click();

  const refused = page.locator("section.rejections:not(.lost-photos)");
  await expect(refused).toContainText("Foto Lantai ditolak server:");
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();
  await expectNoEnglish(page);

  const stored = (await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head);
  expect(stored).toHaveLength(1);
  const supervisor = await token(request, "demo-supervisor");
  const photos = (await (
    await request.get(`/v1/households/${stored[0]?.id}/photos`, { headers: { authorization: `Bearer ${supervisor}` } })
  ).json()) as { kind: string; sha256: string; status: string }[];
  expect(photos.map((p) => [p.kind, p.status]).sort()).toEqual(
    [...taken.keys()].map((kind) => [kind, kind === "lantai" ? "pending" : "stored"]).sort(),
  );

  // Read, and set aside for good. The server still waits for a floor photo of that visit:
  // the app says which household to photograph again.
  await refused.getByRole("button", { name: "Tutup" }).click();
  await expect(refused).toHaveCount(0);
  const lost = page.locator("section.lost-photos");
  await expect(lost).toContainText("Server menunggu");
  await expect(lost.getByRole("listitem").filter({ hasText: head })).toHaveCount(1);
  await expectAccessible(page);
});

test("a new survey the server refuses comes back as a draft, is fixed and sent", async ({ page, context, request }) => {
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: -2.7935, longitude: 120.3925, accuracy: 7 });
  await logIn(page, "demo-tksk");
  const head = `Uji Ditolak ${Date.now() % 100000}`;
  await survey(page, head);
  // The push leaves the phone naming a desa outside the worker's areas (as a phone with stale
  // areas would): the server refuses the household, and what followed it.
  let bent = false;
  await page.route("**/v1/sync/push", async (route) => {
    const body = route.request().postDataJSON() as { mutations: { op: string; area_code?: string }[] };
    if (!bent && body.mutations.some((m) => m.op === "create_household")) {
      bent = true;
      for (const m of body.mutations) if (m.op === "create_household") m.area_code = "73.22.02.2001";
      await route.continue({ postData: JSON.stringify(body) });
    } else {
      await route.continue();
    }
  });
  await page.getByRole("button", { name: "Selesai dan kirim" }).click();
  const refused = page.locator("section.rejections:not(.lost-photos)");
  await expect(refused).toContainText("Rumah tangga baru:");
  await refused.getByRole("button", { name: "Buka lagi sebagai draf untuk diperbaiki" }).click();
  await expect(refused).toHaveCount(0);

  const draft = page.locator("ul.drafts > li", { hasText: head });
  await draft.getByRole("button", { name: "Lanjutkan" }).click();
  await expect(page.locator("#rt-alamat")).toHaveValue("Jl. Uji Lapangan 2");
  // The photos went up after the refused push; the draft still names them.
  await expect(page.getByText("Foto ini sudah ada di server.")).toHaveCount(FORM.photos.filter((p) => p.required).length);
  await page.getByLabel("Desa/kelurahan").selectOption({ label: "Pattimang" });
  await page.getByRole("button", { name: "Selesai dan kirim" }).click();
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();

  const stored = (await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head);
  expect(stored).toHaveLength(1);
  expect(stored[0]?.area_code).toBe("73.22.01.2001");
  expect(stored[0]?.members).toHaveLength(1);
});

test("a session ended on the server keeps the survey on the phone, and it goes after logging in again", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: -2.7935, longitude: 120.3925, accuracy: 7 });
  await logIn(page, "demo-tksk");
  // The admin ends the worker's sessions (a phone reported lost, then found).
  const worker = await token(request, "demo-tksk");
  const me = (await (await request.get("/v1/me", { headers: { authorization: `Bearer ${worker}` } })).json()) as { id: string };
  const admin = await token(request, "demo-admin");
  const revoked = await request.delete(`/v1/users/${me.id}/sessions`, { headers: { authorization: `Bearer ${admin}` } });
  expect(revoked.status()).toBe(204);

  const head = `Uji Sesi ${Date.now() % 100000}`;
  await survey(page, head);
  await page.getByRole("button", { name: "Selesai dan kirim" }).click();
  // The server refuses the old token: a dialog asks for the password only, over the work.
  const dialog = page.getByRole("dialog", { name: "Masuk" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Nama pengguna")).toHaveValue("demo-tksk");
  await expect(dialog.getByLabel("Kata sandi")).toBeFocused();
  await expectAccessible(page);
  await expectNoEnglish(page);
  await screenshot(page, "lapangan-sesi-berakhir");

  // The worker goes on working: the survey waits on the phone, and the app says why.
  await dialog.getByRole("button", { name: "Nanti saja (lanjut bekerja di ponsel)" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText("Sesi Anda berakhir.", { exact: false })).toBeVisible();
  await expect(page.getByText(/^\d+ perubahan menunggu dikirim/)).toBeVisible();
  expect((await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head)).toHaveLength(0);

  await page.getByRole("button", { name: "Masuk lagi" }).click();
  await dialog.getByLabel("Kata sandi").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Masuk" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible();
  const stored = (await pulledBy(request, "demo-tksk")).filter((h) => h.fields.nama_kepala_rumah_tangga === head);
  expect(stored).toHaveLength(1);
});
