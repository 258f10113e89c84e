// The field app's figures on a low-end phone: Chromium with the CPU throttled 4×, a 360 × 800
// touch screen. Printed as a table; nothing here is asserted against a time.
//
// - opening the survey form (click on "Survei baru" to the form drawn: two animation frames
//   after its last section is in the page), 15 times;
// - a keystroke's check (an input event on a number to its message drawn), 30 times;
// - a day offline: 200 households surveyed (a household, its KK, a member, a visit with a GPS
//   fix: 800 mutations, written to the app's outbox as the form would), then synced on an
//   emulated 3G link (Lighthouse's mobile profile: 562.5 ms round trip, 1.6 Mbit/s down,
//   750 kbit/s up): the push and the pull of the 200, from the button to "all sent";
// - IndexedDB used per household, from Chrome's usage details before and after the 200.

import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";

import { expect, test } from "@playwright/test";

const PASSWORD = process.env.E2E_PASSWORD ?? "";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function row(what: string, values: number[], unit = "ms"): string {
  const f = (n: number) => n.toFixed(1);
  return `| ${what} | ${values.length} | ${f(quantile(values, 0.5))} ${unit} | ${f(quantile(values, 0.9))} ${unit} | ${f(Math.max(...values))} ${unit} |`;
}

test("the field app on a low-end phone", async ({ page, context }) => {
  // The app shell: every file the service worker keeps, as served (gzip, level 9).
  const worker = readFileSync("dist/lapangan/sw.js", "utf8");
  const shell = JSON.parse(JSON.parse(/JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(worker)?.[1] ?? '"[]"')) as string[];
  const sizes = shell.map((file) => {
    const path = file === "/lapangan/index.html" ? "dist/lapangan/index.html" : `dist${file}`;
    return [file, gzipSync(readFileSync(path), { level: 9 }).length] as const;
  });
  const js = sizes.filter(([f]) => f.endsWith(".js")).reduce((n, [, s]) => n + s, 0);
  const all = sizes.reduce((n, [, s]) => n + s, 0);
  console.log(`app shell: JavaScript ${(js / 1024).toFixed(1)} KB gzip; everything the service worker keeps ${(all / 1024).toFixed(1)} KB gzip (${shell.length} files)`);

  await page.goto("/lapangan/");
  await page.getByLabel("Nama pengguna").fill("demo-tksk");
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("status")).toContainText("perubahan diterima dari server");
  await expect(page.getByRole("button", { name: "Survei baru" })).toBeEnabled();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });

  // Opening the form (left with "Hapus draf ini", but the last time).
  const opens: number[] = [];
  for (let i = 0; i < 15; i++) {
    opens.push(
      await page.evaluate(async () => {
        const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Survei baru");
        if (!button) throw new Error("no Survei baru");
        const start = performance.now();
        button.click();
        await new Promise<void>((done) => {
          const seen = () => document.querySelector("main.survey .actions") !== null;
          if (seen()) return done();
          const watch = new MutationObserver(() => {
            if (seen()) {
              watch.disconnect();
              done();
            }
          });
          watch.observe(document.body, { childList: true, subtree: true });
        });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - start;
      }),
    );
    if (i === 14) break;
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Hapus draf ini" }).click();
    await expect(page.getByRole("button", { name: "Survei baru" })).toBeVisible();
  }
  const keys: number[] = [];
  for (let i = 0; i < 30; i++) {
    keys.push(
      await page.evaluate(async (wrong) => {
        const input = document.querySelector<HTMLInputElement>("#rt-jumlah_anggota");
        if (!input) throw new Error("no jumlah_anggota");
        const start = performance.now();
        input.value = wrong ? "0" : "4";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise<void>((done) => {
          const seen = () => (document.body.textContent?.includes("paling kecil 1") ?? false) === wrong;
          if (seen()) return done();
          const watch = new MutationObserver(() => {
            if (seen()) {
              watch.disconnect();
              done();
            }
          });
          watch.observe(document.body, { childList: true, subtree: true, characterData: true });
        });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - start;
      }, i % 2 === 0),
    );
  }
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Hapus draf ini" }).click();

  // A day offline: 200 households in the outbox.
  const usage = () =>
    page.evaluate(async () => {
      const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
      return estimate.usageDetails?.indexedDB ?? estimate.usage ?? 0;
    });
  const before = await usage();
  await context.setOffline(true);
  await page.evaluate(async (count) => {
    const open = indexedDB.open("ekemiskinan-lapangan");
    const db = await new Promise<IDBDatabase>((done, fail) => {
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    const tx = db.transaction(["meta", "outbox"], "readwrite");
    const meta = tx.objectStore("meta");
    const get = (key: string) =>
      new Promise<unknown>((done) => {
        const r = meta.get(key);
        r.onsuccess = () => done(r.result);
      });
    const device = (await get("device_id")) as string;
    let seq = ((await get("next_seq")) as number | undefined) ?? 1;
    const form = (await get("form")) as { id: string; version: number };
    const desa = ((await get("desa")) as { code: string }[])[0]?.code ?? "";
    let wall = Date.now();
    const stamp = () => ({ wall_ms: wall++, counter: 0, node: device });
    const now = new Date().toISOString();
    for (let i = 0; i < count; i++) {
      const household_id = crypto.randomUUID();
      const family_id = crypto.randomUUID();
      const fields = {
        alamat: `Jl. Poros Malangke ${i}`,
        nama_kepala_rumah_tangga: `Kepala ${i}`,
        jumlah_anggota: 4,
        jumlah_keluarga: 1,
        status_kepemilikan_bangunan: 1,
        luas_lantai_m2: 36.5,
        jenis_lantai: 1,
        jenis_dinding: 1,
        jenis_atap: 1,
        sumber_air_minum: 1,
        sumber_penerangan: 1,
        bahan_bakar_memasak: 1,
        fasilitas_bab: 1,
        konsumsi_daging_seminggu: 1,
        beli_pakaian_baru_setahun: 1,
        frekuensi_makan_sehari: 1,
        mampu_berobat: true,
        penghasilan_kepala_bulan: 1500000,
        lapangan_usaha_kepala: 1,
        pendidikan_kepala: 1,
        tabungan_500rb: false,
      };
      const ops = [
        { op: "create_household", household_id, area_code: desa, form_id: form.id, form_version: form.version, fields },
        { op: "put_family", household_id, family_id, base_version: 0, no_kk: `73220115032${String(10000 + i).slice(-5)}` },
        {
          op: "add_member",
          household_id,
          member_id: crypto.randomUUID(),
          base_version: 0,
          family_id,
          fields: { nama: `Kepala ${i}`, hubungan_kepala: 1, jenis_kelamin: 1, nik: `732201550390${String(1000 + i).slice(-4)}` },
        },
        {
          op: "record_visit",
          visit_id: crypto.randomUUID(),
          household_id,
          form_id: form.id,
          form_version: form.version,
          started_at: now,
          ended_at: now,
          answers: fields,
          gps: { latitude: -2.7905, longitude: 120.3925, accuracy_m: 8, mock: false, fixed_at: now },
          photos: [],
        },
      ];
      for (const op of ops) tx.objectStore("outbox").add({ seq: seq++, hlc: stamp(), device_time: now, ...op });
    }
    meta.put(seq, "next_seq");
    meta.put({ wall_ms: wall, counter: 0, node: device }, "hlc");
    await new Promise<void>((done, fail) => {
      tx.oncomplete = () => done();
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, 200);
  await page.reload();
  await expect(page.getByText("800 perubahan menunggu dikirim")).toBeVisible();

  await context.setOffline(false);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.6 * 1000 * 1000) / 8,
    uploadThroughput: (750 * 1000) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const started = Date.now();
  await page.getByRole("button", { name: "Perbarui sekarang" }).click();
  await expect(page.getByText("Semua survei sudah terkirim.")).toBeVisible({ timeout: 300_000 });
  await expect(page.getByRole("status")).toContainText("perubahan diterima dari server", { timeout: 300_000 });
  const synced = Date.now() - started;
  const after = await usage();
  const copies = await page.evaluate(async () => {
    const open = indexedDB.open("ekemiskinan-lapangan");
    const db = await new Promise<IDBDatabase>((done) => {
      open.onsuccess = () => done(open.result);
    });
    const all = await new Promise<unknown[]>((done) => {
      const r = db.transaction("households").objectStore("households").getAll();
      r.onsuccess = () => done(r.result as unknown[]);
    });
    const refused = await new Promise<number>((done) => {
      const r = db.transaction("rejections").objectStore("rejections").count();
      r.onsuccess = () => done(r.result);
    });
    db.close();
    return { count: all.length, json: all.reduce<number>((n, h) => n + JSON.stringify(h).length, 0), refused };
  });

  console.log("");
  console.log("| on Chromium, CPU 4× slower | runs | p50 | p90 | max |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(row("opening the survey form", opens));
  console.log(row("a keystroke's check drawn", keys));
  console.log("");
  console.log(`refused by the server: ${copies.refused} mutations`);
  console.log(`syncing 200 households surveyed offline (800 mutations pushed, 200 households pulled) on emulated 3G: ${(synced / 1000).toFixed(1)} s`);
  console.log(
    `IndexedDB: ${((after - before) / 1024 / 200).toFixed(1)} KB per household by Chrome's usage details ` +
      `(${(before / 1024).toFixed(0)} → ${(after / 1024).toFixed(0)} KB); the ${copies.count} copies as JSON: ` +
      `${(copies.json / 1024 / copies.count).toFixed(1)} KB each`,
  );
});
