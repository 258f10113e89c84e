// A survey being filled in on the phone: kept in IndexedDB at every change, turned into the
// mutations of the sync protocol when the worker finishes it. A new household: create it, its
// families with their No KK, its members, then the visit with the answers, the GPS fix and
// the photos. A household pulled from the server (one a supervisor returned, say): only what
// changed, based on the version the phone last pulled, and a visit when the worker took a new
// GPS fix or new photos.

import type { FieldDef, FormDefinition, GpsFix, HouseholdSnapshot, JsonValue, Op, PhotoRef } from "../../generated/protocol";
import type { Fields } from "../engine/local";
import { fieldProblems, identityWarning } from "../engine/validate";

export interface DraftFamily {
  id: string;
  no_kk: string;
}

export interface DraftMember {
  id: string;
  family_id: string;
  fields: Fields;
}

export interface Draft {
  household_id: string;
  /** The desa or kelurahan; empty until the worker picks it. */
  area_code: string;
  form_id: string;
  form_version: number;
  fields: Fields;
  families: DraftFamily[];
  members: DraftMember[];
  gps: GpsFix | null;
  /** One photo per kind the form asks for, by hash (the files are in the store). */
  photos: PhotoRef[];
  started_at: string;
  updated_at: string;
  /** For a household pulled from the server: what the phone showed when the edit began. */
  base?: HouseholdSnapshot;
}

/** An edit of a household as the phone shows it (its server copy with pending changes). */
export function editDraft(view: HouseholdSnapshot, baseVersion: number): Draft {
  const now = new Date().toISOString();
  const families = view.families.map((f) => ({ id: f.id, no_kk: f.no_kk ?? "" }));
  const members = view.members
    .filter((m) => !m.removed)
    .map((m) => ({ id: m.id, family_id: m.family_id ?? families[0]?.id ?? "", fields: { ...m.fields } }));
  return {
    household_id: view.id,
    area_code: view.area_code,
    form_id: view.form_id,
    form_version: view.form_version,
    fields: { ...view.fields },
    families,
    members,
    gps: null,
    photos: [],
    started_at: now,
    updated_at: now,
    base: { ...view, version: baseVersion },
  };
}

/** The questions a field worker answers: those the form gives to supervisors are not theirs. */
export function workerFields(defs: FieldDef[]): FieldDef[] {
  return defs.filter((d) => d.owner !== "supervisor");
}

export function newDraft(form: FormDefinition, areaCode: string): Draft {
  const now = new Date().toISOString();
  const family = crypto.randomUUID();
  return {
    household_id: crypto.randomUUID(),
    area_code: areaCode,
    form_id: form.id,
    form_version: form.version,
    fields: {},
    families: [{ id: family, no_kk: "" }],
    members: [{ id: crypto.randomUUID(), family_id: family, fields: {} }],
    gps: null,
    photos: [],
    started_at: now,
    updated_at: now,
  };
}

/** What stops a draft from being sent, and what only deserves a second look. */
export interface Problems {
  household: Map<string, string>;
  members: Map<string, Map<string, string>>;
  families: Map<string, string>;
  /** Problems of the survey as a whole (no desa, no member, no GPS fix). */
  survey: string[];
  /** Required photos not taken, by kind. */
  photos: Set<string>;
  /** NIK and No KK that look wrong but may be what the card says, by member id or family id. */
  warnings: Map<string, string>;
}

export function problemsOf(form: FormDefinition, draft: Draft, complete: boolean): Problems {
  const household = fieldProblems(workerFields(form.household_fields), draft.fields, complete);
  const members = new Map<string, Map<string, string>>();
  const warnings = new Map<string, string>();
  for (const m of draft.members) {
    const found = fieldProblems(workerFields(form.member_fields), m.fields, complete);
    if (found.size > 0) members.set(m.id, found);
    const nik = m.fields.nik;
    if (typeof nik === "string" && nik !== "") {
      const warning = identityWarning(nik, "nik");
      if (warning) warnings.set(m.id, warning);
    }
  }
  const families = new Map<string, string>();
  for (const f of draft.families) {
    if (f.no_kk === "") continue;
    if (!/^[0-9]{16}$/.test(f.no_kk)) families.set(f.id, "harus 16 digit angka");
    else {
      const warning = identityWarning(f.no_kk, "no_kk");
      if (warning) warnings.set(f.id, warning);
    }
  }
  const survey: string[] = [];
  const photos = new Set<string>();
  if (complete) {
    if (!draft.area_code) survey.push("desa");
    if (draft.members.length === 0) survey.push("members");
    // A household already surveyed has its fix and photos; an edit adds to them.
    if (!draft.gps && !draft.base) survey.push("gps");
    for (const def of draft.base ? [] : form.photos) {
      if (def.required && !draft.photos.some((p) => p.kind === def.kind)) photos.add(def.kind);
    }
  }
  return { household, members, families, survey, warnings, photos };
}

/** How many things stop the draft from being sent. */
export function blockingCount(p: Problems): number {
  let n = p.household.size + p.families.size + p.survey.length + p.photos.size;
  for (const m of p.members.values()) n += m.size;
  return n;
}

export function hasBlockingProblems(p: Problems): boolean {
  return blockingCount(p) > 0;
}

/** The mutations that send a finished draft. */
export function draftOps(form: FormDefinition, draft: Draft, endedAt: string): Op[] {
  // A visit records the worker's answers; those the form gives to supervisors are not theirs.
  const own = new Set(workerFields(form.household_fields).map((d) => d.name));
  const answers: Fields = Object.fromEntries(Object.entries(draft.fields).filter(([name]) => own.has(name)));
  return draft.base ? editOps(draft, draft.base, endedAt, answers) : createOps(draft, endedAt, answers);
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The answers of `now` that differ from `before`; `null` clears one. */
function changed(before: Fields, now: Fields): Fields {
  const out: Fields = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(now)])) {
    if (!same(before[name], now[name])) out[name] = now[name] ?? null;
  }
  return out;
}

/** An edit of a pulled household: what changed since `base`, based on its version. */
function editOps(draft: Draft, base: HouseholdSnapshot, endedAt: string, answers: Fields): Op[] {
  const household_id = draft.household_id;
  const base_version = base.version;
  const ops: Op[] = [];
  const fields = changed(base.fields, draft.fields);
  if (Object.keys(fields).length > 0) ops.push({ op: "update_household", household_id, base_version, fields });
  if (draft.area_code !== base.area_code) {
    ops.push({ op: "move_household", household_id, base_version, area_code: draft.area_code });
  }
  for (const f of draft.families) {
    const before = base.families.find((b) => b.id === f.id);
    if (!before || (before.no_kk ?? "") !== f.no_kk) {
      ops.push({ op: "put_family", household_id, family_id: f.id, base_version, no_kk: f.no_kk || null });
    }
  }
  for (const m of draft.members) {
    const before = base.members.find((b) => b.id === m.id && !b.removed);
    if (!before) {
      ops.push({ op: "add_member", household_id, member_id: m.id, base_version, family_id: m.family_id, fields: m.fields });
      continue;
    }
    const memberFields = changed(before.fields, m.fields);
    if (Object.keys(memberFields).length > 0) {
      ops.push({ op: "update_member", household_id, member_id: m.id, base_version, fields: memberFields });
    }
  }
  for (const before of base.members) {
    if (!before.removed && !draft.members.some((m) => m.id === before.id)) {
      ops.push({ op: "remove_member", household_id, member_id: before.id, base_version });
    }
  }
  if (draft.gps || draft.photos.length > 0) ops.push(visit(draft, endedAt, answers));
  return ops;
}

function visit(draft: Draft, endedAt: string, answers: Fields): Op {
  return {
    op: "record_visit",
    visit_id: crypto.randomUUID(),
    household_id: draft.household_id,
    form_id: draft.form_id,
    form_version: draft.form_version,
    started_at: draft.started_at,
    ended_at: endedAt,
    answers,
    gps: draft.gps,
    photos: draft.photos,
  };
}

/** A household the phone created: base version 0. */
function createOps(draft: Draft, endedAt: string, answers: Fields): Op[] {
  const household_id = draft.household_id;
  const ops: Op[] = [
    {
      op: "create_household",
      household_id,
      area_code: draft.area_code,
      form_id: draft.form_id,
      form_version: draft.form_version,
      fields: draft.fields,
    },
  ];
  for (const f of draft.families) {
    ops.push({ op: "put_family", household_id, family_id: f.id, base_version: 0, no_kk: f.no_kk || null });
  }
  for (const m of draft.members) {
    ops.push({ op: "add_member", household_id, member_id: m.id, base_version: 0, family_id: m.family_id, fields: m.fields });
  }
  ops.push(visit(draft, endedAt, answers));
  return ops;
}

/**
 * A new survey the server refused (its `create_household` and what followed it for the same
 * household), as a draft again, so that the worker fixes it (the desa, an answer) and sends it
 * anew instead of surveying again. `null` when the refusals hold no new household.
 */
export function draftFromRefused(ops: Op[]): Draft | null {
  const create = ops.find((o) => o.op === "create_household");
  if (!create || create.op !== "create_household") return null;
  const mine = ops.filter((o) => o.household_id === create.household_id);
  const families: DraftFamily[] = [];
  const members: DraftMember[] = [];
  let visit: Extract<Op, { op: "record_visit" }> | undefined;
  for (const o of mine) {
    if (o.op === "put_family") families.push({ id: o.family_id, no_kk: o.no_kk ?? "" });
    if (o.op === "add_member") members.push({ id: o.member_id, family_id: o.family_id ?? "", fields: { ...o.fields } });
    if (o.op === "record_visit") visit = o;
  }
  const now = new Date().toISOString();
  return {
    household_id: create.household_id,
    area_code: create.area_code,
    form_id: create.form_id,
    form_version: create.form_version,
    fields: { ...create.fields },
    families: families.length > 0 ? families : [{ id: crypto.randomUUID(), no_kk: "" }],
    members,
    gps: visit?.gps ?? null,
    photos: visit?.photos ?? [],
    started_at: visit?.started_at ?? now,
    updated_at: now,
  };
}
