// The field app's sync engine against the recorded conversations of the protocol
// (fixtures/protocol/v1/conversations): the same files the Rust reference client runs. The
// engine and its IndexedDB store are the app's own; IndexedDB is fake-indexeddb's (node has
// none; the browser tests run the real one).

import "fake-indexeddb/auto";

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import type { Op, PullResponse, PushRequest, PushResponse } from "../generated/protocol";
import { ApiError, NetworkError, retryAfterHeader } from "../common/api";
import { KEEP_SENT_MS, Store } from "./store";
import { pull, push, retryDelayMs, SequenceGap, type SyncApi } from "./sync";

interface Exchange {
  request: { method: string; path: string; query?: Record<string, string>; body?: unknown };
  response?: { status: number; headers?: Record<string, string>; body: unknown };
  lost?: boolean;
}

interface Expect {
  outbox?: number[];
  rejected?: number[];
  households?: string[];
  cursor?: string;
  conflicts?: string[];
  missing_photos?: string[];
}

type Step =
  | { enqueue: Op }
  | { push: Exchange[]; fails?: string }
  | { pull: Exchange[]; fails?: string }
  | { expect: Expect };

interface Conversation {
  about: string;
  device_id: string;
  /** Whether the phone keeps the mutations the server acknowledged (it does unless told). */
  keeps_sent?: boolean;
  steps: Step[];
}

const DIR = fileURLToPath(new URL("../../../fixtures/protocol/v1/conversations/", import.meta.url));

/** `actual` as `expected` says: `"*"` matches anything present, a `null` counts as absent. */
function matches(expected: unknown, actual: unknown, path: string, problems: string[]): void {
  if (expected === "*") {
    if (actual === undefined || actual === null) problems.push(`${path}: missing`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      problems.push(`${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
      return;
    }
    expected.forEach((e, i) => matches(e, actual[i], `${path}[${i}]`, problems));
    return;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      problems.push(`${path}: ${JSON.stringify(actual)} is not an object`);
      return;
    }
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const [ev, av] = [e[key] ?? null, a[key] ?? null];
      if (ev === null && av === null) continue;
      matches(ev, av, `${path}.${key}`, problems);
    }
    return;
  }
  if (expected !== actual) problems.push(`${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
}

/** The server's side of a conversation: each request must be the next one recorded. */
class Script implements SyncApi {
  used = 0;
  constructor(private readonly exchanges: Exchange[]) {}

  private answer(method: string, path: string, seen: { query?: Record<string, string>; body?: unknown }): unknown {
    const exchange = this.exchanges[this.used];
    this.used += 1;
    if (!exchange) throw new Error(`${method} ${path} after the conversation's last request`);
    const problems: string[] = [];
    matches(exchange.request.method, method, "method", problems);
    matches(exchange.request.path, path, "path", problems);
    if (exchange.request.query) matches(exchange.request.query, seen.query, "query", problems);
    if (exchange.request.body !== undefined) matches(exchange.request.body, seen.body, "body", problems);
    expect(problems, `request ${this.used}`).toEqual([]);
    if (exchange.lost) throw new NetworkError("the answer was lost");
    const response = exchange.response;
    if (!response) throw new Error(`exchange ${this.used} has neither a response nor "lost"`);
    if (response.status >= 400) {
      throw new ApiError(response.status, response.body as never, retryAfterHeader(response.headers?.["retry-after"]));
    }
    return response.body;
  }

  push(request: PushRequest): Promise<PushResponse> {
    return Promise.resolve(this.answer("POST", "/v1/sync/push", { body: request }) as PushResponse);
  }

  pull(cursor: string | undefined): Promise<PullResponse> {
    const query: Record<string, string> = cursor === undefined ? {} : { cursor };
    return Promise.resolve(this.answer("GET", "/v1/sync/pull", { query }) as PullResponse);
  }
}

/** Runs `step` as the app does: what the app would try again on its timer (a lost answer, a
 * busy server) is tried again at once, after checking that the wait honours `Retry-After`. */
async function again(step: () => Promise<unknown>): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await step();
      return;
    } catch (error) {
      const wait = retryDelayMs(error, tries, () => 0);
      if (wait === null || tries >= 3) throw error;
      if (error instanceof ApiError && error.retryAfterSeconds !== null) {
        expect(wait, "the wait the server asked for").toBeGreaterThanOrEqual(error.retryAfterSeconds * 1000);
      }
    }
  }
}

function failure(error: unknown): string {
  if (error instanceof SequenceGap) return "sequence_gap";
  throw error;
}

async function run(conversation: Conversation, name: string): Promise<void> {
  const keepSentMs = conversation.keeps_sent === false ? 0 : KEEP_SENT_MS;
  const store = await Store.open(`conformance-${name}-${crypto.randomUUID()}`, keepSentMs);
  await store.useDeviceId(conversation.device_id);
  for (const [i, step] of conversation.steps.entries()) {
    const at = `step ${i + 1}`;
    if ("enqueue" in step) {
      await store.enqueue([step.enqueue]);
    } else if ("push" in step || "pull" in step) {
      const exchanges = "push" in step ? step.push : step.pull;
      const script = new Script(exchanges);
      const action =
        "push" in step
          ? () => push(script, store)
          : () => pull(script, store, { beforeReset: async () => void (await again(() => push(script, store))) });
      let failed: string | null = null;
      try {
        await again(action);
      } catch (error) {
        failed = failure(error);
      }
      expect(failed, `${at}: how it ends`).toBe(step.fails ?? null);
      expect(script.used, `${at}: requests sent`).toBe(exchanges.length);
    } else {
      const want = step.expect;
      if (want.outbox) expect((await store.outbox()).map((m) => m.seq), `${at}: outbox`).toEqual(want.outbox);
      if (want.rejected) expect((await store.rejections()).map((r) => r.seq), `${at}: rejected`).toEqual(want.rejected);
      if (want.households) {
        expect((await store.households()).map((h) => h.id).sort(), `${at}: households`).toEqual(want.households);
      }
      if (want.cursor) expect(await store.cursor(), `${at}: cursor`).toBe(want.cursor);
      if (want.conflicts) {
        expect((await store.conflicts()).map((c) => c.conflict_id), `${at}: conflicts`).toEqual(want.conflicts);
      }
      if (want.missing_photos) {
        expect(await store.missingPhotos(), `${at}: missing photos`).toEqual(want.missing_photos);
      }
    }
  }
}

describe("the recorded conversations of sync protocol v1", () => {
  const files = readdirSync(DIR).filter((f: string) => f.endsWith(".json"));
  it("are there", () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
  for (const file of files) {
    const conversation = JSON.parse(readFileSync(`${DIR}${file}`, "utf8")) as Conversation;
    it(`${file}: ${conversation.about}`, async () => {
      await run(conversation, file);
    });
  }
});
