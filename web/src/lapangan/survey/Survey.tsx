import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { AreaRef, FieldDef, FormDefinition, GpsFix, JsonValue } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatCoordinate, formatDistance, formatNumber } from "../../common/format";
import { contains, distanceToEdgeM } from "../engine/geo";
import type { Fields } from "../engine/local";
import type { Boundaries, Store } from "../store";
import { sha256Hex } from "../photos";
import { blockingCount, type Draft, draftOps, hasBlockingProblems, problemsOf, workerFields } from "./draft";
import { PhotoSlot } from "./PhotoSlot";
import { type Owner, Question } from "./Question";

const t = id.survey;

/** Fixes less accurate than this are worth taking again. */
const INACCURATE_M = 50;

/** Where the fix lies against the chosen desa, when the phone has its boundary. */
function fixPlace(
  gps: GpsFix | null,
  desa: string,
  boundaries: Boundaries,
): { inside: true } | { inside: false; by: number; located: string | null } | null {
  const boundary = boundaries[desa];
  if (!gps || !boundary) return null;
  const point: [number, number] = [gps.longitude, gps.latitude];
  if (contains(boundary, point)) return { inside: true };
  const located = Object.entries(boundaries).find(([, b]) => contains(b, point))?.[0] ?? null;
  return { inside: false, by: distanceToEdgeM(boundary, point), located };
}

/** `fields` with `name` answered `value` (`null` clears it). */
function set(fields: Fields, name: string, value: JsonValue): Fields {
  const next = { ...fields };
  if (value === null) delete next[name];
  else next[name] = value;
  return next;
}

function sections(defs: FieldDef[]): [string, FieldDef[]][] {
  const grouped = new Map<string, FieldDef[]>();
  for (const def of defs) {
    const section = def.section ?? "lainnya";
    grouped.set(section, [...(grouped.get(section) ?? []), def]);
  }
  return [...grouped];
}

/** The survey of one household, kept as a draft at every change; finished, it goes to the
 * outbox as the mutations of the sync protocol. */
export function Survey(props: {
  store: Store;
  form: FormDefinition;
  desa: AreaRef[];
  boundaries: Boundaries;
  initial: Draft;
  onDone: (message: string | null) => void;
}) {
  const { store, form } = props;
  const [draft, setDraft] = useState<Draft>(props.initial);
  const [complete, setComplete] = useState(false);
  const [locating, setLocating] = useState(false);
  const [gpsProblem, setGpsProblem] = useState<string | null>(null);
  const [saveFailed, setSaveFailed] = useState(false);
  const unsaved = useRef(false);
  const saving = useRef(Promise.resolve());
  const summary = useRef<HTMLParagraphElement>(null);
  // The draft as last changed: what a change made after a wait (a GPS fix, a photo's hash)
  // starts from, so that nothing typed meanwhile is lost.
  const latest = useRef<Draft>(props.initial);
  // Once finished, the draft is in the outbox: nothing may write it again.
  const finished = useRef(false);
  const [finishing, setFinishing] = useState(false);
  const busy = useRef(false);

  function change(update: (current: Draft) => Draft) {
    if (finished.current) return;
    const next = { ...update(latest.current), updated_at: new Date().toISOString() };
    latest.current = next;
    setDraft(next);
    // One write after the other, so the last change is the one kept.
    saving.current = saving.current
      .then(() => store.saveDraft(next))
      .then(() => {
        unsaved.current = false;
        setSaveFailed(false);
      })
      .catch(() => {
        unsaved.current = true;
        setSaveFailed(true);
      });
  }

  useEffect(() => {
    change((d) => d);
  }, []);

  const problems = problemsOf(form, draft, complete);
  const blocking = blockingCount(problems);

  // The latest `change`, for the answer callback that keeps its identity across renders: each
  // question is drawn again only when its own props change.
  const changeRef = useRef(change);
  changeRef.current = change;
  const answer = useCallback((owner: Owner, name: string, value: JsonValue) => {
    changeRef.current((d) =>
      owner === null
        ? { ...d, fields: set(d.fields, name, value) }
        : { ...d, members: d.members.map((m) => (m.id === owner ? { ...m, fields: set(m.fields, name, value) } : m)) },
    );
  }, []);

  function locate() {
    if (!("geolocation" in navigator)) {
      setGpsProblem(t.gpsFailed);
      return;
    }
    setLocating(true);
    setGpsProblem(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        change((d) => ({
          ...d,
          gps: {
            latitude: position.coords.latitude,
            longitude: position.coords.longitude,
            accuracy_m: position.coords.accuracy,
            mock: false,
            fixed_at: new Date(position.timestamp).toISOString(),
          },
        }));
      },
      (error) => {
        setLocating(false);
        setGpsProblem(error.code === error.PERMISSION_DENIED ? t.gpsDenied : t.gpsFailed);
      },
      { enableHighAccuracy: true, timeout: 60_000, maximumAge: 0 },
    );
  }

  async function takePhoto(kind: string, file: File) {
    const sha256 = await sha256Hex(file);
    await store.addPhoto({
      sha256,
      blob: file,
      household_id: latest.current.household_id,
      kind,
      state: "draft",
      added_at: new Date().toISOString(),
    });
    const replaced = latest.current.photos.find((p) => p.kind === kind);
    change((d) => ({ ...d, photos: [...d.photos.filter((p) => p.kind !== kind), { kind, sha256 }] }));
    // The file it replaced, unless another photo of the draft is the same file.
    if (replaced && !latest.current.photos.some((p) => p.sha256 === replaced.sha256)) {
      await store.dropDraftPhoto(replaced.sha256);
    }
  }

  async function finish() {
    // Taken at once: a second tap before the screen changes finds it taken.
    if (finished.current || busy.current) return;
    setComplete(true);
    const current = latest.current;
    const found = problemsOf(form, current, true);
    if (hasBlockingProblems(found)) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    busy.current = true;
    setFinishing(true);
    try {
      await saving.current;
      const ops = draftOps(form, current, new Date().toISOString());
      finished.current = true;
      if (ops.length === 0) {
        await store.dropDraft(current.household_id);
        props.onDone(t.nothingChanged);
        return;
      }
      await store.enqueue(ops, current.household_id);
      props.onDone(t.queued);
    } catch {
      // Nothing was written (one transaction): the draft stays as it is, to try again.
      finished.current = false;
      setSaveFailed(true);
    } finally {
      busy.current = false;
      setFinishing(false);
    }
  }

  async function leave() {
    await saving.current;
    // A draft the phone could not keep stays on the screen, with the reason above the buttons.
    if (unsaved.current) return;
    props.onDone(t.saved);
  }

  async function discard() {
    if (!confirm(t.discardConfirm)) return;
    finished.current = true;
    await saving.current;
    await store.dropDraft(latest.current.household_id);
    props.onDone(null);
  }

  const householdSections = useMemo(() => sections(workerFields(form.household_fields)), [form]);
  const memberDefs = useMemo(() => workerFields(form.member_fields), [form]);
  const review = draft.base?.review_status === "returned" ? draft.base.review : undefined;
  const notes = review?.field_notes ?? [];
  const householdNote = (field: string) =>
    notes.find((n) => n.target.kind === "household" && n.target.field === field)?.note;
  const memberNotes = (memberId: string) => notes.filter((n) => n.target.kind === "member" && n.target.member_id === memberId);
  const label = (field: string) => form.household_fields.find((d) => d.name === field)?.label ?? field;
  const head = typeof draft.fields.nama_kepala_rumah_tangga === "string" ? draft.fields.nama_kepala_rumah_tangga : "";
  const known = (memberId: string) => draft.base?.members.some((m) => m.id === memberId) ?? false;
  // Point in polygon on a real desa boundary: only when the fix or the desa changed.
  const place = useMemo(
    () => fixPlace(draft.gps, draft.area_code, props.boundaries),
    [draft.gps, draft.area_code, props.boundaries],
  );
  const desaName = (code: string) => props.desa.find((d) => d.code === code)?.name ?? code;
  return (
    <main id="isi" class="survey">
      <h1>{draft.base ? t.editTitle(head) : t.title}</h1>
      {review && (
        <section class="review-note" aria-labelledby="catatan">
          <h2 id="catatan">{t.supervisorNote(review.decided_by)}</h2>
          {review.note && <p>{review.note}</p>}
          {notes.length > 0 && (
            <>
              <p>{t.notesTitle}</p>
              <ul>
                {notes.map((n, i) => (
                  <li key={i}>
                    {n.target.kind === "household"
                      ? t.fieldNote(label(n.target.field), n.note)
                      : n.target.kind === "member"
                        ? t.fieldNote(memberName(draft, n.target.member_id), n.note)
                        : t.fieldNote(t.photoNote, n.note)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      {draft.base && <p class="hint">{t.editHint}</p>}
      {complete && blocking > 0 && (
        <p class="problem" role="alert" tabIndex={-1} ref={summary}>
          {t.blocked(formatNumber(blocking))}
        </p>
      )}
      <div class="question">
        <label for="desa">
          <span>
            {t.desa} <span class="required">({t.required})</span>
          </span>
        </label>
        <select
          id="desa"
          value={draft.area_code}
          onChange={(e) => {
            const code = e.currentTarget.value;
            change((d) => ({ ...d, area_code: code }));
          }}
          aria-invalid={problems.survey.includes("desa") || undefined}
        >
          <option value="">{t.choose}</option>
          {props.desa.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
        {problems.survey.includes("desa") && <p class="field-problem">{t.needDesa}</p>}
      </div>

      {householdSections.map(([section, defs]) => (
        <fieldset key={section} class="section">
          <legend>{id.sections[section] ?? section}</legend>
          {defs.map((def) => (
            <Question
              key={def.name}
              def={def}
              prefix="rt"
              value={draft.fields[def.name]}
              problem={problems.household.get(def.name)}
              noted={householdNote(def.name)}
              owner={null}
              onAnswer={answer}
            />
          ))}
        </fieldset>
      ))}

      <fieldset class="section">
        <legend>{t.families}</legend>
        {draft.families.map((family, i) => (
          <div class="question" key={family.id}>
            <label for={`kk-${family.id}`}>
              {t.family(i + 1)} — {t.noKk}
            </label>
            <input
              id={`kk-${family.id}`}
              inputMode="numeric"
              maxLength={16}
              autocomplete="off"
              value={family.no_kk}
              onInput={(e) => {
                const noKk = e.currentTarget.value.trim();
                change((d) => ({ ...d, families: d.families.map((f) => (f.id === family.id ? { ...f, no_kk: noKk } : f)) }));
              }}
            />
            {problems.families.get(family.id) && <p class="field-problem">{problems.families.get(family.id)}</p>}
            {problems.warnings.get(family.id) && (
              <p class="field-warning">{t.checkNumber(problems.warnings.get(family.id) ?? "")}</p>
            )}
          </div>
        ))}
        <button
          type="button"
          onClick={() => change((d) => ({ ...d, families: [...d.families, { id: crypto.randomUUID(), no_kk: "" }] }))}
        >
          {t.addFamily}
        </button>
        {draft.members.map((member, i) => (
          <fieldset class={memberNotes(member.id).length ? "member noted" : "member"} key={member.id}>
            <legend>{t.member(i + 1)}</legend>
            {memberNotes(member.id)
              .filter((n) => n.target.kind === "member" && !n.target.field)
              .map((n, k) => (
                <p class="supervisor-note" key={k}>
                  {t.noted(n.note)}
                </p>
              ))}
            {/* A member already on the server keeps their KK here: the protocol moves no member. */}
            {draft.families.length > 1 && !known(member.id) && (
              <div class="question">
                <label for={`kk-of-${member.id}`}>{t.memberFamily}</label>
                <select
                  id={`kk-of-${member.id}`}
                  value={member.family_id}
                  onChange={(e) => {
                    const family = e.currentTarget.value;
                    change((d) => ({
                      ...d,
                      members: d.members.map((m) => (m.id === member.id ? { ...m, family_id: family } : m)),
                    }));
                  }}
                >
                  {draft.families.map((f, n) => (
                    <option key={f.id} value={f.id}>
                      {t.family(n + 1)}
                      {f.no_kk ? ` (${f.no_kk})` : ""}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {memberDefs.map((def) => (
              <Question
                key={def.name}
                def={def}
                prefix={`anggota-${i + 1}`}
                value={member.fields[def.name]}
                problem={problems.members.get(member.id)?.get(def.name)}
                warning={def.name === "nik" ? problems.warnings.get(member.id) : undefined}
                noted={
                  memberNotes(member.id).find((n) => n.target.kind === "member" && n.target.field === def.name)?.note
                }
                owner={member.id}
                onAnswer={answer}
              />
            ))}
            <button
              type="button"
              class="danger"
              onClick={() => change((d) => ({ ...d, members: d.members.filter((m) => m.id !== member.id) }))}
            >
              {t.removeMember}
            </button>
          </fieldset>
        ))}
        {problems.survey.includes("members") && <p class="field-problem">{t.needMember}</p>}
        <button
          type="button"
          onClick={() =>
            change((d) => ({
              ...d,
              members: [...d.members, { id: crypto.randomUUID(), family_id: d.families[0]?.id ?? crypto.randomUUID(), fields: {} }],
            }))
          }
        >
          {t.addMember}
        </button>
      </fieldset>

      <fieldset class="section">
        <legend>{t.gps}</legend>
        {draft.gps ? (
          <p class="fix">
            {t.fix(
              `${formatCoordinate(draft.gps.latitude)}, ${formatCoordinate(draft.gps.longitude)}`,
              formatDistance(draft.gps.accuracy_m),
            )}
          </p>
        ) : (
          <p>{t.noGps}</p>
        )}
        {draft.gps && draft.gps.accuracy_m > INACCURATE_M && <p class="field-warning">{t.inaccurate}</p>}
        {place?.inside === true && <p class="fix-ok">{t.fixInside(desaName(draft.area_code))}</p>}
        {place?.inside === false && (
          <p class="field-warning" role="alert">
            {t.fixOutside(formatDistance(place.by), desaName(draft.area_code), place.located ? desaName(place.located) : null)}
          </p>
        )}
        {gpsProblem && <p class="field-problem">{gpsProblem}</p>}
        {problems.survey.includes("gps") && <p class="field-problem">{t.needGps}</p>}
        <button type="button" disabled={locating} onClick={locate}>
          {locating ? t.takingGps : draft.gps ? t.retakeGps : t.takeGps}
        </button>
      </fieldset>

      <fieldset class="section">
        <legend>{t.photos}</legend>
        <p class="hint">{t.photosHint}</p>
        {form.photos.map((def) => (
          <PhotoSlot
            key={def.kind}
            store={store}
            def={def}
            sha256={draft.photos.find((p) => p.kind === def.kind)?.sha256}
            missing={problems.photos.has(def.kind)}
            onFile={(file) => void takePhoto(def.kind, file)}
          />
        ))}
      </fieldset>

      <div class="actions">
        {saveFailed && (
          <p class="problem" role="alert">
            {t.saveFailed}
          </p>
        )}
        <button type="button" class="primary" disabled={finishing} onClick={() => void finish()}>
          {draft.base ? t.finishEdit : t.finish}
        </button>
        <button type="button" onClick={() => void leave()}>
          {t.back}
        </button>
        <button type="button" class="danger" onClick={() => void discard()}>
          {t.discard}
        </button>
      </div>
    </main>
  );
}

function memberName(draft: Draft, memberId: string): string {
  const member = draft.members.find((m) => m.id === memberId);
  const name = member?.fields.nama;
  return id.lapangan.memberLabel(typeof name === "string" && name ? name : "");
}
