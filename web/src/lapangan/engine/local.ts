// What the phone shows before the server answers: the server's copy of a household with the
// mutations still in the outbox applied on top, as `sync_protocol::client::local::apply`.
// Only for display: the server's merge decides what is stored.

import type { HouseholdSnapshot, JsonValue, Op, ReviewStatus } from "../../generated/protocol";

/** Answers by question name. */
export type Fields = { [name: string]: JsonValue };

function mergeInto(target: Fields, changes: Fields): Fields {
  const out: Fields = { ...target };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

/** As the server will (PROTOCOL.md §11): an edit of a decided household sends it back. */
export function afterEdit(status: ReviewStatus): ReviewStatus {
  if (status === "returned") return "resubmitted";
  if (status === "approved" || status === "rejected") return "pending";
  return status;
}

/** `view` with `op` applied; `undefined` when there is nothing to apply it to. */
export function applyLocal(view: HouseholdSnapshot | undefined, op: Op, now: string): HouseholdSnapshot | undefined {
  if (op.op === "create_household") {
    return {
      id: op.household_id,
      area_code: op.area_code,
      form_id: op.form_id,
      form_version: op.form_version,
      version: 0,
      deleted: false,
      review_status: "pending",
      fields: { ...op.fields },
      families: [],
      members: [],
      updated_at: now,
    };
  }
  if (!view) return undefined;
  const h: HouseholdSnapshot = { ...view, review_status: afterEdit(view.review_status) };
  switch (op.op) {
    case "record_visit":
      return h;
    case "update_household":
      return { ...h, fields: mergeInto(h.fields, op.fields) };
    case "move_household":
      return { ...h, area_code: op.area_code };
    case "delete_household":
      return { ...h, deleted: true };
    case "add_member":
      return {
        ...h,
        members: [...h.members, { id: op.member_id, family_id: op.family_id ?? null, fields: { ...op.fields }, removed: false }],
      };
    case "update_member":
      return {
        ...h,
        members: h.members.map((m) => (m.id === op.member_id ? { ...m, fields: mergeInto(m.fields, op.fields) } : m)),
      };
    case "remove_member":
      return { ...h, members: h.members.map((m) => (m.id === op.member_id ? { ...m, removed: true } : m)) };
    case "put_family": {
      const known = h.families.some((f) => f.id === op.family_id);
      return {
        ...h,
        families: known
          ? h.families.map((f) => (f.id === op.family_id ? { ...f, no_kk: op.no_kk ?? null } : f))
          : [...h.families, { id: op.family_id, no_kk: op.no_kk ?? null }],
      };
    }
  }
}
