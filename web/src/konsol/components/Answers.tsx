import type { FieldDef, FormDefinition, JsonValue } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatDate, formatDecimal, formatNumber, formatRupiah } from "../../common/format";

/** An answer as people read it: the choice's label, Ya/Tidak, a date, a number. */
export function answerText(field: FieldDef | undefined, value: JsonValue | undefined): string {
  if (value === undefined || value === null || value === "") return id.household.unknownValue;
  if (!field) return typeof value === "object" ? JSON.stringify(value) : String(value);
  switch (field.type) {
    case "select":
      return field.choices.find((c) => c.code === value)?.label ?? String(value);
    case "multi_select":
      if (!Array.isArray(value)) return String(value);
      if (value.length === 0) return id.app.none;
      return value
        .map((code) => field.choices.find((c) => c.code === code)?.label ?? String(code))
        .join(", ");
    case "boolean":
      return value === true ? id.app.yes : id.app.no;
    case "date":
      return typeof value === "string" ? formatDate(value) : String(value);
    case "integer":
      if (typeof value !== "number") return String(value);
      return field.name.includes("penghasilan") ? formatRupiah(value) : formatNumber(value);
    case "decimal":
      return typeof value === "number" ? formatDecimal(value) : String(value);
    case "text":
      return String(value);
  }
}

/** The household's answers, grouped by the form's sections, with the questions' labels. */
export function Answers(props: {
  form: FormDefinition;
  fields: Record<string, JsonValue | undefined>;
  highlight?: Set<string>;
}) {
  const sections = new Map<string, FieldDef[]>();
  for (const field of props.form.household_fields) {
    const section = field.section ?? "lainnya";
    sections.set(section, [...(sections.get(section) ?? []), field]);
  }
  return (
    <section aria-labelledby="jawaban">
      <h2 id="jawaban">{id.household.answers}</h2>
      {[...sections.entries()].map(([section, fields]) => (
        <details key={section} open={section !== "aset"}>
          <summary>{id.sections[section] ?? section}</summary>
          <dl class="answers">
            {fields.map((field) => (
              <div key={field.name} class={props.highlight?.has(field.name) ? "noted" : undefined}>
                <dt>{field.label}</dt>
                <dd>{answerText(field, props.fields[field.name])}</dd>
              </div>
            ))}
          </dl>
        </details>
      ))}
    </section>
  );
}
