import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import type { FormDefinition, FormList, HouseholdSnapshot } from "../generated/protocol";
import type { Api } from "../common/api";
import { formKey, Store } from "./store";
import { refreshForm } from "./sync";

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
