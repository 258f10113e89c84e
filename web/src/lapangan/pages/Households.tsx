import { useState } from "preact/hooks";

import type { AreaRef, HouseholdSnapshot, JsonValue, Mutation } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatNumber } from "../../common/format";
import { applyLocal } from "../engine/local";
import type { Draft } from "../survey/draft";

const t = id.lapangan;

function text(value: JsonValue | undefined): string {
  return typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
}

/** What a search matches: the head's name, the address and every member's name and NIK. */
function haystack(h: HouseholdSnapshot): string {
  const f = h.fields;
  const words = [f.nama_kepala_rumah_tangga, f.alamat, f.dusun].map(text);
  for (const m of h.members) {
    if (m.removed) continue;
    words.push(text(m.fields.nama), text(m.fields.nik));
  }
  return words.join(" ").toLowerCase();
}

function address(h: HouseholdSnapshot): string {
  const f = h.fields;
  const rt = text(f.rt);
  const rw = text(f.rw);
  return [text(f.alamat), text(f.dusun), rt || rw ? t.rtRw(rt || "–", rw || "–") : ""].filter(Boolean).join(", ");
}

/** The server's copies with the outbox applied on top (what the phone shows before the server
 * answers), and the ids of those with changes still to send. */
function views(households: HouseholdSnapshot[], outbox: Mutation[]): [HouseholdSnapshot[], Set<string>] {
  const byId = new Map(households.map((h) => [h.id, h]));
  const waiting = new Set<string>();
  const now = new Date().toISOString();
  for (const m of outbox) {
    waiting.add(m.household_id);
    const view = applyLocal(byId.get(m.household_id), m, now);
    if (view) byId.set(view.id, view);
  }
  return [[...byId.values()], waiting];
}

/** The households of the work area by desa, with a search and where each stands: drafts
 * first, then by desa (a household waiting to be sent says so). */
export function Households(props: {
  households: HouseholdSnapshot[];
  outbox: Mutation[];
  drafts: Draft[];
  desa: AreaRef[];
  onOpenDraft: (householdId: string) => void;
  onEdit: (household: HouseholdSnapshot) => void;
}) {
  const drafted = new Set(props.drafts.map((d) => d.household_id));
  const [query, setQuery] = useState("");
  const names = new Map(props.desa.map((d) => [d.code, d.name]));
  const [all, waiting] = views(props.households, props.outbox);
  const live = all.filter((h) => !h.deleted);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shownList = live.filter((h) => {
    const hay = haystack(h);
    return words.every((w) => hay.includes(w));
  });
  const groups = new Map<string, HouseholdSnapshot[]>();
  for (const h of shownList) groups.set(h.area_code, [...(groups.get(h.area_code) ?? []), h]);
  const ordered = [...groups].sort(([a], [b]) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b, "id"));
  const returned = live.filter((h) => h.review_status === "returned").length;

  return (
    <section aria-labelledby="wilayah">
      <h1 id="wilayah">{t.workArea}</h1>
      <p>
        {t.households(formatNumber(live.length))}
        {returned > 0 && ` · ${t.returned(formatNumber(returned))}`}
      </p>
      {props.drafts.length > 0 && (
        <section aria-labelledby="draf">
          <h2 id="draf">{t.draft}</h2>
          <ul class="drafts">
            {props.drafts.map((d) => (
              <li key={d.household_id} class="draft">
                <div class="line">
                  <strong>{text(d.fields.nama_kepala_rumah_tangga) || t.noName}</strong>
                  <span class="status draft">{t.draft}</span>
                </div>
                <div class="address">{d.area_code ? t.desa(names.get(d.area_code) ?? d.area_code) : t.noDesaYet}</div>
                <button type="button" onClick={() => props.onOpenDraft(d.household_id)}>
                  {t.continueDraft}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <label class="search">
        {t.search}
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      {live.length === 0 ? (
        <p>{t.empty}</p>
      ) : shownList.length === 0 ? (
        <p>{t.noMatch}</p>
      ) : (
        ordered.map(([code, list]) => (
          <section key={code} class="desa" aria-labelledby={`desa-${code}`}>
            <h2 id={`desa-${code}`}>
              {t.desa(names.get(code) ?? code)} ({formatNumber(list.length)})
            </h2>
            <ul class="households">
              {list
                .sort((a, b) => text(a.fields.nama_kepala_rumah_tangga).localeCompare(text(b.fields.nama_kepala_rumah_tangga), "id"))
                .map((h) => (
                  <li key={h.id} class={h.review_status}>
                    <div class="line">
                      <strong>{text(h.fields.nama_kepala_rumah_tangga) || t.noName}</strong>
                      {waiting.has(h.id) ? (
                        <span class="status waiting">{t.pendingSend}</span>
                      ) : (
                        <span class={`status ${h.review_status}`}>{t.status[h.review_status]}</span>
                      )}
                    </div>
                    <div class="address">{address(h)}</div>
                    {h.review_status === "returned" && h.review?.note && (
                      <div class="note">{t.returnedNote(h.review.note)}</div>
                    )}
                    {!drafted.has(h.id) && (
                      <button
                        type="button"
                        class={h.review_status === "returned" ? "edit primary" : "edit"}
                        onClick={() => props.onEdit(h)}
                      >
                        {h.review_status === "returned" ? t.fix : t.edit}
                      </button>
                    )}
                  </li>
                ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}
