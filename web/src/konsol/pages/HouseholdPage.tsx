import { useCallback, useEffect, useState } from "preact/hooks";

import type {
  ConflictView,
  DecideResponse,
  Decision,
  FormDefinition,
  HouseholdHistory,
  HouseholdPhoto,
  HouseholdPlaces,
  HouseholdQuality,
  HouseholdScore,
  HouseholdSnapshot,
  Keep,
} from "../../generated/protocol";
import { id } from "../../i18n/id";
import { errorText } from "../../common/errors";
import { Answers } from "../components/Answers";
import { Conflicts } from "../components/Conflicts";
import { DecisionPanel } from "../components/DecisionPanel";
import type { AreaNames } from "../components/FlagText";
import { Flags } from "../components/Flags";
import { History } from "../components/History";
import { Members } from "../components/Members";
import { PhotoStrip } from "../components/PhotoStrip";
import { Places } from "../components/Places";
import { mayReview, useSession } from "../context";

const DECISIONS: Decision[] = ["approve", "return", "reject"];

interface Loaded {
  household: HouseholdSnapshot;
  form: FormDefinition;
  quality: HouseholdQuality;
  photos: HouseholdPhoto[];
  places: HouseholdPlaces;
  score: HouseholdScore;
  conflicts: ConflictView[];
  history: HouseholdHistory;
  names: AreaNames;
}

/** One household: everything a supervisor weighs before deciding, and the decision. */
export function HouseholdPage(props: { householdId: string }) {
  const { api, me } = useSession();
  const [data, setData] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const asked = new URLSearchParams(location.search).get("keputusan");
  const initial = DECISIONS.find((d) => d === asked);

  const load = useCallback(async () => {
    setProblem(null);
    try {
      const household = await api.household(props.householdId);
      const kabupaten = household.area_code.split(".").slice(0, 2).join(".");
      const [form, quality, photos, places, score, conflicts, history, desa, kecamatan] = await Promise.all([
        api.form(household.form_id, household.form_version),
        api.flags(household.id),
        api.photos(household.id),
        api.places(household.id),
        api.score(household.id),
        api.conflicts(household.id),
        api.history(household.id),
        api.areas(kabupaten, "desa").catch(() => ({ areas: [] })),
        api.areas(kabupaten, "kecamatan").catch(() => ({ areas: [] })),
      ]);
      const names: AreaNames = {};
      for (const a of [...desa.areas, ...kecamatan.areas]) names[a.code] = a.name;
      setData({ household, form, quality, photos, places, score, conflicts, history, names });
    } catch (error) {
      setProblem(errorText(error));
    }
  }, [api, props.householdId]);

  useEffect(() => {
    void load();
  }, [load]);

  async function settle(conflict: ConflictView, keep: Keep) {
    if (!data) return;
    setBusy(true);
    setNotice(null);
    try {
      await api.resolve(conflict.id, { version: data.household.version, keep });
      await load();
      setNotice(id.household.settled);
    } catch (error) {
      // Reload first: the page shows what the household is now, then why it failed.
      await load();
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  function decided(answer: DecideResponse) {
    setNotice(id.decide.done(id.decided[answer.review.decision]));
    void load();
  }

  if (problem && !data) {
    return (
      <main id="isi">
        <p class="problem" role="alert">
          {problem}
        </p>
      </main>
    );
  }
  if (!data) {
    return (
      <main id="isi">
        <p class="loading">{id.app.loading}</p>
      </main>
    );
  }
  const { household, form } = data;
  const headName = household.fields.nama_kepala_rumah_tangga;
  const desa = data.names[household.area_code] ?? household.area_code;
  const kecamatanCode = household.area_code.split(".").slice(0, 3).join(".");
  const kecamatan = data.names[kecamatanCode] ?? kecamatanCode;
  const notes = household.review?.decision === "return" ? (household.review.field_notes ?? []) : [];
  const notedFields = new Set(notes.flatMap((n) => (n.target.kind === "household" ? [n.target.field] : [])));
  const notedMembers = new Set(notes.flatMap((n) => (n.target.kind === "member" ? [n.target.member_id] : [])));
  const notedPhotos = new Set(notes.flatMap((n) => (n.target.kind === "photo" ? [n.target.sha256] : [])));
  return (
    <main id="isi" class="household">
      <header class="page-head">
        <h1>
          {typeof headName === "string" && headName ? headName : id.household.title}
        </h1>
        <p>
          {id.household.location(desa, kecamatan)} · {id.household.version(household.version)} ·{" "}
          <span class={`status ${household.review_status}`}>{id.status[household.review_status]}</span>
        </p>
        {household.deleted && <p class="problem">{id.household.deleted}</p>}
      </header>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <div class="columns">
        <div class="main-column">
          <Flags quality={data.quality} names={data.names} />
          <PhotoStrip form={form} photos={data.photos} noted={notedPhotos} />
          <Places form={form} places={data.places} />
          <section aria-labelledby="skor">
            <h2 id="skor">{id.household.score}</h2>
            <p>
              {id.household.criteriaMet(data.score.met)} — {id.household.verdict[data.score.verdict] ?? data.score.verdict}
            </p>
          </section>
          <Answers form={form} fields={household.fields} highlight={notedFields} />
          <Members form={form} household={household} showIdentity={mayReview(me)} noted={notedMembers} />
          <Conflicts form={form} conflicts={data.conflicts} onSettle={settle} busy={busy} />
          <History form={form} history={data.history} />
        </div>
        <aside class="side-column">
          {mayReview(me) ? (
            <DecisionPanel
              key={household.version}
              household={household}
              form={form}
              photos={data.photos}
              initial={initial}
              onDecided={decided}
              onReload={() => void load()}
            />
          ) : (
            <p>{id.decide.notAllowed}</p>
          )}
        </aside>
      </div>
    </main>
  );
}
