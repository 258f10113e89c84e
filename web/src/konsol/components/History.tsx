import type { FormDefinition, HouseholdHistory } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatDateTime } from "../../common/format";
import { answerText } from "./Answers";
import { targetLabel } from "./Conflicts";

function changeValue(form: FormDefinition, target: HouseholdHistory["versions"][number]["changes"], i: number) {
  const change = target?.[i];
  if (!change) return ["", ""];
  const field =
    change.target.kind === "household"
      ? form.household_fields.find((f) => f.name === change.target.field)
      : change.target.kind === "member"
        ? form.member_fields.find((f) => f.name === change.target.field)
        : undefined;
  const text = (v: unknown) => {
    if (change.target.field === "@review" && typeof v === "string") {
      return id.status[v as keyof typeof id.status] ?? v;
    }
    if (typeof v === "boolean" && change.target.field.startsWith("@")) return v ? id.app.yes : id.app.no;
    return answerText(field, v as never);
  };
  return [text(change.before), text(change.after)];
}

/** Every version with what it changed, by whom and when; the decisions with their notes. */
export function History(props: { form: FormDefinition; history: HouseholdHistory }) {
  const versions = [...props.history.versions].reverse();
  return (
    <section aria-labelledby="riwayat">
      <h2 id="riwayat">{id.household.history}</h2>
      {versions.length === 0 && <p>{id.household.noHistory}</p>}
      <ol class="history" reversed>
        {versions.map((v) => (
          <li key={v.version}>
            <p>
              <strong>
                {id.household.version(v.version)}: {id.changeKind[v.kind]}
              </strong>{" "}
              <span class="sub">{id.household.by(v.by?.name ?? "?", formatDateTime(v.at))}</span>
            </p>
            {v.kind === "create" && <p class="sub">{id.household.created}</p>}
            {(v.changes ?? []).length > 0 && (
              <ul class="changes">
                {(v.changes ?? []).map((change, i) => {
                  const [before, after] = changeValue(props.form, v.changes, i);
                  return (
                    <li key={i}>
                      {targetLabel(props.form, change.target)}
                      : {before} → {after}
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
