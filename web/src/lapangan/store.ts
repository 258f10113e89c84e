// What the phone keeps, in IndexedDB: it must survive days without signal, reloads and a
// closed app. One database per browser profile:
//
// - `meta`: small values by key — the installation's device id (made once, kept across
//   logins), the session (token and user), the pull cursor, the time of the last pull, the
//   names of the user's desa;
// - `households`: the server's copy of every household in the user's areas, by id, as the
//   last pull sent it;
// - `outbox`: the mutations not yet acknowledged by the server, by seq (1, 2, 3… for this
//   device, no gaps); each written with the next seq and the clock in one transaction, before
//   anything is sent;
// - `drafts`: surveys being filled in, by household id, kept at every change;
// - `rejections`: mutations the server refused, with its reasons, until the worker has seen
//   them;
// - `conflicts`: the notes of the server's receipts where someone else had changed the same
//   answer (both values are kept for a supervisor), until the worker has seen them;
// - `photos`: the photo files as the camera made them (their EXIF matters to the checks), by
//   SHA-256, until the server has them.
//
// A pulled page and its cursor are written in one transaction (PROTOCOL.md §6): a crash
// between pages neither skips nor repeats a change.

import { type DBSchema, type IDBPDatabase, openDB } from "idb";

import type {
  AreaRef,
  Change,
  ConflictNote,
  FormDefinition,
  Geometry,
  Hlc,
  HouseholdSnapshot,
  LoginResponse,
  Me,
  Mutation,
  Op,
  Receipt,
} from "../generated/protocol";
import { observe, tick } from "./engine/hlc";
import type { Draft } from "./survey/draft";

/** The signed-in user, as kept between app starts. */
export interface Session {
  token: string;
  expires_at: string;
  user: Me;
}

/** Form definitions by `id@version`. */
export type Forms = Record<string, FormDefinition>;

export function formKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** The boundaries of the desa in the user's areas that the server has, by code. */
export type Boundaries = Record<string, Geometry>;

/** A photo file kept on the phone until the server has it. */
export interface PhotoFile {
  sha256: string;
  /** The file as taken; dropped once uploaded, to spare the phone's storage. */
  blob: Blob | null;
  household_id: string;
  kind: string;
  /** `draft`: named by a draft only; `queued`: named by a finished visit, to upload;
   * `uploaded`: the server has it; `refused`: the server will not take the file (`error` says
   * why), the worker is told; `dismissed`: a refused file the worker has read about, dropped
   * (the record stays, to name its household when the server asks for the photo again). */
  state: "draft" | "queued" | "uploaded" | "refused" | "dismissed";
  added_at: string;
  error?: string;
}

/** An answer someone else had changed too, as the server's receipt said. */
export interface ConflictSeen {
  conflict_id: string;
  household_id: string;
  note: ConflictNote;
  at: string;
}

/** A mutation the server acknowledged, kept for `KEEP_SENT_MS`: a server restored from a
 * backup asks for it again (PROTOCOL.md §4, "After a restore"). */
export interface Sent {
  seq: number;
  /** When the server acknowledged it (ms since the epoch). */
  at: number;
  mutation: Mutation;
  /** The server refused it (the worker was shown why). */
  rejected?: boolean;
}

/** How long acknowledged mutations are kept: a restore from a backup up to this old loses
 * nothing that this phone sent. */
export const KEEP_SENT_MS = 14 * 24 * 60 * 60 * 1000;

/** A mutation the server refused, with what was sent. */
export interface Rejected {
  seq: number;
  receipt: Receipt;
  mutation: Mutation;
}

interface Meta {
  device_id: string;
  session: Session;
  owner: Me;
  cursor: string;
  pulled_at: string;
  pushed_at: string;
  desa: AreaRef[];
  boundaries: Boundaries;
  desa_fetched: { areas: string; at: string };
  next_seq: number;
  hlc: Hlc;
  form: FormDefinition;
  forms: Forms;
  /** The photos the user's visits name that the server does not have, as of the last pull. */
  missing_photos: string[];
}

/** A photo the server waits for that this phone cannot send: its file is not here (taken on
 * another phone, or the app's data was cleared), or was dropped after the server had it and
 * the server lost it since (restored from a backup). */
export interface LostPhoto {
  sha256: string;
  /** The household, when the phone knows which one the photo was for. */
  household_id: string | null;
}

interface Schema extends DBSchema {
  meta: { key: keyof Meta; value: Meta[keyof Meta] };
  households: { key: string; value: HouseholdSnapshot; indexes: { area_code: string } };
  outbox: { key: number; value: Mutation };
  drafts: { key: string; value: Draft };
  rejections: { key: number; value: Rejected };
  photos: { key: string; value: PhotoFile };
  conflicts: { key: string; value: ConflictSeen };
  sent: { key: number; value: Sent };
}

const NAME = "ekemiskinan-lapangan";

export class Store {
  private constructor(
    private readonly db: IDBPDatabase<Schema>,
    /** How long acknowledged mutations are kept; 0 keeps none. */
    private readonly keepSentMs: number,
  ) {}

  static async open(name = NAME, keepSentMs = KEEP_SENT_MS): Promise<Store> {
    let opened: IDBPDatabase<Schema> | null = null;
    const db = await openDB<Schema>(name, 5, {
      // A newer app (another tab, after an update) needs a newer database: this tab closes its
      // own and starts again as the newer app.
      blocking() {
        opened?.close();
        if (typeof location !== "undefined") location.reload();
      },
      upgrade(db, from) {
        if (from < 1) {
          db.createObjectStore("meta");
          const households = db.createObjectStore("households", { keyPath: "id" });
          households.createIndex("area_code", "area_code");
        }
        if (from < 2) {
          db.createObjectStore("outbox", { keyPath: "seq" });
          db.createObjectStore("drafts", { keyPath: "household_id" });
          db.createObjectStore("rejections", { keyPath: "seq" });
        }
        if (from < 3) db.createObjectStore("photos", { keyPath: "sha256" });
        if (from < 4) db.createObjectStore("conflicts", { keyPath: "conflict_id" });
        if (from < 5) db.createObjectStore("sent", { keyPath: "seq" });
      },
    });
    opened = db;
    return new Store(db, keepSentMs);
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

  /** Takes `id` as this installation's device id (a phone restored with its id; the tests'
   * recorded conversations). Only before anything was written with another. */
  async useDeviceId(id: string): Promise<void> {
    if ((await this.outbox()).length > 0) throw new Error("the outbox holds mutations of another device id");
    await this.db.put("meta", id, "device_id");
  }

  session(): Promise<Session | undefined> {
    return this.get("session");
  }

  /** The signed-in user as the server describes them now (name, areas). */
  async updateUser(user: Me): Promise<void> {
    const tx = this.db.transaction("meta", "readwrite");
    const session = (await tx.store.get("session")) as Session | undefined;
    if (session && session.user.id === user.id) {
      await tx.store.put({ ...session, user }, "session");
      await tx.store.put(user, "owner");
    }
    await tx.done;
  }

  /** The user whose copy, drafts and outbox the phone holds (kept after a logout). */
  owner(): Promise<Me | undefined> {
    return this.get("owner");
  }

  /** Keeps the session of a login. A different user than before starts from an empty copy:
   * the households of one worker never show to another on a shared phone. Refused while the
   * previous user's outbox or drafts hold work: it would be sent under the wrong name or lost.
   * The same username with a new id is the same worker, created again by an admin after the
   * server was restored from a backup older than their account: the phone keeps their work
   * (to send again what the restore lost) but pulls its copy afresh, so that it shows only
   * what the new account may see. */
  async signIn(answer: LoginResponse): Promise<"ok" | "other_user_has_work"> {
    const tx = this.db.transaction(
      ["meta", "households", "outbox", "drafts", "rejections", "conflicts", "photos", "sent"],
      "readwrite",
    );
    const meta = tx.objectStore("meta");
    // The user whose copy this is stays known after a logout.
    const owner = (await meta.get("owner")) as Me | undefined;
    const newAccount = owner !== undefined && owner.id !== answer.user.id;
    // A new account under the username the phone knows is the same worker.
    const otherUser = newAccount && owner.username !== answer.user.username;
    if (otherUser) {
      // Photos not yet sent and refusals not yet read are the last user's work too.
      const photos = (await tx.objectStore("photos").getAll()).filter((f) => f.state !== "uploaded" && f.state !== "dismissed").length;
      const waiting =
        (await tx.objectStore("outbox").count()) +
        (await tx.objectStore("drafts").count()) +
        (await tx.objectStore("rejections").count()) +
        photos;
      if (waiting > 0) {
        tx.done.catch(() => undefined);
        tx.abort();
        return "other_user_has_work";
      }
    }
    if (newAccount) {
      // The copy is of the last account's areas: pulled again from the start.
      await tx.objectStore("households").clear();
      await meta.delete("cursor");
      await meta.delete("pulled_at");
      await meta.delete("desa");
      await meta.delete("boundaries");
      await meta.delete("desa_fetched");
    }
    if (otherUser) {
      await tx.objectStore("rejections").clear();
      await tx.objectStore("conflicts").clear();
      await tx.objectStore("photos").clear();
      await tx.objectStore("sent").clear();
      await meta.delete("pushed_at");
      // The server binds a device id to its first user: another user is another device.
      await meta.put(crypto.randomUUID(), "device_id");
      await meta.delete("next_seq");
      await meta.delete("hlc");
    }
    const session: Session = { token: answer.token, expires_at: answer.expires_at, user: answer.user };
    await meta.put(session, "session");
    await meta.put(answer.user, "owner");
    await tx.done;
    return "ok";
  }

  /** Forgets the token. The copy of the households, the drafts and the outbox stay for the same
   * user's next login (nothing unsent is ever dropped by logging out). */
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

  async boundaries(): Promise<Boundaries> {
    return (await this.get("boundaries")) ?? {};
  }

  async setBoundaries(boundaries: Boundaries): Promise<void> {
    await this.db.put("meta", boundaries, "boundaries");
  }

  desaFetched(): Promise<{ areas: string; at: string } | undefined> {
    return this.get("desa_fetched");
  }

  async setDesaFetched(fetched: { areas: string; at: string }): Promise<void> {
    await this.db.put("meta", fetched, "desa_fetched");
  }

  /** Applies one pulled page and stores its cursor, in one transaction. */
  /** Applies one pull page with its cursor in one transaction; the last page also says which
   * photos the server still waits for (`missing`). */
  async applyPage(changes: Change[], cursor: string, at: string, server?: Hlc, missing?: string[]): Promise<void> {
    const tx = this.db.transaction(["meta", "households"], "readwrite");
    const households = tx.objectStore("households");
    for (const change of changes) {
      if (change.op === "put") await households.put(change.household);
      else await households.delete(change.household_id);
    }
    const meta = tx.objectStore("meta");
    await meta.put(cursor, "cursor");
    await meta.put(at, "pulled_at");
    if (missing) await meta.put(missing, "missing_photos");
    const clock = (await meta.get("hlc")) as Hlc | undefined;
    if (clock && server) await meta.put(observe(clock, server, Date.now()), "hlc");
    await tx.done;
  }

  /** A reset (PROTOCOL.md §6): drops the copy and keeps the fresh cursor (none: pull from
   * the start), in one transaction. */
  async reset(cursor: string | undefined): Promise<void> {
    const tx = this.db.transaction(["meta", "households"], "readwrite");
    await tx.objectStore("households").clear();
    if (cursor === undefined) await tx.objectStore("meta").delete("cursor");
    else await tx.objectStore("meta").put(cursor, "cursor");
    await tx.done;
  }

  /** The newest form, for new surveys. */
  form(): Promise<FormDefinition | undefined> {
    return this.get("form");
  }

  async setForm(form: FormDefinition): Promise<void> {
    const tx = this.db.transaction("meta", "readwrite");
    await tx.store.put(form, "form");
    const forms = ((await tx.store.get("forms")) as Forms | undefined) ?? {};
    await tx.store.put({ ...forms, [formKey(form.id, form.version)]: form }, "forms");
    await tx.done;
  }

  /** Every form version the phone keeps: a household or a draft is drawn and checked with
   * the version it was surveyed with, not the newest. */
  async forms(): Promise<Forms> {
    return (await this.get("forms")) ?? {};
  }

  async addForm(form: FormDefinition): Promise<void> {
    const tx = this.db.transaction("meta", "readwrite");
    const forms = ((await tx.store.get("forms")) as Forms | undefined) ?? {};
    await tx.store.put({ ...forms, [formKey(form.id, form.version)]: form }, "forms");
    await tx.done;
  }

  pushedAt(): Promise<string | undefined> {
    return this.get("pushed_at");
  }

  /**
   * Writes `ops` to the outbox as the next mutations of this device, each with its seq and a
   * clock stamp, and removes the draft `draftId` when given — all in one transaction, so a
   * survey is either a draft or waiting to be sent, never both or neither.
   */
  async enqueue(ops: Op[], draftId?: string): Promise<Mutation[]> {
    const tx = this.db.transaction(["meta", "outbox", "drafts", "photos"], "readwrite");
    const meta = tx.objectStore("meta");
    let device = (await meta.get("device_id")) as string | undefined;
    if (!device) {
      // A phone that never synced yet: its id is made with its first change.
      device = crypto.randomUUID();
      await meta.put(device, "device_id");
    }
    let seq = ((await meta.get("next_seq")) as number | undefined) ?? 1;
    let clock = ((await meta.get("hlc")) as Hlc | undefined) ?? { wall_ms: 0, counter: 0, node: device };
    const written: Mutation[] = [];
    const deviceTime = new Date().toISOString();
    for (const op of ops) {
      clock = tick(clock, Date.now());
      const mutation = { seq, hlc: clock, device_time: deviceTime, ...op } as Mutation;
      await tx.objectStore("outbox").add(mutation);
      written.push(mutation);
      seq += 1;
    }
    await meta.put(seq, "next_seq");
    await meta.put(clock, "hlc");
    if (draftId) await tx.objectStore("drafts").delete(draftId);
    // The photos a finished visit names are to be sent.
    const photos = tx.objectStore("photos");
    for (const op of ops) {
      if (op.op !== "record_visit") continue;
      for (const ref of op.photos) {
        const file = await photos.get(ref.sha256);
        if (file && file.state === "draft") await photos.put({ ...file, state: "queued" });
      }
    }
    await tx.done;
    return written;
  }

  /** The outbox in seq order. */
  outbox(): Promise<Mutation[]> {
    return this.db.getAll("outbox");
  }

  /** The seq of the first mutation not yet acknowledged (the next one when none waits), read
   * in one transaction with the outbox so that a change saved meanwhile cannot fall between. */
  async firstUnsent(): Promise<number> {
    const tx = this.db.transaction(["outbox", "meta"]);
    const first = (await tx.objectStore("outbox").openCursor())?.value.seq;
    const next = (await tx.objectStore("meta").get("next_seq")) as number | undefined;
    await tx.done;
    return first ?? next ?? 1;
  }

  /** Puts the kept copies of the mutations `expected` … `first - 1` back in the outbox, in
   * front of what waits there, in one transaction; false (and nothing moved) unless every one
   * of them is kept. The copies stay kept (marked if refused, so that a refusal the server
   * gives again is not shown twice). */
  async sendAgain(expected: number, first: number): Promise<boolean> {
    const tx = this.db.transaction(["sent", "outbox"], "readwrite");
    const kept = await tx.objectStore("sent").getAll(IDBKeyRange.bound(expected, first - 1));
    if (kept.length !== first - expected) {
      await tx.done;
      return false;
    }
    for (const { mutation } of kept) await tx.objectStore("outbox").put(mutation);
    await tx.done;
    return true;
  }

  /** After a push: moves every mutation up to `acked` from the outbox to the kept copies
   * (dropping copies older than the store keeps them), keeps the refused ones to show, moves the
   * clock past the server's — in one transaction. */
  async acknowledge(acked: number, receipts: Receipt[], server: Hlc, at: string): Promise<void> {
    const tx = this.db.transaction(["meta", "outbox", "rejections", "conflicts", "sent"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const sent = tx.objectStore("sent");
    const now = Date.now();
    // Kept copies are in seq order, so in the order they were acknowledged.
    for (let old = await sent.openCursor(); old && old.value.at < now - this.keepSentMs; old = await old.continue()) {
      await old.delete();
    }
    for (const receipt of receipts) {
      for (const note of receipt.conflicts ?? []) {
        const household_id = receipt.household_id ?? "";
        await tx.objectStore("conflicts").put({ conflict_id: note.conflict_id, household_id, note, at });
      }
      if (receipt.status !== "rejected") continue;
      const mutation = await outbox.get(receipt.seq);
      // Sent again after a restore of the server and refused again: shown once already.
      const shown = (await sent.get(receipt.seq))?.rejected === true;
      if (mutation && !shown) await tx.objectStore("rejections").put({ seq: receipt.seq, receipt, mutation });
    }
    if (this.keepSentMs > 0) {
      const refused = new Set(receipts.filter((r) => r.status === "rejected").map((r) => r.seq));
      for (const mutation of await outbox.getAll(IDBKeyRange.upperBound(acked))) {
        await sent.put({ seq: mutation.seq, at: now, mutation, rejected: refused.has(mutation.seq) });
      }
    }
    await outbox.delete(IDBKeyRange.upperBound(acked));
    const meta = tx.objectStore("meta");
    const clock = (await meta.get("hlc")) as Hlc | undefined;
    if (clock) await meta.put(observe(clock, server, Date.now()), "hlc");
    await meta.put(at, "pushed_at");
    await tx.done;
  }

  conflicts(): Promise<ConflictSeen[]> {
    return this.db.getAll("conflicts");
  }

  async dismissConflict(id: string): Promise<void> {
    await this.db.delete("conflicts", id);
  }

  rejections(): Promise<Rejected[]> {
    return this.db.getAll("rejections");
  }

  async dismissRejection(seq: number): Promise<void> {
    await this.db.delete("rejections", seq);
  }

  /** A refused new survey back as a draft: the draft written and its refusals (the `seqs`)
   * removed in one transaction; its photos are the draft's again. */
  async reopen(draft: Draft, seqs: number[]): Promise<void> {
    const tx = this.db.transaction(["drafts", "rejections", "photos"], "readwrite");
    await tx.objectStore("drafts").put(draft);
    for (const seq of seqs) await tx.objectStore("rejections").delete(seq);
    for (const ref of draft.photos) {
      const file = await tx.objectStore("photos").get(ref.sha256);
      if (file?.blob) await tx.objectStore("photos").put({ ...file, state: "draft" });
    }
    await tx.done;
  }

  drafts(): Promise<Draft[]> {
    return this.db.getAll("drafts");
  }

  draft(id: string): Promise<Draft | undefined> {
    return this.db.get("drafts", id);
  }

  async saveDraft(draft: Draft): Promise<void> {
    await this.db.put("drafts", draft);
  }

  /** Drops a draft and the photos only it named. */
  async dropDraft(id: string): Promise<void> {
    const tx = this.db.transaction(["drafts", "photos"], "readwrite");
    await tx.objectStore("drafts").delete(id);
    for (const file of await tx.objectStore("photos").getAll()) {
      if (file.household_id === id && file.state === "draft") await tx.objectStore("photos").delete(file.sha256);
    }
    await tx.done;
  }

  /** Keeps a photo file taken for a draft (the same file twice is kept once). */
  async addPhoto(file: PhotoFile): Promise<void> {
    const tx = this.db.transaction("photos", "readwrite");
    const known = await tx.store.get(file.sha256);
    if (!known) await tx.store.put(file);
    await tx.done;
  }

  photo(sha256: string): Promise<PhotoFile | undefined> {
    return this.db.get("photos", sha256);
  }

  /** Drops a draft's photo the worker replaced or removed. */
  async dropDraftPhoto(sha256: string): Promise<void> {
    const tx = this.db.transaction("photos", "readwrite");
    const file = await tx.store.get(sha256);
    if (file?.state === "draft") await tx.store.delete(sha256);
    await tx.done;
  }

  /** Photos to send, oldest first. */
  async photosToSend(): Promise<PhotoFile[]> {
    const all = await this.db.getAll("photos");
    return all.filter((f) => f.state === "queued").sort((a, b) => a.added_at.localeCompare(b.added_at));
  }

  /** The photos the server waits for, as of the last pull. */
  async missingPhotos(): Promise<string[]> {
    return (await this.get("missing_photos")) ?? [];
  }

  /** The photos the server waits for that this phone has no file of (see `LostPhoto`). Those
   * still queued or refused are not lost: they are sent, or shown with their refusal. */
  async lostPhotos(): Promise<LostPhoto[]> {
    const lost: LostPhoto[] = [];
    for (const sha256 of await this.missingPhotos()) {
      const file = await this.db.get("photos", sha256);
      if (file?.blob && file.state !== "uploaded") continue;
      lost.push({ sha256, household_id: file?.household_id ?? null });
    }
    return lost;
  }

  /** The server refused the file for good (not a photo, too large): kept, and shown. */
  async photoRefused(sha256: string, error: string): Promise<void> {
    const tx = this.db.transaction("photos", "readwrite");
    const file = await tx.store.get(sha256);
    if (file) await tx.store.put({ ...file, state: "refused", error });
    await tx.done;
  }

  async refusedPhotos(): Promise<PhotoFile[]> {
    return (await this.db.getAll("photos")).filter((f) => f.state === "refused");
  }

  /** The worker has read why a photo was refused: its file goes. */
  async dismissPhoto(sha256: string): Promise<void> {
    const tx = this.db.transaction("photos", "readwrite");
    const file = await tx.store.get(sha256);
    if (file) await tx.store.put({ ...file, blob: null, state: "dismissed" });
    await tx.done;
  }

  /** The server has the photo: its file is no longer needed on the phone. */
  async photoUploaded(sha256: string): Promise<void> {
    const tx = this.db.transaction("photos", "readwrite");
    const file = await tx.store.get(sha256);
    if (file) await tx.store.put({ ...file, blob: null, state: "uploaded" });
    await tx.done;
  }


  households(): Promise<HouseholdSnapshot[]> {
    return this.db.getAll("households");
  }

  household(id: string): Promise<HouseholdSnapshot | undefined> {
    return this.db.get("households", id);
  }
}
