import { useState } from "preact/hooks";

import type {
  DecideResponse,
  Decision,
  FieldNote,
  FormDefinition,
  HouseholdPhoto,
  HouseholdSnapshot,
  NoteTarget,
  RejectReason,
  StaleVersion,
} from "../../generated/protocol";
import { id } from "../../i18n/id";
import { ApiError } from "../../common/api";
import { errorText } from "../../common/errors";
import { formatDateTime } from "../../common/format";
import { useSession } from "../context";
import { answerText } from "./Answers";

const REASONS = Object.keys(id.rejectReason) as RejectReason[];

interface DraftNote {
  target: string;
  note: string;
}

function encode(target: NoteTarget): string {
  switch (target.kind) {
    case "household":
      return `h:${target.field}`;
    case "member":
      return `m:${target.member_id}`;
    case "photo":
      return `p:${target.sha256}`;
  }
}

function decode(value: string): NoteTarget | null {
  const [kind, rest] = [value.slice(0, 1), value.slice(2)];
  if (!rest) return null;
  if (kind === "h") return { kind: "household", field: rest };
  if (kind === "m") return { kind: "member", member_id: rest };
  if (kind === "p") return { kind: "photo", sha256: rest };
  return null;
}

/** Approve, return with a note (and notes per answer, member or photo), or reject with a
 * reason — always on the version on screen. */
export function DecisionPanel(props: {
  household: HouseholdSnapshot;
  form: FormDefinition;
  photos: HouseholdPhoto[];
  initial?: Decision;
  onDecided: (answer: DecideResponse) => void;
  onReload: () => void;
}) {
  const { api } = useSession();
  const { household, form } = props;
  const [decision, setDecision] = useState<Decision>(props.initial ?? "approve");
  const [note, setNote] = useState("");
  const [notes, setNotes] = useState<DraftNote[]>([]);
  const [reason, setReason] = useState<RejectReason | "">("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState<StaleVersion | null>(null);

  const memberName = (memberId: string) => {
    const m = household.members.find((x) => x.id === memberId);
    return answerText(form.member_fields.find((f) => f.name === "nama"), m?.fields.nama);
  };

  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setStale(null);
    if (decision === "return" && !note.trim()) {
      setProblem(id.decide.needNote);
      return;
    }
    if (decision === "reject" && !reason) {
      setProblem(id.decide.needReason);
      return;
    }
    const fieldNotes: FieldNote[] =
      decision === "return"
        ? notes.flatMap((n) => {
            const target = decode(n.target);
            return target && n.note.trim() ? [{ target, note: n.note.trim() }] : [];
          })
        : [];
    setBusy(true);
    try {
      props.onDecided(
        await api.decide(household.id, {
          version: household.version,
          decision,
          // What the form hides is not sent: a note typed before switching to approve stays.
          note: decision === "approve" ? null : note.trim() || null,
          field_notes: fieldNotes,
          reason: decision === "reject" && reason ? reason : null,
        }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.body?.code === "stale_version" && error.body.stale) {
        setStale(error.body.stale);
      } else if (error instanceof ApiError && error.body?.code === "four_eyes") {
        setProblem(id.decide.fourEyes);
      } else if (error instanceof ApiError && error.body?.code === "household_deleted") {
        setProblem(id.decide.deleted);
      } else {
        setProblem(errorText(error));
      }
    } finally {
      setBusy(false);
    }
  }

  const last = household.review;
  return (
    <section class="decision" aria-labelledby="keputusan">
      <h2 id="keputusan">{id.decide.title}</h2>
      <p>{id.decide.current(id.status[household.review_status])}</p>
      {last && (
        <p class="sub">
          {id.decide.lastDecision(id.decided[last.decision], last.decided_by, formatDateTime(last.decided_at))}
          {last.note && ` — “${last.note}”`}
        </p>
      )}
      <form onSubmit={submit}>
        <fieldset>
          <legend>{id.decide.onVersion(household.version)}</legend>
          {(["approve", "return", "reject"] as Decision[]).map((d) => (
            <label key={d} class="choice">
              <input
                type="radio"
                name="decision"
                value={d}
                checked={decision === d}
                onChange={() => setDecision(d)}
              />
              {id.decision[d]}
            </label>
          ))}
        </fieldset>
        {decision === "reject" && (
          <label>
            {id.decide.reason}
            <select
              value={reason}
              required
              onChange={(e) => {
                const value = e.currentTarget.value;
                setReason(REASONS.find((r) => r === value) ?? "");
              }}
            >
              <option value="">{id.decide.chooseReason}</option>
              {REASONS.map((r) => (
                <option key={r} value={r}>
                  {id.rejectReason[r]}
                </option>
              ))}
            </select>
          </label>
        )}
        {decision !== "approve" && (
          <label>
            {id.decide.note}
            <textarea
              name="note"
              rows={3}
              maxLength={2000}
              placeholder={id.decide.notePlaceholder}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
        )}
        {decision === "return" && (
          <fieldset class="field-notes">
            <legend>{id.decide.fieldNotes}</legend>
            {notes.map((n, i) => (
              <div key={i} class="field-note">
                <label>
                  {id.decide.field}
                  <select
                    value={n.target}
                    onChange={(e) => {
                      const next = [...notes];
                      next[i] = { ...n, target: e.currentTarget.value };
                      setNotes(next);
                    }}
                  >
                    <optgroup label={id.household.answers}>
                      {form.household_fields.map((f) => (
                        <option key={f.name} value={encode({ kind: "household", field: f.name })}>
                          {f.label}
                        </option>
                      ))}
                    </optgroup>
                    <optgroup label={id.household.members}>
                      {household.members.map((m) => (
                        <option key={m.id} value={encode({ kind: "member", member_id: m.id })}>
                          {memberName(m.id)}
                        </option>
                      ))}
                    </optgroup>
                    <optgroup label={id.household.photos}>
                      {props.photos.map((p) => (
                        <option key={p.sha256} value={encode({ kind: "photo", sha256: p.sha256 })}>
                          {form.photos.find((x) => x.kind === p.kind)?.label ?? id.photoKind(p.kind)}
                        </option>
                      ))}
                    </optgroup>
                  </select>
                </label>
                <label>
                  {id.decide.fieldNote}
                  <input
                    value={n.note}
                    maxLength={2000}
                    onInput={(e) => {
                      const next = [...notes];
                      next[i] = { ...n, note: e.currentTarget.value };
                      setNotes(next);
                    }}
                  />
                </label>
                <button type="button" onClick={() => setNotes(notes.filter((_, j) => j !== i))}>
                  {id.decide.removeFieldNote}
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() =>
                setNotes([
                  ...notes,
                  { target: encode({ kind: "household", field: form.household_fields[0]?.name ?? "" }), note: "" },
                ])
              }
            >
              {id.decide.addFieldNote}
            </button>
          </fieldset>
        )}
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        {stale && (
          <div class="problem" role="alert">
            <p>{id.decide.stale(stale.current_version)}</p>
            <ul>
              {stale.changes.map((c) => (
                <li key={c.version}>
                  {id.household.version(c.version)}: {id.changeKind[c.kind]}{" "}
                  {id.household.by(c.by?.name ?? "?", formatDateTime(c.at))}
                </li>
              ))}
            </ul>
            <button type="button" onClick={props.onReload}>
              {id.decide.reload}
            </button>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {id.decide.confirm(id.decision[decision])}
        </button>
      </form>
    </section>
  );
}
