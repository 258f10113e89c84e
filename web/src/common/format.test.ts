import { describe, expect, it } from "vitest";

import { formatBytes, formatCoordinate, formatDate, formatDateTime, formatDistance, formatNumber, formatRupiah, maskIdentity } from "./format";

describe("formatting for Indonesian readers", () => {
  it("writes times in WITA, eight hours ahead of UTC", () => {
    expect(formatDateTime("2026-12-07T05:05:00Z")).toMatch(/7 Des 2026.*13[.:]05 WITA/);
  });

  it("keeps a calendar date on its day", () => {
    expect(formatDate("2026-01-31")).toBe("31 Januari 2026");
  });

  it("groups thousands with dots and writes rupiah", () => {
    expect(formatNumber(12345)).toBe("12.345");
    expect(formatRupiah(600000).replace(/\s/g, " ")).toBe("Rp 600.000");
  });

  it("writes storage sizes as phones do", () => {
    expect(formatBytes(850 * 1024)).toBe("850 KB");
    expect(formatBytes(12.34 * 1024 * 1024)).toBe("12,3 MB");
    expect(formatBytes(1.2 * 1024 ** 3)).toBe("1,2 GB");
  });

  it("writes coordinates to five decimals with a decimal comma", () => {
    expect(formatCoordinate(-2.5601234)).toBe("-2,56012");
    expect(formatCoordinate(120.3)).toBe("120,30000");
  });

  it("writes short distances in metres and long ones in kilometres with a comma", () => {
    expect(formatDistance(850)).toBe("850 m");
    expect(formatDistance(2345)).toBe("2,3 km");
  });

  it("masks a NIK as lists and exports do", () => {
    expect(maskIdentity("7322014509850003")).toBe("7322********0003");
    expect(maskIdentity("123")).toBe("123");
  });
});
