import type { LoginResponse } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { Api } from "../../common/api";
import { LoginForm } from "../../common/LoginForm";
import { Dialog } from "../../common/Dialog";

/** The login form: full page when nobody is signed in, a dialog over the page when the
 * session expired (the page underneath keeps what was typed). */
export function Login(props: {
  api: Api;
  expired?: boolean;
  onLogin: (answer: LoginResponse) => void;
}) {
  const form = (
    <LoginForm
      api={props.api}
      class="login"
      intro={props.expired ? id.login.expired : id.login.intro}
      offline={id.login.offline}
      onLogin={props.onLogin}
    />
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
