import { useMemo, useState } from "preact/hooks";

import type { LoginResponse, Me } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { Api } from "../../common/api";
import { loginProblem } from "../../common/errors";

const t = id.lapangan;

/** A login the app itself refuses, with the reason to show. */
export class Refusal extends Error {}

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
  const [username, setUsername] = useState(props.expiredFor?.username ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await props.onLogin(await api.login(username.trim(), password));
    } catch (error) {
      setProblem(error instanceof Refusal ? error.message : loginProblem(error, t.loginOffline));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="isi" class={props.expiredFor ? "login over" : "login"}>
      <form onSubmit={submit} aria-labelledby="masuk">
        <p class="brand">{t.title}</p>
        <h1 id="masuk">{id.login.title}</h1>
        <p>{props.expiredFor ? t.loginExpired(props.expiredFor.display_name) : t.loginIntro}</p>
        <label>
          {id.login.username}
          <input
            name="username"
            autocomplete="username"
            autocapitalize="none"
            required
            readOnly={props.expiredFor !== undefined}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          {id.login.password}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {problem && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? id.login.submitting : id.login.submit}
        </button>
      </form>
    </main>
  );
}
