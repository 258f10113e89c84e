import { describe, expect, it } from "vitest";

import type { FieldDef, HouseholdSnapshot } from "../../generated/protocol";
import { observe, tick } from "./hlc";
import { contains, distanceToEdgeM } from "./geo";
import { applyLocal } from "./local";
import { fieldProblems, identityWarning, valueProblem } from "./validate";

const node = "6f1e0b8e-8f43-4c5e-9d2e-2b7a0f3c9d11";

describe("the phone's clock", () => {
  it("never goes back when the phone's time does", () => {
    const first = tick({ wall_ms: 0, counter: 0, node }, 1_000);
    const second = tick(first, 500);
    expect(second).toEqual({ wall_ms: 1_000, counter: 1, node });
  });

  it("moves past a server stamp that runs ahead", () => {
    const mine = tick({ wall_ms: 0, counter: 0, node }, 2_000);
    const seen = observe(mine, { wall_ms: 10_000, counter: 3, node: "server" }, 2_001);
    expect(seen).toEqual({ wall_ms: 10_000, counter: 4, node });
    expect(tick(seen, 2_002).wall_ms).toBe(10_000);
  });
});

describe("the local view of a household", () => {
  const now = "2026-12-07T08:00:00Z";
  it("shows a household created offline, its family and member, pending review", () => {
    let view = applyLocal(
      undefined,
      { op: "create_household", household_id: "h", area_code: "73.22.01.2001", form_id: "survei-rt", form_version: 1, fields: { alamat: "Jl. Poros 1" } },
      now,
    );
    view = applyLocal(view, { op: "put_family", household_id: "h", family_id: "f", base_version: 0, no_kk: "7322011503200001" }, now);
    view = applyLocal(view, { op: "add_member", household_id: "h", member_id: "m", base_version: 0, family_id: "f", fields: { nama: "Sitti" } }, now);
    expect(view?.version).toBe(0);
    expect(view?.review_status).toBe("pending");
    expect(view?.families).toEqual([{ id: "f", no_kk: "7322011503200001" }]);
    expect(view?.members.map((m) => m.fields.nama)).toEqual(["Sitti"]);
  });

  it("sends a returned household back as resubmitted and clears an answer set to null", () => {
    const returned = { id: "h", area_code: "a", form_id: "f", form_version: 1, version: 4, deleted: false, review_status: "returned", fields: { rt: "001", rw: "002" }, families: [], members: [], updated_at: now } satisfies HouseholdSnapshot;
    const view = applyLocal(returned, { op: "update_household", household_id: "h", base_version: 4, fields: { rt: null, rw: "003" } }, now);
    expect(view?.review_status).toBe("resubmitted");
    expect(view?.fields).toEqual({ rw: "003" });
  });
});

describe("checking answers as the server does", () => {
  const defs: FieldDef[] = [
    { name: "nik", label: "NIK", type: "text", max_length: 16, digits: 16, required: false, owner: "answer" },
    { name: "jumlah_anggota", label: "Jumlah anggota", type: "integer", min: 1, max: 50, required: true, owner: "answer" },
    { name: "jenis_lantai", label: "Jenis lantai", type: "select", choices: [{ code: 1, label: "Keramik" }], required: true, owner: "answer" },
  ];

  it("refuses wrong types, ranges, choices and digit strings with the server's words", () => {
    expect(valueProblem({ type: "integer", min: 1, max: 50 }, 0)).toBe("paling kecil 1");
    expect(valueProblem({ type: "integer", min: 1, max: 50 }, 2.5)).toBe("harus berupa bilangan bulat");
    expect(valueProblem({ type: "text", max_length: 16, digits: 16 }, "73220115032000")).toBe("harus 16 digit angka");
    expect(valueProblem({ type: "date" }, "2026-02-30")).toBe("harus tanggal TTTT-BB-HH");
    expect(fieldProblems(defs, { jenis_lantai: 9 }, true)).toEqual(
      new Map([
        ["jumlah_anggota", "wajib diisi: Jumlah anggota"],
        ["jenis_lantai", "bukan salah satu pilihan"],
      ]),
    );
    expect(fieldProblems(defs, { jenis_lantai: 9 }, false).has("jumlah_anggota")).toBe(false);
  });

  it("warns about a NIK whose date or province cannot be", () => {
    const today = new Date("2026-12-07T00:00:00Z");
    expect(identityWarning("7322015503900001", "nik", today)).toBeNull(); // a woman born 15-03-1990
    expect(identityWarning("7322013213900001", "nik", today)).toBe("digit 7–12 bukan tanggal yang ada");
    expect(identityWarning("9922011503900001", "nik", today)).toBe("kode provinsi (digit 1–2) tidak dikenal");
    expect(identityWarning("7322011503900000", "nik", today)).toBe("nomor urut (digit 13–16) tidak boleh 0000");
  });
});

describe("a fix against a desa boundary", () => {
  // A square of 0.01° (about 1.1 km) with a square hole in its middle.
  const desa = {
    type: "Polygon" as const,
    coordinates: [
      [
        [120.0, -3.0],
        [120.01, -3.0],
        [120.01, -2.99],
        [120.0, -2.99],
        [120.0, -3.0],
      ] as [number, number][],
      [
        [120.004, -2.996],
        [120.006, -2.996],
        [120.006, -2.994],
        [120.004, -2.994],
        [120.004, -2.996],
      ] as [number, number][],
    ],
  };

  it("is inside the ring and outside its hole", () => {
    expect(contains(desa, [120.002, -2.998])).toBe(true);
    expect(contains(desa, [120.005, -2.995])).toBe(false);
    expect(contains(desa, [120.02, -2.995])).toBe(false);
  });

  it("is as far outside as the nearest edge", () => {
    // 0.01° east of the east edge, at latitude 3° S: 0.01 × 111.2 km × cos 3° ≈ 1,110 m.
    expect(distanceToEdgeM(desa, [120.02, -2.995])).toBeCloseTo(1110.4, 0);
  });
});
