import { useMemo } from "preact/hooks";

import type { LoginResponse, Me } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { Api } from "../../common/api";
import { Dialog } from "../../common/Dialog";
import { LoginForm } from "../../common/LoginForm";

const t = id.lapangan;

/** Logging in: once, online, at the start; again in a dialog over the work when the session
 * expired (the phone's data stays as it is, and the worker may go on working and log in
 * later: only sending waits for it). */
export function Login(props: {
  expiredFor?: Me;
  onLogin: (answer: LoginResponse) => Promise<void>;
  onLater?: () => void;
}) {
  const api = useMemo(
    () =>
      new Api(
        () => null,
        () => undefined,
      ),
    [],
  );
  const form = (
    <LoginForm
      api={api}
      before={<p class="brand">{t.title}</p>}
      intro={props.expiredFor ? t.loginExpired(props.expiredFor.display_name) : t.loginIntro}
      offline={t.loginOffline}
      username={props.expiredFor?.username}
      onLogin={props.onLogin}
    />
  );
  if (props.expiredFor) {
    return (
      <Dialog labelledBy="login-title" class="login" onClose={props.onLater}>
        {form}
        {props.onLater && (
          <button type="button" class="later" onClick={props.onLater}>
            {t.loginLater}
          </button>
        )}
      </Dialog>
    );
  }
  return (
    <main id="isi" class="login">
      {form}
    </main>
  );
}
