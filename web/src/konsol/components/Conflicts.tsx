import type { ConflictView, FormDefinition, JsonValue, Keep } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatDateTime } from "../../common/format";
import { answerText } from "./Answers";

/** The name of what a conflict is about: a question's label where the form has one. */
export function targetLabel(form: FormDefinition, target: ConflictView["target"]): string {
  const label = (name: string, fields: FormDefinition["household_fields"]) =>
    id.pseudoField[name] ?? fields.find((f) => f.name === name)?.label ?? name;
  switch (target.kind) {
    case "household":
      return label(target.field, form.household_fields);
    case "member":
      return `${id.household.members}: ${label(target.field, form.member_fields)}`;
    case "family":
      return id.household.noKk;
  }
}

function valueText(form: FormDefinition, target: ConflictView["target"], value: JsonValue): string {
  if (target.kind === "household") {
    return answerText(form.household_fields.find((f) => f.name === target.field), value);
  }
  if (target.kind === "member") {
    return answerText(form.member_fields.find((f) => f.name === target.field), value);
  }
  return answerText(undefined, value);
}

/** Open conflicts with both values and both authors; one click keeps one of them. */
export function Conflicts(props: {
  form: FormDefinition;
  conflicts: ConflictView[];
  onSettle: (conflict: ConflictView, keep: Keep) => void;
  busy: boolean;
}) {
  return (
    <section aria-labelledby="konflik">
      <h2 id="konflik">{id.household.conflicts}</h2>
      {props.conflicts.length === 0 && <p>{id.household.noConflicts}</p>}
      <ul class="conflicts">
        {props.conflicts.map((c) => {
          const label = targetLabel(props.form, c.target);
          const side = (keep: Keep, value: JsonValue, name: string | undefined, at: string, kept: boolean) => (
            <div class="side">
              <p class="value">
                {valueText(props.form, c.target, value)}
                {kept && <span class="sub"> ({id.household.kept})</span>}
              </p>
              <p class="sub">{id.household.by(name ?? "?", formatDateTime(at))}</p>
              <button type="button" disabled={props.busy} onClick={() => props.onSettle(c, keep)}>
                {id.household.keepThis}
              </button>
            </div>
          );
          return (
            <li key={c.id}>
              <h3>{id.household.conflictField(label)}</h3>
              <div class="two">
                <div>
                  <p class="sub">{id.household.storedValue}</p>
                  {side("stored", c.stored_value, c.stored_by?.name, c.created_at, c.winner === "stored")}
                </div>
                <div>
                  <p class="sub">{id.household.incomingValue}</p>
                  {side("incoming", c.incoming_value, c.incoming_by?.name, c.created_at, c.winner === "incoming")}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
