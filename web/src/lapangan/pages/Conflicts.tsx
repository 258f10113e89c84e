import type { ConflictTarget, FieldDef, FormDefinition, HouseholdSnapshot, JsonValue } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { ConflictSeen, Store } from "../store";

const t = id.lapangan;

function what(form: FormDefinition | undefined, target: ConflictTarget): [string, FieldDef | undefined] {
  if (target.kind === "family") return [id.survey.noKk, undefined];
  const defs = target.kind === "household" ? form?.household_fields : form?.member_fields;
  const def = defs?.find((d) => d.name === target.field);
  const label = def?.label ?? target.field;
  return [target.kind === "member" ? t.memberField(label) : label, def];
}

function valueText(def: FieldDef | undefined, value: JsonValue): string {
  if (value === null) return t.emptyValue;
  if (typeof value === "boolean") return value ? id.survey.yes : id.survey.no;
  if (def && (def.type === "select" || def.type === "multi_select")) {
    const codes = Array.isArray(value) ? value : [value];
    return codes.map((c) => def.choices.find((ch) => ch.code === c)?.label ?? String(c)).join(", ");
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Answers that someone else changed too, as the server's receipts said: both values are
 * kept for a supervisor, and the worker knows which one the household shows now. */
export function Conflicts(props: {
  store: Store;
  conflicts: ConflictSeen[];
  households: HouseholdSnapshot[];
  form: FormDefinition | undefined;
  onChange: () => void;
}) {
  if (props.conflicts.length === 0) return null;
  const head = (householdId: string) => {
    const name = props.households.find((h) => h.id === householdId)?.fields.nama_kepala_rumah_tangga;
    return typeof name === "string" && name ? name : t.noName;
  };
  return (
    <section class="conflicts" aria-labelledby="konflik">
      <h2 id="konflik">{t.conflictsTitle}</h2>
      <p>{t.conflictsIntro}</p>
      <ul>
        {props.conflicts.map((c) => {
          const [label, def] = what(props.form, c.note.target);
          const value = valueText(def, c.note.discarded_value);
          return (
            <li key={c.conflict_id}>
              <p>
                {c.note.kept === "yours"
                  ? t.conflictKeptYours(head(c.household_id), label, value)
                  : t.conflictKeptTheirs(head(c.household_id), label, value)}
              </p>
              <button type="button" onClick={() => void props.store.dismissConflict(c.conflict_id).then(props.onChange)}>
                {t.dismiss}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
