// The phone's side of the sync protocol (PROTOCOL.md), over the typed API and the IndexedDB
// store: push the outbox, then pull; the same steps as the Rust reference client
// (`sync_protocol::client`).

import type { PullResponse } from "../generated/protocol";
import { type Api, ApiError, NetworkError } from "../common/api";
import { UploadFailed } from "./photos";
import { type Boundaries, formKey, type Store } from "./store";

/** What the engine asks of the server: the API, or a recorded conversation in the tests. */
export type SyncApi = Pick<Api, "push" | "pull">;

/** Mutations sent per push. */
const BATCH = 100;

/** The server expects an earlier seq than the outbox holds, and the phone no longer keeps the
 * mutations in between: the server was restored from a backup older than the phone keeps what
 * it sent (`KEEP_SENT_MS`), or the phone's data was lost. Nothing can be sent until someone
 * looks (PROTOCOL.md §4). */
export class SequenceGap extends Error {
  constructor(
    readonly expected: number,
    readonly first: number,
  ) {
    super(`the server expects seq ${expected}, the outbox starts at ${first}`);
  }
}

/** What a push did. */
export interface Pushed {
  /** Mutations the server answered (applied, replayed or rejected). */
  answered: number;
  /** Of which rejected (kept to show the worker). */
  rejected: number;
}

/**
 * Sends the whole outbox, a batch at a time; each answer drops the mutations it acknowledges
 * and keeps the rejected ones to show, in one transaction. A request whose answer is lost is
 * simply sent again with the same seqs: the server answers the stored receipts and applies
 * nothing twice.
 */
export async function push(api: SyncApi, store: Store): Promise<Pushed> {
  const device = await store.deviceId();
  const result: Pushed = { answered: 0, rejected: 0 };
  for (;;) {
    const mutations = (await store.outbox()).slice(0, BATCH);
    const first = mutations[0]?.seq;
    if (first === undefined) return result;
    let response;
    try {
      response = await api.push({ device_id: device, sent_at: new Date().toISOString(), mutations });
    } catch (error) {
      if (error instanceof ApiError && error.body?.code === "sequence_gap") {
        // A server restored from a backup lost what it acknowledged since: send it again from
        // the kept copies, then the outbox after it.
        const expected = error.body.expected_seq ?? 0;
        if (expected < first && (await store.sendAgain(expected, first))) continue;
        throw new SequenceGap(expected, first);
      }
      throw error;
    }
    const acked = Math.max(0, ...response.receipts.map((r) => r.seq));
    if (acked < first) throw new Error("the server answered the push without receipts");
    await store.acknowledge(acked, response.receipts, response.server_hlc, response.server_time);
    result.answered += response.receipts.length;
    result.rejected += response.receipts.filter((r) => r.status === "rejected").length;
  }
}

/** After the server was restored from a backup: asks it which seq it expects (a push of no
 * mutations) and puts the kept copies of what it lost since back in the outbox. A phone with
 * nothing to send learns of the restore only this way. */
export async function queueLost(api: SyncApi, store: Store): Promise<void> {
  const device = await store.deviceId();
  const answer = await api.push({ device_id: device, sent_at: new Date().toISOString(), mutations: [] });
  const first = await store.firstUnsent();
  if (answer.next_seq < first && !(await store.sendAgain(answer.next_seq, first))) {
    throw new SequenceGap(answer.next_seq, first);
  }
}

/** What a pull brought. */
export interface Pulled {
  /** Changes applied (puts and removes). */
  changes: number;
  /** Households that left the user's areas (moved to a desa outside them), dropped from the
   * phone. */
  removed: number;
  /** Whether the server asked for a reset (the copy was dropped and pulled again). */
  reset: boolean;
  /** The photos the user's visits name that the server does not have yet. */
  missingPhotos: string[];
}

/**
 * Pulls every page after the stored cursor, each applied with its cursor in one transaction
 * (a crash between pages neither skips nor repeats a change). On a reset, `beforeReset` runs
 * first (the outbox is pushed before the copy is dropped, so a reset never loses unsent
 * work), after what a restored server lost is queued again; a second reset in the same pull
 * is an error, not a loop.
 */
export async function pull(
  api: SyncApi,
  store: Store,
  options: { limit?: number; beforeReset?: () => Promise<void> } = {},
): Promise<Pulled> {
  let cursor = await store.cursor();
  const result: Pulled = { changes: 0, removed: 0, reset: false, missingPhotos: [] };
  for (;;) {
    let page: PullResponse | undefined;
    try {
      page = await api.pull(cursor, options.limit);
    } catch (error) {
      // A cursor this server does not know (another server, or one put back from elsewhere):
      // start over from the beginning as after a reset (below), once.
      const unknown = error instanceof ApiError && error.body?.code === "invalid_cursor";
      if (!unknown || cursor === undefined || result.reset) throw error;
    }
    if (page === undefined || page.reset) {
      if (result.reset) throw new Error(`the server asked for a second reset (${page?.reset})`);
      if (page?.reset === "server_restored") await queueLost(api, store);
      await options.beforeReset?.();
      cursor = page?.cursor;
      await store.reset(cursor);
      result.reset = true;
      continue;
    }
    // The last page says which photos the server waits for (none named: it waits for none).
    const missing = page.has_more ? undefined : (page.missing_photos ?? []);
    await store.applyPage(page.changes, page.cursor, page.server_time, page.server_hlc, missing);
    if (missing) result.missingPhotos = missing;
    result.changes += page.changes.length;
    result.removed += page.changes.filter((c) => c.op === "remove").length;
    cursor = page.cursor;
    if (!page.has_more) return result;
  }
}

/** Keeps the newest version of the survey form, for new surveys, and every version that a
 * household or a draft on the phone was surveyed with. */
export async function refreshForm(api: Api, store: Store): Promise<void> {
  const listed = await api.forms();
  // One survey form per deployment (survei-rt); its newest version surveys new households.
  const newest = listed.forms[0];
  const kept = await store.form();
  if (newest && !(kept && kept.id === newest.id && kept.version === newest.version)) {
    await store.setForm(await api.form(newest.id, newest.version));
  }
  const forms = await store.forms();
  const used = [...(await store.households()), ...(await store.drafts())];
  for (const h of used) {
    if (forms[formKey(h.form_id, h.form_version)]) continue;
    const form = await api.form(h.form_id, h.form_version);
    forms[formKey(form.id, form.version)] = form;
    await store.addForm(form);
  }
}

/** Keeps the names of the desa in the user's areas (for the list's headings and the survey's
 * choice) and their boundaries (to warn about a GPS fix outside the desa with no signal). */
export async function refreshDesa(api: Api, store: Store, areas: string[]): Promise<void> {
  // Boundaries change rarely and weigh on a 2G link: fetched again once a day, or when the
  // user's areas changed.
  const key = [...areas].sort().join(",");
  const last = await store.desaFetched();
  if (last && last.areas === key && Date.now() - Date.parse(last.at) < DESA_EVERY_MS) return;
  const names = new Map<string, string>();
  const boundaries: Boundaries = {};
  for (const area of areas) {
    const listing = await api.areas(area, "desa");
    for (const desa of listing.areas) names.set(desa.code, desa.name);
    const map = await api.mapDesa(area);
    for (const desa of map.features) boundaries[desa.properties.code] = desa.geometry;
  }
  await store.setDesa([...names].map(([code, name]) => ({ code, name })));
  await store.setBoundaries(boundaries);
  await store.setDesaFetched({ areas: key, at: new Date().toISOString() });
}

const DESA_EVERY_MS = 24 * 60 * 60 * 1000;

/** The first wait after a failed sync; doubled per failure in a row. */
const FIRST_WAIT_MS = 5_000;
/** The longest wait between automatic tries. */
const LONGEST_WAIT_MS = 5 * 60_000;

/**
 * How long to wait before syncing again after `error`, the `attempt`-th failure in a row
 * (0 for the first); `null` when trying again by itself would not help (a refusal, an expired
 * session, a sequence gap). A wait the server named (`Retry-After`) is kept at least; otherwise
 * the wait doubles from 5 s up to 5 min. Either way a random part is added, so that the phones
 * of a kecamatan that lost the server together do not all come back in the same second.
 */
export function retryDelayMs(error: unknown, attempt: number, random: () => number = Math.random): number | null {
  let said: number | null;
  if (error instanceof NetworkError) {
    said = null;
  } else if (error instanceof UploadFailed) {
    if (error.status !== null && error.status < 500 && error.status !== 429) return null;
    said = error.retryAfterSeconds;
  } else if (error instanceof ApiError) {
    if (error.status < 500 && error.status !== 429) return null;
    said = error.retryAfterSeconds ?? error.body?.retry_after_seconds ?? null;
  } else {
    return null;
  }
  if (said !== null) {
    const wait = Math.min(said * 1000, LONGEST_WAIT_MS);
    return Math.round(wait + random() * Math.max(wait * 0.2, 1_000));
  }
  const ceiling = Math.min(FIRST_WAIT_MS * 2 ** Math.min(attempt, 20), LONGEST_WAIT_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
