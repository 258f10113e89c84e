import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

import type { LoginResponse } from "../generated/protocol";
import { id } from "../i18n/id";
import type { Api } from "./api";
import { loginProblem } from "./errors";

/** A login the app itself refuses after the server accepted it, with the reason to show. */
export class Refusal extends Error {}

/** The login form of both apps: username and password, the server's answer in words (a locked
 * username says how long to wait), the button busy while it asks. */
export function LoginForm(props: {
  api: Api;
  intro: string;
  /** What to say when the server cannot be reached. */
  offline: string;
  /** The username, fixed (a session that expired: only its password is asked again). */
  username?: string | undefined;
  class?: string | undefined;
  /** Shown above the heading. */
  before?: ComponentChildren;
  onLogin: (answer: LoginResponse) => void | Promise<void>;
}) {
  const [username, setUsername] = useState(props.username ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await props.onLogin(await props.api.login(username.trim(), password));
    } catch (error) {
      setProblem(error instanceof Refusal ? error.message : loginProblem(error, props.offline));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class={props.class} onSubmit={submit} aria-labelledby="login-title">
      {props.before}
      <h1 id="login-title">{id.login.title}</h1>
      <p>{props.intro}</p>
      <label>
        {id.login.username}
        <input
          name="username"
          autocomplete="username"
          autocapitalize="none"
          required
          readOnly={props.username !== undefined}
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
}
