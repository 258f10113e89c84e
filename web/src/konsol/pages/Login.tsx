import { useState } from "preact/hooks";

import type { LoginResponse } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { Api } from "../../common/api";
import { loginProblem } from "../../common/errors";
import { Dialog } from "../components/Dialog";

/** The login form: full page when nobody is signed in, a dialog over the page when the
 * session expired (the page underneath keeps what was typed). */
export function Login(props: {
  api: Api;
  expired?: boolean;
  onLogin: (answer: LoginResponse) => void;
}) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      props.onLogin(await props.api.login(username.trim(), password));
    } catch (error) {
      setProblem(loginProblem(error, id.login.offline));
    } finally {
      setBusy(false);
    }
  }

  const form = (
    <form class="login" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{id.login.title}</h1>
      <p>{props.expired ? id.login.expired : id.login.intro}</p>
      <label>
        {id.login.username}
        <input
          name="username"
          autocomplete="username"
          required
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
  );
  if (props.expired) {
    return <Dialog labelledBy="login-title">{form}</Dialog>;
  }
  return (
    <main class="login-page" id="isi">
      <p class="brand">
        {id.app.title} · {id.app.region}
      </p>
      {form}
    </main>
  );
}
