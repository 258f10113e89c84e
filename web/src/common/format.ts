// Dates in WITA (Asia/Makassar), numbers and rupiah as Indonesians write them (id-ID).

const WITA = "Asia/Makassar";

const dateTime = new Intl.DateTimeFormat("id-ID", {
  timeZone: WITA,
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

const dateOnly = new Intl.DateTimeFormat("id-ID", {
  timeZone: WITA,
  day: "numeric",
  month: "long",
  year: "numeric",
});

const number = new Intl.NumberFormat("id-ID");
const oneDecimal = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });
const coordinate = new Intl.NumberFormat("id-ID", {
  minimumFractionDigits: 5,
  maximumFractionDigits: 5,
  useGrouping: false,
});
const rupiah = new Intl.NumberFormat("id-ID", {
  style: "currency",
  currency: "IDR",
  maximumFractionDigits: 0,
});
const percent = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 1 });

/** "7 Des 2026, 13.05 WITA" from an RFC 3339 time. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${dateTime.format(date)} WITA`;
}

/** "7 Desember 2026" from `YYYY-MM-DD` (a calendar date, no zone) or an RFC 3339 time. */
export function formatDate(text: string): string {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (plain) {
    const [, y, m, d] = plain;
    // Noon UTC is the same calendar day in WITA.
    return dateOnly.format(new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), 12)));
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : dateOnly.format(date);
}

/** 12.345 */
export function formatNumber(n: number): string {
  return number.format(n);
}

/** 2,3 */
export function formatDecimal(n: number): string {
  return oneDecimal.format(n);
}

/** A coordinate in degrees to five decimals (about a metre): -2,56012 */
export function formatCoordinate(degrees: number): string {
  return coordinate.format(degrees);
}

/** Rp 600.000 */
export function formatRupiah(n: number): string {
  // Intl writes "Rp 600.000" with a no-break space; people read it the same.
  return rupiah.format(n);
}

/** 11,2% */
export function formatPercent(share: number): string {
  return percent.format(share);
}

/** "850 m" below a kilometre, else "2,3 km". */
export function formatDistance(metres: number): string {
  if (metres < 1000) return `${number.format(Math.round(metres))} m`;
  return `${oneDecimal.format(metres / 1000)} km`;
}

/** "850 KB", "12,3 MB", "1,2 GB" (powers of 1024, as phones show storage). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${number.format(Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${oneDecimal.format(bytes / 1024 ** 2)} MB`;
  return `${oneDecimal.format(bytes / 1024 ** 3)} GB`;
}

/** A NIK or No KK masked as in lists and exports: 7322********0001. */
export function maskIdentity(digits: string): string {
  if (digits.length !== 16) return digits;
  return `${digits.slice(0, 4)}********${digits.slice(12)}`;
}
