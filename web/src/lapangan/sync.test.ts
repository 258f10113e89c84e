import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import type {
  FormDefinition,
  FormList,
  HouseholdSnapshot,
  LoginResponse,
  Op,
  PushRequest,
  PushResponse,
  Receipt,
} from "../generated/protocol";
import { type Api, ApiError, NetworkError } from "../common/api";
import { UploadFailed } from "./photos";
import { formKey, Store } from "./store";
import { push, refreshForm, retryDelayMs, SequenceGap, type SyncApi } from "./sync";

function form(version: number): FormDefinition {
  return { id: "survei-rt", version, title: `Survei v${version}`, household_fields: [], member_fields: [], photos: [] };
}

/** The server's forms: version 2 is the newest, version 1 still published. */
const server = {
  asked: [] as string[],
  forms(): Promise<FormList> {
    return Promise.resolve({ forms: [{ id: "survei-rt", version: 2, title: "Survei v2", published_at: "2026-12-07T00:00:00Z" }] });
  },
  form(id: string, version: number): Promise<FormDefinition> {
    server.asked.push(formKey(id, version));
    return Promise.resolve(form(version));
  },
};

describe("the forms a phone keeps", () => {
  it("are the newest for new surveys and every version its households were surveyed with", async () => {
    const store = await Store.open(`forms-${crypto.randomUUID()}`);
    const old: HouseholdSnapshot = {
      id: "h",
      area_code: "73.22.01.2001",
      form_id: "survei-rt",
      form_version: 1,
      version: 3,
      deleted: false,
      review_status: "returned",
      fields: {},
      families: [],
      members: [],
      updated_at: "2026-12-01T00:00:00Z",
    };
    await store.applyPage([{ op: "put", household: old }], "c1", "2026-12-07T00:00:00Z");
    await refreshForm(server as unknown as Api, store);
    expect((await store.form())?.version).toBe(2);
    expect(Object.keys(await store.forms()).sort()).toEqual(["survei-rt@1", "survei-rt@2"]);
    // Asked again: nothing fetched twice.
    await refreshForm(server as unknown as Api, store);
    expect(server.asked).toEqual(["survei-rt@2", "survei-rt@1"]);
  });
});

describe("the wait before an automatic sync", () => {
  const low = () => 0;
  const high = () => 0.999;

  it("doubles with each failure in a row up to five minutes, with a random part", () => {
    const lost = new NetworkError("gone");
    expect([0, 1, 2].map((n) => retryDelayMs(lost, n, low))).toEqual([2_500, 5_000, 10_000]);
    expect(retryDelayMs(lost, 0, high)).toBeGreaterThan(4_990);
    expect(retryDelayMs(lost, 30, high)).toBeLessThanOrEqual(300_000);
    expect(retryDelayMs(lost, 30, low)).toBe(150_000);
  });

  it("is at least what the server's Retry-After header says", () => {
    const busy = new ApiError(503, { code: "service_unavailable", message: "sibuk" }, 7);
    expect(retryDelayMs(busy, 0, low)).toBe(7_000);
    expect(retryDelayMs(busy, 5, high)).toBeLessThanOrEqual(8_400);
    const throttled = new ApiError(429, { code: "login_throttled", message: "tunggu", retry_after_seconds: 40 });
    expect(retryDelayMs(throttled, 0, low)).toBe(40_000);
    const upload = new UploadFailed("sibuk", 503, 3);
    expect(retryDelayMs(upload, 0, low)).toBe(3_000);
  });

  it("is not there for what trying again cannot fix", () => {
    expect(retryDelayMs(new ApiError(401, null), 0)).toBeNull();
    expect(retryDelayMs(new ApiError(422, null), 0)).toBeNull();
    expect(retryDelayMs(new UploadFailed("bukan foto", 422), 0)).toBeNull();
    expect(retryDelayMs(new SequenceGap(3, 5), 0)).toBeNull();
  });
});

describe("the photos the server waits for", () => {
  it("that the phone cannot send are the ones it has no file of", async () => {
    const store = await Store.open(`lost-${crypto.randomUUID()}`);
    const photo = (sha256: string, state: "queued" | "uploaded" | "refused") =>
      store.addPhoto({
        sha256,
        blob: state === "uploaded" ? null : new Blob(["x"]),
        household_id: `rumah-${sha256}`,
        kind: "tampak_depan",
        state,
        added_at: "2026-12-07T00:00:00Z",
      });
    await photo("a", "queued");
    await photo("b", "uploaded");
    await photo("c", "refused");
    await photo("e", "refused");
    await store.dismissPhoto("e");
    await store.applyPage([], "c1", "2026-12-07T00:00:00Z", undefined, ["a", "b", "c", "d", "e"]);
    expect(await store.lostPhotos()).toEqual([
      { sha256: "b", household_id: "rumah-b" },
      { sha256: "d", household_id: null },
      { sha256: "e", household_id: "rumah-e" },
    ]);
    // A page that is not the last says nothing of them; the last one that names none clears them.
    await store.applyPage([], "c2", "2026-12-07T00:00:00Z");
    expect(await store.missingPhotos()).toEqual(["a", "b", "c", "d", "e"]);
    await store.applyPage([], "c3", "2026-12-07T00:00:00Z", undefined, []);
    expect(await store.lostPhotos()).toEqual([]);
  });
});

describe("a push to a server restored from a backup", () => {
  it("sends the kept mutations again and shows a refusal the worker dismissed only once", async () => {
    const store = await Store.open(`restored-${crypto.randomUUID()}`);
    const device = await store.deviceId();
    const household = "0b3c2b7e-5d3a-4f0e-8a51-2f7d9e1c4a60";
    const hlc = { wall_ms: 1, counter: 0, node: "server" };
    const answer = (next: number, receipts: Receipt[]): PushResponse => ({
      server_time: "2026-12-07T00:00:00Z",
      server_hlc: hlc,
      next_seq: next,
      receipts,
    });
    const refused: Receipt = {
      seq: 1,
      status: "rejected",
      household_id: household,
      rejection: { code: "unknown_area", message: "wilayah tidak dikenal", fields: [] },
    };
    const sent: number[][] = [];
    let restored = false;
    const api: SyncApi = {
      push(request: PushRequest) {
        const seqs = request.mutations.map((m) => m.seq);
        sent.push(seqs);
        if (!restored) return Promise.resolve(answer(2, [refused]));
        // The restored server lost seq 1: it expects it first.
        if (seqs[0] !== 1) {
          return Promise.reject(new ApiError(409, { code: "sequence_gap", message: "celah", expected_seq: 1 }));
        }
        const applied: Receipt = { seq: 2, status: "applied", household_id: household, household_version: 1 };
        return Promise.resolve(answer(3, [refused, applied]));
      },
      pull: () => Promise.reject(new Error("not pulled")),
    };
    const op = (area: string): Op => ({
      op: "create_household",
      household_id: household,
      area_code: area,
      form_id: "survei-rt",
      form_version: 1,
      fields: {},
    });
    await store.enqueue([op("99.99.99.9999")]);
    await push(api, store);
    expect((await store.rejections()).map((r) => r.seq)).toEqual([1]);
    await store.dismissRejection(1);

    restored = true;
    await store.enqueue([op("73.22.01.2001")]);
    const pushed = await push(api, store);
    expect(sent).toEqual([[1], [2], [1, 2]]);
    expect(pushed.answered).toBe(2);
    expect(await store.outbox()).toEqual([]);
    expect(await store.rejections()).toEqual([]);
    expect(device).toBe(await store.deviceId());
  });
});

describe("signing in on a phone that holds a worker's work", () => {
  const login = (id: string, username: string): LoginResponse => ({
    token: `token-${id}`,
    expires_at: "2026-12-31T00:00:00Z",
    user: { id, username, display_name: username, role: "enumerator", areas: ["73.22.01.2001"] },
  });
  const survey: Op = {
    op: "create_household",
    household_id: crypto.randomUUID(),
    area_code: "73.22.01.2001",
    form_id: "survei-rt",
    form_version: 1,
    fields: {},
  };

  const snapshot: HouseholdSnapshot = {
    id: crypto.randomUUID(),
    area_code: "73.22.01.2001",
    form_id: "survei-rt",
    form_version: 1,
    version: 1,
    deleted: false,
    review_status: "pending",
    fields: {},
    families: [],
    members: [],
    updated_at: "2026-12-01T00:00:00Z",
  };

  it("keeps it for the same username created again with a new id, and refuses another user", async () => {
    const store = await Store.open(`owner-${crypto.randomUUID()}`);
    expect(await store.signIn(login("id-lama", "budi"))).toBe("ok");
    await store.applyPage([{ op: "put", household: snapshot }], "c1", "2026-12-07T00:00:00Z");
    await store.enqueue([survey]);
    const device = await store.deviceId();

    // A restore lost budi's account; the admin created budi again, who got a new id.
    expect(await store.signIn(login("id-baru", "budi"))).toBe("ok");
    expect((await store.outbox()).map((m) => m.seq)).toEqual([1]);
    expect(await store.deviceId()).toBe(device);
    expect((await store.owner())?.id).toBe("id-baru");
    // The copy is pulled again under the new account.
    expect(await store.households()).toEqual([]);
    expect(await store.cursor()).toBeUndefined();

    // Someone else on the same phone is still refused while budi's work waits.
    expect(await store.signIn(login("id-lain", "siti"))).toBe("other_user_has_work");
    expect((await store.session())?.user.username).toBe("budi");
  });
});
