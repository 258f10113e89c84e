import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { AreaRef, HouseholdSnapshot, LoginResponse } from "../generated/protocol";
import { id } from "../i18n/id";
import { Api, NetworkError } from "../shared/api";
import { errorText } from "../shared/errors";
import { formatDateTime, formatNumber } from "../shared/format";
import { Households } from "./pages/Households";
import { Login } from "./pages/Login";
import { type Session, Store } from "./store";
import { pull, refreshDesa } from "./sync";

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
          await store.signIn(answer);
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
  const [households, setHouseholds] = useState<HouseholdSnapshot[]>([]);
  const [desa, setDesa] = useState<AreaRef[]>([]);
  const [pulledAt, setPulledAt] = useState<string | undefined>(undefined);
  const [syncing, setSyncing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const running = useRef(false);

  async function reload() {
    setHouseholds(await store.households());
    setDesa(await store.desa());
    setPulledAt(await store.pulledAt());
  }

  async function sync() {
    if (running.current) return;
    running.current = true;
    setSyncing(true);
    setMessage(null);
    try {
      const pulled = await pull(api, store);
      await refreshDesa(api, store, session.user.areas);
      setReachable(true);
      setMessage(t.synced(formatNumber(pulled.changes)));
    } catch (error) {
      if (error instanceof NetworkError) setReachable(false);
      setMessage(t.syncFailed(errorText(error)));
    } finally {
      running.current = false;
      setSyncing(false);
      await reload();
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
    };
  }, []);

  async function logout() {
    api.logout().catch(() => undefined);
    await store.signOut();
    props.onSession(null);
  }

  async function signedInAgain(answer: LoginResponse) {
    await store.signIn(answer);
    setExpired(false);
    props.onSession((await store.session()) ?? null);
  }

  const connected = online && reachable;
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
      <main id="isi">
        <section class="sync" aria-label={t.server}>
          <p class={connected ? "net online" : "net offline"}>{connected ? t.online : t.offline}</p>
          <p>{pulledAt ? t.lastSynced(formatDateTime(pulledAt)) : t.neverSynced}</p>
          <button type="button" class="primary" disabled={syncing || !online} onClick={() => void sync()}>
            {syncing ? t.syncing : t.syncNow}
          </button>
          {message && (
            <p class="message" role="status">
              {message}
            </p>
          )}
        </section>
        <Households households={households} desa={desa} />
      </main>
      {expired && <Login expiredFor={session.user} onLogin={signedInAgain} />}
    </>
  );
}
