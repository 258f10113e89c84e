import { useMemo } from "preact/hooks";

import type { LoginResponse, Me } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { Api } from "../../common/api";
import { LoginForm } from "../../common/LoginForm";

const t = id.lapangan;

/** Logging in: once, online, at the start; again over the work when the session expired
 * (the phone's data stays as it is). */
export function Login(props: { expiredFor?: Me; onLogin: (answer: LoginResponse) => Promise<void> }) {
  const api = useMemo(
    () =>
      new Api(
        () => null,
        () => undefined,
      ),
    [],
  );
  return (
    <main id="isi" class={props.expiredFor ? "login over" : "login"}>
      <LoginForm
        api={api}
        before={<p class="brand">{t.title}</p>}
        intro={props.expiredFor ? t.loginExpired(props.expiredFor.display_name) : t.loginIntro}
        offline={t.loginOffline}
        username={props.expiredFor?.username}
        onLogin={props.onLogin}
      />
    </main>
  );
}
