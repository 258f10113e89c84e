import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { LoginResponse, Me } from "../generated/protocol";
import { id } from "../i18n/id";
import { Api } from "../common/api";
import { navigate, useLocation } from "../common/router";
import { Link } from "./components/Link";
import { mayReview, SessionContext } from "./context";
import { HouseholdPage } from "./pages/HouseholdPage";
import { IndicatorsPage } from "./pages/IndicatorsPage";
import { Login } from "./pages/Login";
import { MapPage } from "./pages/MapPage";
import { ReviewQueue } from "./pages/ReviewQueue";
import { UsersPage } from "./pages/UsersPage";

/** The token lives for the browser tab only: closing the tab signs out. */
const TOKEN_KEY = "ekemiskinan.konsol.token";

export function App() {
  const token = useRef<string | null>(sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [expired, setExpired] = useState(false);
  const [checking, setChecking] = useState(token.current !== null);
  const api = useMemo(
    () =>
      new Api(
        () => token.current,
        () => setExpired(true),
      ),
    [],
  );

  // A reload keeps the tab's token: ask the server who it belongs to.
  useEffect(() => {
    if (!token.current) return;
    api
      .me()
      .then(setMe)
      .catch(() => signOut())
      .finally(() => setChecking(false));
  }, [api]);

  function signIn(answer: LoginResponse) {
    token.current = answer.token;
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    setMe(answer.user);
    setExpired(false);
  }

  function signOut() {
    token.current = null;
    sessionStorage.removeItem(TOKEN_KEY);
    setMe(null);
    setExpired(false);
  }

  function logout() {
    // The request reads the token before its first await; the tab forgets it at once after,
    // so that a reload right after the click is signed out even while the server is asked to
    // end the session (and when it cannot be reached).
    api.logout().catch(() => undefined);
    signOut();
    navigate("/");
  }

  if (checking) return <p class="loading">{id.app.loading}</p>;
  if (!me) return <Login api={api} onLogin={signIn} />;
  return (
    <SessionContext.Provider value={{ api, me }}>
      <a class="skip" href="#isi">
        {id.app.skipToContent}
      </a>
      <Header me={me} onLogout={logout} />
      <Page me={me} />
      {expired && <Login api={api} expired onLogin={signIn} />}
    </SessionContext.Provider>
  );
}

function Header(props: { me: Me; onLogout: () => void }) {
  const { me } = props;
  const role = id.roles[me.role] ?? me.role;
  return (
    <header class="top">
      <span class="brand">{id.app.title}</span>
      <nav aria-label={id.nav.label}>
        {mayReview(me) && <Link href="/antrean">{id.nav.queue}</Link>}
        {mayReadFigures(me) && <Link href="/peta">{id.nav.map}</Link>}
        {mayReadFigures(me) && <Link href="/indikator">{id.nav.indicators}</Link>}
        {me.role === "admin" && <Link href="/pengguna">{id.nav.users}</Link>}
      </nav>
      <span class="who">{id.nav.signedInAs(me.display_name || me.username, role)}</span>
      <button type="button" onClick={props.onLogout}>
        {id.nav.logout}
      </button>
    </header>
  );
}

/** Supervisors, analysts and admins read indicators; field workers use the field app. */
function mayReadFigures(me: Me): boolean {
  return me.role !== "enumerator";
}

function Forbidden() {
  return (
    <main id="isi">
      <p role="alert">{id.errors.forbidden}</p>
    </main>
  );
}

function Page(props: { me: Me }) {
  const { me } = props;
  const location = useLocation();
  const [path = "/", search = ""] = location.split("?");
  const household = /^\/rumah-tangga\/([0-9a-f-]{36})$/.exec(path);
  useEffect(() => {
    if (path !== "/") return;
    if (mayReview(me)) navigate("/antrean", true);
    else if (mayReadFigures(me)) navigate("/indikator", true);
  }, [path, me]);
  if (!mayReadFigures(me)) return <Forbidden />;
  if (path === "/indikator") return <IndicatorsPage search={search} />;
  if (path === "/peta") return <MapPage search={search} />;
  if (!mayReview(me)) return <Forbidden />;
  if (path === "/antrean") return <ReviewQueue search={search} />;
  if (path === "/pengguna") return <UsersPage />;
  if (household?.[1]) return <HouseholdPage householdId={household[1]} />;
  return (
    <main id="isi">
      <p role="alert">{id.errors.notFound}</p>
    </main>
  );
}
