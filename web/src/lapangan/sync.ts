// The phone's side of the sync protocol (PROTOCOL.md), over the typed API and the IndexedDB
// store. This version pulls; the outbox and push come with the survey form.

import type { Api } from "../shared/api";
import type { Store } from "./store";

/** What a pull brought. */
export interface Pulled {
  /** Changes applied (puts and removes). */
  changes: number;
  /** Whether the server asked for a reset (the copy was dropped and pulled again). */
  reset: boolean;
}

/**
 * Pulls every page after the stored cursor, each applied with its cursor in one transaction
 * (a crash between pages neither skips nor repeats a change). On a reset, `beforeReset` runs
 * first (the outbox is pushed before the copy is dropped, so a reset never loses unsent
 * work); a second reset in the same pull is an error, not a loop.
 */
export async function pull(
  api: Api,
  store: Store,
  options: { limit?: number; beforeReset?: () => Promise<void> } = {},
): Promise<Pulled> {
  let cursor = await store.cursor();
  const result: Pulled = { changes: 0, reset: false };
  for (;;) {
    const page = await api.pull(cursor, options.limit);
    if (page.reset) {
      if (result.reset) throw new Error(`the server asked for a second reset (${page.reset})`);
      await options.beforeReset?.();
      await store.reset(page.cursor);
      result.reset = true;
      cursor = page.cursor;
      continue;
    }
    await store.applyPage(page.changes, page.cursor, page.server_time);
    result.changes += page.changes.length;
    cursor = page.cursor;
    if (!page.has_more) return result;
  }
}

/** Keeps the names of the desa in the user's areas, for the list's headings. */
export async function refreshDesa(api: Api, store: Store, areas: string[]): Promise<void> {
  const names = new Map<string, string>();
  for (const area of areas) {
    const listing = await api.areas(area, "desa");
    for (const desa of listing.areas) names.set(desa.code, desa.name);
  }
  await store.setDesa([...names].map(([code, name]) => ({ code, name })));
}
