// What the phone keeps, in IndexedDB: it must survive days without signal, reloads and a
// closed app. One database per browser profile:
//
// - `meta`: small values by key — the installation's device id (made once, kept across
//   logins), the session (token and user), the pull cursor, the time of the last pull, the
//   names of the user's desa;
// - `households`: the server's copy of every household in the user's areas, by id, as the
//   last pull sent it.
//
// A pulled page and its cursor are written in one transaction (PROTOCOL.md §6): a crash
// between pages neither skips nor repeats a change.

import { type DBSchema, type IDBPDatabase, openDB } from "idb";

import type { AreaRef, Change, HouseholdSnapshot, LoginResponse, Me } from "../generated/protocol";

/** The signed-in user, as kept between app starts. */
export interface Session {
  token: string;
  expires_at: string;
  user: Me;
}

interface Meta {
  device_id: string;
  session: Session;
  cursor: string;
  pulled_at: string;
  desa: AreaRef[];
}

interface Schema extends DBSchema {
  meta: { key: keyof Meta; value: Meta[keyof Meta] };
  households: { key: string; value: HouseholdSnapshot; indexes: { area_code: string } };
}

const NAME = "ekemiskinan-lapangan";

export class Store {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = NAME): Promise<Store> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore("meta");
        const households = db.createObjectStore("households", { keyPath: "id" });
        households.createIndex("area_code", "area_code");
      },
    });
    return new Store(db);
  }

  private async get<K extends keyof Meta>(key: K): Promise<Meta[K] | undefined> {
    return (await this.db.get("meta", key)) as Meta[K] | undefined;
  }

  /** This installation's device id (client id of the sync protocol), made at first use. */
  async deviceId(): Promise<string> {
    const tx = this.db.transaction("meta", "readwrite");
    let id = (await tx.store.get("device_id")) as string | undefined;
    if (!id) {
      id = crypto.randomUUID();
      await tx.store.put(id, "device_id");
    }
    await tx.done;
    return id;
  }

  session(): Promise<Session | undefined> {
    return this.get("session");
  }

  /** Keeps the session of a login. A different user than before starts from an empty copy:
   * the households of one worker never show to another on a shared phone. */
  async signIn(answer: LoginResponse): Promise<void> {
    const tx = this.db.transaction(["meta", "households"], "readwrite");
    const meta = tx.objectStore("meta");
    const before = (await meta.get("session")) as Session | undefined;
    if (before && before.user.id !== answer.user.id) {
      await tx.objectStore("households").clear();
      await meta.delete("cursor");
      await meta.delete("pulled_at");
      await meta.delete("desa");
    }
    const session: Session = { token: answer.token, expires_at: answer.expires_at, user: answer.user };
    await meta.put(session, "session");
    await tx.done;
  }

  /** Forgets the token (the copy of the households stays for the same user's next login). */
  async signOut(): Promise<void> {
    await this.db.delete("meta", "session");
  }

  cursor(): Promise<string | undefined> {
    return this.get("cursor");
  }

  pulledAt(): Promise<string | undefined> {
    return this.get("pulled_at");
  }

  async desa(): Promise<AreaRef[]> {
    return (await this.get("desa")) ?? [];
  }

  async setDesa(desa: AreaRef[]): Promise<void> {
    await this.db.put("meta", desa, "desa");
  }

  /** Applies one pulled page and stores its cursor, in one transaction. */
  async applyPage(changes: Change[], cursor: string, at: string): Promise<void> {
    const tx = this.db.transaction(["meta", "households"], "readwrite");
    const households = tx.objectStore("households");
    for (const change of changes) {
      if (change.op === "put") await households.put(change.household);
      else await households.delete(change.household_id);
    }
    const meta = tx.objectStore("meta");
    await meta.put(cursor, "cursor");
    await meta.put(at, "pulled_at");
    await tx.done;
  }

  /** A reset (PROTOCOL.md §6): drops the copy and keeps the fresh cursor, in one transaction. */
  async reset(cursor: string): Promise<void> {
    const tx = this.db.transaction(["meta", "households"], "readwrite");
    await tx.objectStore("households").clear();
    await tx.objectStore("meta").put(cursor, "cursor");
    await tx.done;
  }

  households(): Promise<HouseholdSnapshot[]> {
    return this.db.getAll("households");
  }

  household(id: string): Promise<HouseholdSnapshot | undefined> {
    return this.db.get("households", id);
  }
}
