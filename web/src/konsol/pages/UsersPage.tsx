import { useCallback, useEffect, useState } from "preact/hooks";

import type { UserView } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { errorText } from "../../common/errors";
import { AreaPicker } from "../components/AreaPicker";
import { Dialog } from "../../common/Dialog";
import { useSession } from "../context";

const ROLES = ["enumerator", "supervisor", "analyst", "admin"] as const;

/** Admins: the users of their areas, a new user, areas changed, sessions revoked. */
export function UsersPage() {
  const { api, me } = useSession();
  const [users, setUsers] = useState<UserView[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ user: UserView; areas: string[] } | null>(null);
  const [draft, setDraft] = useState({ username: "", display_name: "", role: "enumerator", password: "" });
  const [areas, setAreas] = useState<string[]>([]);
  const [revoking, setRevoking] = useState<UserView | null>(null);

  const load = useCallback(() => {
    api
      .users()
      .then(setUsers)
      .catch((error) => setProblem(errorText(error)));
  }, [api]);
  useEffect(load, [load]);

  if (me.role !== "admin") {
    return (
      <main id="isi">
        <p role="alert">{id.users.forbidden}</p>
      </main>
    );
  }

  async function create(event: Event) {
    event.preventDefault();
    setProblem(null);
    setNotice(null);
    try {
      const user = await api.createUser({ ...draft, areas });
      setNotice(id.users.created(user.username));
      setDraft({ username: "", display_name: "", role: "enumerator", password: "" });
      setAreas([]);
      load();
    } catch (error) {
      setProblem(errorText(error));
    }
  }

  async function saveAreas() {
    if (!editing) return;
    setProblem(null);
    try {
      await api.setAreas(editing.user.id, { areas: editing.areas });
      setNotice(id.users.areasSaved(editing.user.username));
      setEditing(null);
      load();
    } catch (error) {
      setProblem(errorText(error));
    }
  }

  async function revoke(user: UserView) {
    setRevoking(null);
    setProblem(null);
    try {
      await api.revokeSessions(user.id);
      setNotice(id.users.revoked(user.username));
    } catch (error) {
      setProblem(errorText(error));
    }
  }

  return (
    <main id="isi" class="users">
      <h1>{id.users.title}</h1>
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
      <section aria-labelledby="daftar-pengguna">
        <h2 id="daftar-pengguna">{id.users.list}</h2>
        <div class="scroll" tabIndex={0} role="region" aria-label={id.users.list}>
          <table>
            <thead>
              <tr>
                <th scope="col">{id.users.username}</th>
                <th scope="col">{id.users.name}</th>
                <th scope="col">{id.users.role}</th>
                <th scope="col">{id.users.areas}</th>
                <th scope="col">{id.users.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td class="mono">{u.username}</td>
                  <td>
                    {u.display_name}
                    {!u.active && <span class="sub">{id.users.inactive}</span>}
                  </td>
                  <td>{id.roles[u.role] ?? u.role}</td>
                  <td class="mono">{u.areas.join(", ")}</td>
                  <td>
                    <button type="button" onClick={() => setEditing({ user: u, areas: u.areas })}>
                      {id.users.editAreas}
                    </button>{" "}
                    <button type="button" onClick={() => setRevoking(u)}>
                      {id.users.revoke}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {revoking && (
        <Dialog labelledBy="confirm-revoke" onClose={() => setRevoking(null)}>
          <p id="confirm-revoke">{id.users.confirmRevoke(revoking.username)}</p>
          <button type="button" class="primary" onClick={() => void revoke(revoking)}>
            {id.users.revoke}
          </button>
          <button type="button" onClick={() => setRevoking(null)}>
            {id.app.cancel}
          </button>
        </Dialog>
      )}
      {editing && (
        <section aria-labelledby="ubah-wilayah">
          <h2 id="ubah-wilayah">
            {id.users.editAreas}: {editing.user.username}
          </h2>
          <AreaPicker
            legend={id.users.pickAreas}
            value={editing.areas}
            onChange={(codes) => setEditing({ ...editing, areas: codes })}
          />
          <button type="button" class="primary" onClick={() => void saveAreas()}>
            {id.users.saveAreas}
          </button>{" "}
          <button type="button" onClick={() => setEditing(null)}>
            {id.app.cancel}
          </button>
        </section>
      )}
      <section aria-labelledby="tambah-pengguna">
        <h2 id="tambah-pengguna">{id.users.create}</h2>
        <form class="stack" onSubmit={create}>
          <label>
            {id.users.username}
            <input
              required
              autocomplete="off"
              value={draft.username}
              onInput={(e) => setDraft({ ...draft, username: e.currentTarget.value })}
            />
          </label>
          <label>
            {id.users.displayName}
            <input
              required
              value={draft.display_name}
              onInput={(e) => setDraft({ ...draft, display_name: e.currentTarget.value })}
            />
          </label>
          <label>
            {id.users.role}
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {id.roles[r]}
                </option>
              ))}
            </select>
          </label>
          <AreaPicker legend={id.users.pickAreas} value={areas} onChange={setAreas} />
          <label>
            {id.users.password}
            <input
              type="password"
              required
              minLength={8}
              autocomplete="new-password"
              value={draft.password}
              onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
            />
          </label>
          <button type="submit" class="primary">
            {id.users.submit}
          </button>
        </form>
      </section>
    </main>
  );
}
