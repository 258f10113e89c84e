import { useState } from "preact/hooks";

import type { FieldDef, JsonValue } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { memo } from "../../common/memo";

const t = id.survey;

/** What the worker typed, as the answer's type (a number where one is asked); text that does
 * not read as one stays text, so the check says what is wrong and nothing is sent. */
function parse(def: FieldDef, text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (def.type === "integer") return /^-?\d+$/.test(trimmed) ? Number(trimmed) : text;
  if (def.type === "decimal") {
    const n = Number(trimmed.replace(",", "."));
    return /^-?\d+([.,]\d+)?$/.test(trimmed) && Number.isFinite(n) ? n : text;
  }
  return text;
}

function shown(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return String(value).replace(".", ",");
  return typeof value === "string" ? value : "";
}

/** Where an answer goes: the household (`null`) or the member with this id. */
export type Owner = string | null;

/** One question of the form, with its problem or warning beneath it. Drawn again only when its
 * own props change, so `onAnswer` must keep its identity. */
export const Question = memo(function Question(props: {
  def: FieldDef;
  value: JsonValue | undefined;
  owner: Owner;
  onAnswer: (owner: Owner, name: string, value: JsonValue) => void;
  prefix: string;
  problem?: string | undefined;
  warning?: string | undefined;
  /** A supervisor's note on this answer, when the household was returned. */
  noted?: string | undefined;
}) {
  const { def, value, prefix } = props;
  const give = (v: JsonValue) => props.onAnswer(props.owner, def.name, v);
  const [raw, setRaw] = useState<string | null>(null);
  const inputId = `${prefix}-${def.name}`;
  const noteId = `${inputId}-catatan`;
  const note = props.problem ?? (props.warning ? t.checkNumber(props.warning) : undefined);
  const described = note ? { "aria-describedby": noteId } : {};
  const invalid = props.problem ? { "aria-invalid": true } : {};
  const label = (
    <span>
      {def.label}
      {def.required && <span class="required"> ({t.required})</span>}
    </span>
  );
  const noteLine = (
    <>
      {props.noted && <p class="supervisor-note">{t.noted(props.noted)}</p>}
      {note && (
        <p id={noteId} class={props.problem ? "field-problem" : "field-warning"}>
          {note}
        </p>
      )}
    </>
  );
  const box = props.noted ? "question noted" : "question";

  if (def.type === "select") {
    return (
      <div class={box}>
        <label for={inputId}>{label}</label>
        <select
          id={inputId}
          value={typeof value === "number" ? String(value) : ""}
          onChange={(e) => give(e.currentTarget.value === "" ? null : Number(e.currentTarget.value))}
          {...described}
          {...invalid}
        >
          <option value="">{t.choose}</option>
          {def.choices.map((c) => (
            <option key={c.code} value={String(c.code)}>
              {c.label}
            </option>
          ))}
        </select>
        {noteLine}
      </div>
    );
  }
  if (def.type === "multi_select" || def.type === "boolean") {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset class={box} {...described}>
        <legend>{label}</legend>
        {def.type === "boolean"
          ? [true, false].map((answer) => (
              <label class="choice" key={String(answer)}>
                <input
                  type="radio"
                  name={inputId}
                  checked={value === answer}
                  onChange={() => give(answer)}
                />
                {answer ? t.yes : t.no}
              </label>
            ))
          : def.choices.map((c) => (
              <label class="choice" key={c.code}>
                <input
                  type="checkbox"
                  checked={chosen.includes(c.code)}
                  onChange={(e) => {
                    const rest = chosen.filter((v) => v !== c.code);
                    const next = e.currentTarget.checked ? [...rest, c.code] : rest;
                    give(next.length ? next : null);
                  }}
                />
                {c.label}
              </label>
            ))}
        {noteLine}
      </fieldset>
    );
  }
  const numeric = def.type === "integer" || (def.type === "text" && def.digits != null);
  const typed = (e: { currentTarget: HTMLInputElement }) => {
    setRaw(e.currentTarget.value);
    give(parse(def, e.currentTarget.value));
  };
  // What was typed stays as typed while it means the answer ("1,0", "1,05" on the way).
  const text = raw !== null && JSON.stringify(parse(def, raw)) === JSON.stringify(value ?? null) ? raw : shown(value);
  return (
    <div class={box}>
      <label for={inputId}>{label}</label>
      {def.type === "date" ? (
        <input id={inputId} type="date" value={shown(value)} onInput={typed} {...described} {...invalid} />
      ) : (
        <input
          id={inputId}
          type="text"
          inputMode={numeric ? "numeric" : def.type === "decimal" ? "decimal" : undefined}
          maxLength={def.type === "text" ? def.max_length : undefined}
          autocomplete="off"
          value={text}
          onInput={typed}
          {...described}
          {...invalid}
        />
      )}
      {noteLine}
    </div>
  );
});
