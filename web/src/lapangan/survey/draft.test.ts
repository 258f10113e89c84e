import { describe, expect, it } from "vitest";

import type { FormDefinition, HouseholdSnapshot } from "../../generated/protocol";
import { draftFromRefused, draftOps, editDraft, newDraft, problemsOf } from "./draft";

const form: FormDefinition = {
  id: "survei-rt",
  version: 1,
  title: "Survei",
  household_fields: [
    { name: "alamat", label: "Alamat", type: "text", max_length: 200, required: true, owner: "answer" },
    { name: "luas_lantai_m2", label: "Luas lantai", type: "decimal", min: 1, max: 5000, required: true, owner: "answer" },
    { name: "catatan_supervisor", label: "Catatan", type: "text", max_length: 1000, required: false, owner: "supervisor" },
  ],
  member_fields: [{ name: "nama", label: "Nama", type: "text", max_length: 100, required: true, owner: "answer" }],
  photos: [{ kind: "tampak_depan", label: "Tampak depan", required: true }],
};

const pulled: HouseholdSnapshot = {
  id: "h",
  area_code: "73.22.01.2001",
  form_id: "survei-rt",
  form_version: 1,
  version: 7,
  deleted: false,
  review_status: "returned",
  fields: { alamat: "Jl. Poros 1", luas_lantai_m2: 36, catatan_supervisor: "ukur ulang" },
  families: [{ id: "f", no_kk: "7322011503200001" }],
  members: [
    { id: "a", family_id: "f", fields: { nama: "Andi" }, removed: false },
    { id: "b", family_id: "f", fields: { nama: "Budi" }, removed: false },
  ],
  updated_at: "2026-12-07T08:00:00Z",
};

describe("a survey's mutations", () => {
  it("send a new household whole, with its visit, its fix and its photos", () => {
    const draft = newDraft(form, "73.22.01.2001");
    draft.fields = { alamat: "Jl. Baru 2", luas_lantai_m2: 20 };
    draft.gps = { latitude: -2.79, longitude: 120.39, accuracy_m: 8, mock: false };
    draft.photos = [{ kind: "tampak_depan", sha256: "a".repeat(64) }];
    const ops = draftOps(form, draft, "2026-12-07T09:00:00Z");
    expect(ops.map((o) => o.op)).toEqual(["create_household", "put_family", "add_member", "record_visit"]);
    const visit = ops[3];
    expect(visit?.op === "record_visit" && visit.photos).toEqual(draft.photos);
  });

  it("send only what changed in a pulled household, based on the version pulled", () => {
    const draft = editDraft(pulled, 7);
    draft.fields = { ...draft.fields, luas_lantai_m2: 42.5 };
    draft.members = [
      { id: "a", family_id: "f", fields: { nama: "Andi Baso" } },
      { id: "c", family_id: "f", fields: { nama: "Cici" } },
    ];
    const ops = draftOps(form, draft, "2026-12-07T09:00:00Z");
    expect(ops).toEqual([
      { op: "update_household", household_id: "h", base_version: 7, fields: { luas_lantai_m2: 42.5 } },
      { op: "update_member", household_id: "h", member_id: "a", base_version: 7, fields: { nama: "Andi Baso" } },
      { op: "add_member", household_id: "h", member_id: "c", base_version: 7, family_id: "f", fields: { nama: "Cici" } },
      { op: "remove_member", household_id: "h", member_id: "b", base_version: 7 },
    ]);
  });

  it("record a visit of an edit with a new fix, without the supervisor's answers", () => {
    const draft = editDraft(pulled, 7);
    draft.gps = { latitude: -2.79, longitude: 120.39, accuracy_m: 8, mock: false };
    const ops = draftOps(form, draft, "2026-12-07T09:00:00Z");
    expect(ops.map((o) => o.op)).toEqual(["record_visit"]);
    const visit = ops[0];
    expect(visit?.op === "record_visit" && visit.answers).toEqual({ alamat: "Jl. Poros 1", luas_lantai_m2: 36 });
  });

  it("come back as the same draft when the server refused the new household", () => {
    const draft = newDraft(form, "73.22.01.2001");
    draft.fields = { alamat: "Jl. Baru 2", luas_lantai_m2: 20 };
    draft.families = [{ id: "f", no_kk: "7322011503200001" }];
    draft.members = [{ id: "m", family_id: "f", fields: { nama: "Sitti" } }];
    draft.gps = { latitude: -2.79, longitude: 120.39, accuracy_m: 8, mock: false };
    draft.photos = [{ kind: "tampak_depan", sha256: "b".repeat(64) }];
    const again = draftFromRefused(draftOps(form, draft, "2026-12-07T09:00:00Z"));
    expect(again).toMatchObject({
      household_id: draft.household_id,
      area_code: "73.22.01.2001",
      fields: draft.fields,
      families: draft.families,
      members: draft.members,
      gps: draft.gps,
      photos: draft.photos,
      started_at: draft.started_at,
    });
    expect(draftFromRefused([{ op: "update_household", household_id: "h", base_version: 7, fields: {} }])).toBeNull();
  });

  it("ask a new survey for its fix and required photos, not an edit", () => {
    const fresh = newDraft(form, "73.22.01.2001");
    const found = problemsOf(form, fresh, true);
    expect(found.survey).toContain("gps");
    expect([...found.photos]).toEqual(["tampak_depan"]);
    const edit = problemsOf(form, editDraft(pulled, 7), true);
    expect(edit.survey).toEqual([]);
    expect(edit.photos.size).toBe(0);
  });
});
