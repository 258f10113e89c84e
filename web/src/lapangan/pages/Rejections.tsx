import type { FormDefinition, HouseholdSnapshot } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatNumber } from "../../common/format";
import type { LostPhoto, PhotoFile, Rejected, Store } from "../store";
import { draftFromRefused } from "../survey/draft";

const t = id.lapangan;

/** What the server refused, with its reasons, until the worker has read it. */
export function Rejections(props: {
  store: Store;
  rejected: Rejected[];
  photos: PhotoFile[];
  form: FormDefinition | undefined;
  onChange: () => void;
}) {
  if (props.rejected.length === 0 && props.photos.length === 0) return null;
  /** A refused new survey, with everything refused after it for the same household. */
  const survey = (r: Rejected) => {
    if (r.mutation.op !== "create_household") return null;
    const household = r.mutation.household_id;
    const related = props.rejected.filter((o) => o.mutation.household_id === household);
    const draft = draftFromRefused(related.map((o) => o.mutation));
    return draft ? { draft, seqs: related.map((o) => o.seq) } : null;
  };
  const label = (kind: string) => props.form?.photos.find((p) => p.kind === kind)?.label ?? id.photoKind(kind);
  const fieldLabel = (path: string) => {
    const name = path.split(".").pop() ?? path;
    const def = [...(props.form?.household_fields ?? []), ...(props.form?.member_fields ?? [])].find((d) => d.name === name);
    return def?.label ?? path;
  };
  return (
    <section class="rejections" aria-labelledby="ditolak">
      <h2 id="ditolak">{t.rejectedTitle}</h2>
      <p>{t.rejectedIntro}</p>
      <ul>
        {props.rejected.map((r) => (
          <li key={r.seq}>
            <p>{t.rejectedItem(t.op[r.mutation.op] ?? r.mutation.op, r.receipt.rejection?.message ?? "")}</p>
            {r.receipt.rejection?.fields?.length ? (
              <ul>
                {r.receipt.rejection.fields.map((f) => (
                  <li key={f.field}>
                    {fieldLabel(f.field)}: {f.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {(() => {
              const refused = survey(r);
              return refused ? (
                <button type="button" class="primary" onClick={() => void props.store.reopen(refused.draft, refused.seqs).then(props.onChange)}>
                  {t.reopen}
                </button>
              ) : null;
            })()}
            <button type="button" onClick={() => void props.store.dismissRejection(r.seq).then(props.onChange)}>
              {t.dismiss}
            </button>
          </li>
        ))}
        {props.photos.map((p) => (
          <li key={p.sha256}>
            <p>{t.photoRefused(label(p.kind), p.error ?? "")}</p>
            <button type="button" onClick={() => void props.store.dismissPhoto(p.sha256).then(props.onChange)}>
              {t.dismiss}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Photos the server waits for that this phone cannot send: the worker photographs the
 * households again (a new visit), or the supervisor will see them missing. */
export function LostPhotos(props: { lost: LostPhoto[]; households: HouseholdSnapshot[] }) {
  if (props.lost.length === 0) return null;
  const names = new Map<string, string>();
  for (const photo of props.lost) {
    const household = props.households.find((h) => h.id === photo.household_id);
    const name = household?.fields.nama_kepala_rumah_tangga;
    const key = photo.household_id ?? "";
    if (!names.has(key)) {
      names.set(key, typeof name === "string" && name.trim() ? name : t.lostPhotoUnknownHousehold);
    }
  }
  return (
    <section class="rejections lost-photos" aria-labelledby="foto-hilang">
      <h2 id="foto-hilang">{t.lostPhotosTitle}</h2>
      <p>{t.lostPhotosIntro(formatNumber(props.lost.length))}</p>
      <ul>
        {[...names].map(([key, name]) => (
          <li key={key}>{name}</li>
        ))}
      </ul>
    </section>
  );
}
