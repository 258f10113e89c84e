// What the browser tests share: the seeded data, logging in, calling the API directly, and
// saving screenshots where the README points (web/test-results/screenshots).

import { readFileSync } from "node:fs";

import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page } from "@playwright/test";

export interface Seeded {
  households: string[];
  risky: string;
  shared_photo: [string, string];
  conflict: string;
}

export const seeded: Seeded = JSON.parse(
  readFileSync(process.env.E2E_SEED ?? "test-results/seed.json", "utf8"),
) as Seeded;

export const PASSWORD = process.env.E2E_PASSWORD ?? "";

export async function login(page: Page, username: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("button", { name: "Keluar" })).toBeVisible();
}

/** A bearer token for calling the API as the phone or the office would. */
export async function token(request: APIRequestContext, username: string): Promise<string> {
  const response = await request.post("/v1/auth/login", {
    data: { username, password: PASSWORD },
  });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** No serious or critical accessibility violation (axe-core, WCAG 2 A and AA). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Words of English UI that must not show: every text comes from the Indonesian catalogue. */
const ENGLISH = /\b(the|and|loading|error|submit|cancel|next|previous|household|approve|reject|login|logout|password|username|undefined|null|NaN|true|false|pending|approved|returned|rejected|resubmitted|unknown)\b/i;

export async function expectNoEnglish(page: Page): Promise<void> {
  const text = await page.locator("body").innerText();
  const found = text.split("\n").filter((line) => ENGLISH.test(line));
  expect(found).toEqual([]);
}
