import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { AreaRef, FormDefinition, HouseholdSnapshot, LoginResponse, Mutation } from "../generated/protocol";
import { id } from "../i18n/id";
import { Api, NetworkError } from "../common/api";
import { errorText } from "../common/errors";
import { formatBytes, formatDateTime, formatNumber, formatPercent } from "../common/format";
import { Conflicts } from "./pages/Conflicts";
import { Households } from "./pages/Households";
import { Refusal } from "../common/LoginForm";
import { Login } from "./pages/Login";
import { LostPhotos, Rejections } from "./pages/Rejections";
import {
  type Boundaries,
  type ConflictSeen,
  type Forms,
  type LostPhoto,
  formKey,
  type PhotoFile,
  type Rejected,
  type Session,
  Store,
} from "./store";
import { type Draft, editDraft, newDraft } from "./survey/draft";
import { Survey } from "./survey/Survey";
import { type PhotoProgress, sendPhotos } from "./photos";
import { pull, push, refreshDesa, refreshForm, retryDelayMs, SequenceGap } from "./sync";

const t = id.lapangan;

/** The field app: the login once online, then the work area from the phone's own copy. */
export function App() {
  const [store, setStore] = useState<Store | null>(null);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [broken, setBroken] = useState(false);

  useEffect(() => {
    Store.open()
      .then(async (opened) => {
        setStore(opened);
        setSession((await opened.session()) ?? null);
      })
      .catch(() => setBroken(true));
  }, []);

  if (broken) {
    return (
      <main id="isi">
        <p class="problem" role="alert">
          {id.errors.storage}
        </p>
      </main>
    );
  }
  if (!store || session === undefined) return <p class="loading">{id.app.loading}</p>;
  if (!session) {
    return (
      <Login
        onLogin={async (answer) => {
          if ((await store.signIn(answer)) === "other_user_has_work") {
            const owner = await store.owner();
            throw new Refusal(t.otherUserHasWork(owner?.display_name ?? ""));
          }
          // Ask the browser not to evict the survey data when the phone runs short of space.
          void navigator.storage?.persist?.();
          setSession((await store.session()) ?? null);
        }}
      />
    );
  }
  return <Work store={store} session={session} onSession={setSession} />;
}

function Work(props: { store: Store; session: Session; onSession: (s: Session | null) => void }) {
  const { store, session } = props;
  const token = useRef(session.token);
  token.current = session.token;
  const [expired, setExpired] = useState(false);
  /** The worker chose to go on working and log in later. */
  const [later, setLater] = useState(false);
  const api = useMemo(
    () =>
      new Api(
        () => token.current,
        () => setExpired(true),
      ),
    [],
  );
  // Signal as the phone reports it, and whether the server answered the last time it was asked
  // (a phone "with signal" often cannot reach anything).
  const [online, setOnline] = useState(navigator.onLine);
  const [reachable, setReachable] = useState(true);
  const [local, setLocal] = useState<Local | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [surveying, setSurveying] = useState<Draft | null>(null);
  const [photos, setPhotos] = useState<PhotoProgress | null>(null);
  const running = useRef(false);
  const rerun = useRef(false);
  const retry = useRef<number | undefined>(undefined);
  /** Syncs that failed in a row: the wait before the next automatic one grows with them. */
  const failures = useRef(0);

  async function reload() {
    setLocal(await readLocal(store));
  }

  async function sync() {
    // Asked while a sync runs (a survey finished during a long 2G sync): once more after it.
    if (running.current) {
      rerun.current = true;
      return;
    }
    running.current = true;
    rerun.current = false;
    window.clearTimeout(retry.current);
    setSyncing(true);
    setMessage(null);
    try {
      const pushed = await push(api, store);
      const sentPhotos = await sendPhotos(api, store, () => token.current, (p) => setPhotos({ ...p }));
      setPhotos(null);
      const pulled = await pull(api, store, { beforeReset: async () => void (await push(api, store)) });
      // The user's areas as the server has them now (an admin may have changed them).
      const me = await api.me();
      await store.updateUser(me);
      await refreshDesa(api, store, me.areas);
      await refreshForm(api, store);
      setReachable(true);
      failures.current = 0;
      const said = [t.synced(formatNumber(pulled.changes))];
      if (pulled.removed > 0) said.push(t.removed(formatNumber(pulled.removed)));
      if (sentPhotos > 0) said.unshift(t.photosSent(formatNumber(sentPhotos)));
      if (pushed.answered > 0) said.unshift(t.sent(formatNumber(pushed.answered)));
      setMessage(said.join(" "));
    } catch (error) {
      if (error instanceof NetworkError) setReachable(false);
      if (error instanceof SequenceGap) {
        setMessage(t.gap);
      } else {
        const wait = retryDelayMs(error, failures.current);
        failures.current += 1;
        const waitingWork = (await store.outbox()).length + (await store.photosToSend()).length;
        const again = wait !== null && waitingWork > 0;
        const seconds = formatNumber(Math.ceil((wait ?? 0) / 1000));
        setMessage([t.syncFailed(errorText(error)), again ? t.retrying(seconds) : ""].join(" ").trim());
        if (again) retry.current = window.setTimeout(() => void sync(), wait);
      }
    } finally {
      running.current = false;
      setSyncing(false);
      setPhotos(null);
      await reload();
      if (rerun.current) void sync();
    }
  }

  useEffect(() => {
    void reload().then(() => {
      if (navigator.onLine) void sync();
    });
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      window.clearTimeout(retry.current);
    };
  }, []);

  async function logout() {
    const unsent = (await store.outbox()).length + (await store.drafts()).length;
    if (unsent > 0 && !confirm(t.logoutUnsent(formatNumber(unsent)))) return;
    api.logout().catch(() => undefined);
    await store.signOut();
    props.onSession(null);
  }

  async function signedInAgain(answer: LoginResponse) {
    await store.signIn(answer);
    token.current = answer.token;
    setExpired(false);
    setLater(false);
    props.onSession((await store.session()) ?? null);
    // What waited for the login goes now.
    if (navigator.onLine) void sync();
  }

  async function startSurvey() {
    const form = local?.form;
    if (!form) return;
    const only = local.desa.length === 1 ? (local.desa[0]?.code ?? "") : "";
    setSurveying(newDraft(form, only));
  }

  /** An edit of a household as the phone shows it, based on the version last pulled. */
  function editHousehold(view: HouseholdSnapshot) {
    const pulled = local?.households.find((h) => h.id === view.id);
    setSurveying(editDraft(view, pulled?.version ?? 0));
  }

  async function openDraft(householdId: string) {
    const draft = await store.draft(householdId);
    if (draft) setSurveying(draft);
  }

  async function surveyDone(said: string | null) {
    setSurveying(null);
    setMessage(said);
    await reload();
    if (navigator.onLine) void sync();
  }

  if (!local) return <p class="loading">{id.app.loading}</p>;
  const connected = online && reachable;
  // A draft is drawn with the form version it is surveyed with, when the phone has it.
  const surveyForm = surveying
    ? (local.forms[formKey(surveying.form_id, surveying.form_version)] ?? local.form)
    : undefined;
  const waiting = local.outbox.length;
  return (
    <>
      <header class="bar">
        <div>
          <strong>{t.title}</strong>
          <span class="who">{t.signedInAs(session.user.display_name)}</span>
        </div>
        <button type="button" class="quiet" onClick={() => void logout()}>
          {t.logout}
        </button>
      </header>
      {surveying && surveyForm ? (
        <Survey
          store={store}
          form={surveyForm}
          desa={local.desa}
          boundaries={local.boundaries}
          initial={surveying} onDone={(m) => void surveyDone(m)} />
      ) : (
        <main id="isi">
          <section class="sync" aria-label={t.server}>
            <p class={connected ? "net online" : "net offline"}>{connected ? t.online : t.offline}</p>
            <p class={waiting + local.photosWaiting > 0 ? "waiting" : undefined}>
              {waiting > 0 && t.waiting(formatNumber(waiting))}
              {waiting > 0 && local.photosWaiting > 0 && " · "}
              {local.photosWaiting > 0 && t.photosWaiting(formatNumber(local.photosWaiting))}
              {waiting + local.photosWaiting === 0 && t.nothingWaiting}
            </p>
            {photos && photos.total > 0 && (
              <p>
                <label class="progress">
                  {t.photosSending(
                    formatNumber(Math.min(photos.done + 1, photos.total)),
                    formatNumber(photos.total),
                    formatPercent(photos.size > 0 ? photos.sent / photos.size : 0),
                  )}
                  <progress max={photos.total} value={photos.done + (photos.size > 0 ? photos.sent / photos.size : 0)} />
                </label>
              </p>
            )}
            {local.storage && (
              <p class={local.storage.low ? "field-warning" : "muted"}>
                {local.storage.low ? t.storageLow : t.storage(local.storage.used, local.storage.free)}
              </p>
            )}
            <p>{local.pulledAt ? t.lastSynced(formatDateTime(local.pulledAt)) : t.neverSynced}</p>
            {expired ? (
              <>
                <p class="field-warning">{t.sessionExpired}</p>
                <button type="button" class="primary" onClick={() => setLater(false)}>
                  {t.loginAgain}
                </button>
              </>
            ) : (
              <button type="button" class="primary" disabled={syncing || !online} onClick={() => void sync()}>
                {syncing ? t.syncing : t.syncNow}
              </button>
            )}
            {/* Always there, so that screen readers announce each new message. */}
            <p class="message" role="status">
              {message ?? ""}
            </p>
          </section>
          <Rejections
            store={store}
            rejected={local.rejected}
            photos={local.refusedPhotos}
            form={local.form}
            onChange={() => void reload()}
          />
          <LostPhotos lost={local.lostPhotos} households={local.households} />
          <Conflicts
            store={store}
            conflicts={local.conflicts}
            households={local.households}
            form={local.form}
            onChange={() => void reload()}
          />
          <button type="button" class="primary new" disabled={!local.form} onClick={() => void startSurvey()}>
            {t.newSurvey}
          </button>
          {!local.form && <p>{t.noForm}</p>}
          <Households
            households={local.households}
            outbox={local.outbox}
            drafts={local.drafts}
            desa={local.desa}
            onOpenDraft={(h) => void openDraft(h)}
            onEdit={editHousehold}
          />
        </main>
      )}
      {expired && !later && (
        <Login expiredFor={session.user} onLogin={signedInAgain} onLater={() => setLater(true)} />
      )}
    </>
  );
}

/** What the phone holds, read at once for the screens. */
interface Local {
  households: HouseholdSnapshot[];
  outbox: Mutation[];
  drafts: Draft[];
  rejected: Rejected[];
  conflicts: ConflictSeen[];
  desa: AreaRef[];
  boundaries: Boundaries;
  form: FormDefinition | undefined;
  forms: Forms;
  pulledAt: string | undefined;
  photosWaiting: number;
  refusedPhotos: PhotoFile[];
  lostPhotos: LostPhoto[];
  storage: { used: string; free: string; low: boolean } | null;
}

/** Below this much free space the phone is warned before a day's work (photos of ~3 MB). */
const LOW_STORAGE_BYTES = 300 * 1024 * 1024;

async function storageLeft(): Promise<Local["storage"]> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  if (!estimate?.quota) return null;
  const used = estimate.usage ?? 0;
  const free = estimate.quota - used;
  return { used: formatBytes(used), free: formatBytes(free), low: free < LOW_STORAGE_BYTES };
}

async function readLocal(store: Store): Promise<Local> {
  const [households, outbox, drafts, rejected, conflicts, desa, boundaries, form, forms, pulledAt, photos, refusedPhotos, lostPhotos, storage] =
    await Promise.all([
    store.households(),
    store.outbox(),
    store.drafts(),
    store.rejections(),
    store.conflicts(),
    store.desa(),
    store.boundaries(),
    store.form(),
    store.forms(),
    store.pulledAt(),
    store.photosToSend(),
    store.refusedPhotos(),
    store.lostPhotos(),
    storageLeft(),
  ]);
  return {
    households,
    outbox,
    drafts,
    rejected,
    conflicts,
    desa,
    boundaries,
    form,
    forms,
    pulledAt,
    photosWaiting: photos.length,
    refusedPhotos,
    lostPhotos,
    storage,
  };
}

