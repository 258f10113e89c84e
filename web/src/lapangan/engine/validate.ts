// The checks of the answers as the worker types, mirrored from the server (which stays the
// authority): `server/src/domain/form.rs` refuses wrong types, too long texts, numbers out of
// range, unknown choices and malformed digit strings; `server/src/domain/identity.rs` reads a
// NIK or No KK, whose oddities are only warned about (the quality checks flag them).

import type { FieldDef, FieldKind, JsonValue } from "../../generated/protocol";
import type { Fields } from "./local";

/** Province codes of Kemendagri, as the server knows them. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74,
  75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
]);

/** Why a value is refused, in the server's words; `null` when it is accepted. */
export function valueProblem(kind: FieldKind, value: JsonValue): string | null {
  switch (kind.type) {
    case "text": {
      if (typeof value !== "string") return "harus berupa teks";
      if ([...value].length > kind.max_length) return `maksimal ${kind.max_length} karakter`;
      if (kind.digits != null && (value.length !== kind.digits || !/^[0-9]*$/.test(value))) {
        return `harus ${kind.digits} digit angka`;
      }
      return null;
    }
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value)) return "harus berupa bilangan bulat";
      return range(value, kind.min, kind.max);
    }
    case "decimal": {
      if (typeof value !== "number" || !Number.isFinite(value)) return "harus berupa angka";
      return range(value, kind.min, kind.max);
    }
    case "select":
      if (typeof value !== "number") return "harus berupa kode pilihan";
      return kind.choices.some((c) => c.code === value) ? null : "bukan salah satu pilihan";
    case "multi_select":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "number")) return "harus berupa daftar kode pilihan";
      return value.every((v) => kind.choices.some((c) => c.code === v)) ? null : "bukan salah satu pilihan";
    case "date":
      return typeof value === "string" && isDate(value) ? null : "harus tanggal TTTT-BB-HH";
    case "boolean":
      return typeof value === "boolean" ? null : "harus ya atau tidak";
  }
}

function range(value: number, min: number | null | undefined, max: number | null | undefined): string | null {
  if (min != null && value < min) return `paling kecil ${min}`;
  if (max != null && value > max) return `paling besar ${max}`;
  return null;
}

function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Problems of `fields` by question name; with `complete`, unanswered required ones too. */
export function fieldProblems(defs: FieldDef[], fields: Fields, complete: boolean): Map<string, string> {
  const problems = new Map<string, string>();
  for (const def of defs) {
    const value = fields[def.name];
    if (value === undefined || value === null) {
      if (complete && def.required) problems.set(def.name, `wajib diisi: ${def.label}`);
      continue;
    }
    const problem = valueProblem(def, value);
    if (problem) problems.set(def.name, problem);
  }
  return problems;
}

/** What looks wrong in a NIK (`kind` "nik") or No KK, in words; `null` when nothing does.
 * Only a warning: a number that looks odd may still be what the card says. */
export function identityWarning(text: string, kind: "nik" | "no_kk", today = new Date()): string | null {
  if (text.length !== 16) return "harus 16 digit";
  if (!/^[0-9]{16}$/.test(text)) return "hanya boleh berisi angka";
  const pair = (at: number) => Number(text.slice(at, at + 2));
  if (!PROVINCES.has(pair(0))) return "kode provinsi (digit 1–2) tidak dikenal";
  if (pair(2) === 0 || pair(4) === 0) return "kode kabupaten/kota atau kecamatan (digit 3–6) tidak boleh 00";
  let day = pair(6);
  if (kind === "nik" && day > 40) day -= 40;
  const month = pair(8);
  const year2 = pair(10);
  const candidates = [2000 + year2, 1900 + year2];
  const valid = candidates.filter((y) => isDate(`${y}-${pad(month)}-${pad(day)}`));
  if (valid.length === 0) return "digit 7–12 bukan tanggal yang ada";
  const inRange = valid.some((y) => {
    const date = Date.UTC(y, month - 1, day);
    if (date > today.getTime()) return false;
    return kind === "no_kk" || today.getUTCFullYear() - y <= 110;
  });
  if (!inRange) return "tanggal pada digit 7–12 di masa depan atau terlalu lampau";
  if (text.slice(12) === "0000") return "nomor urut (digit 13–16) tidak boleh 0000";
  return null;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
