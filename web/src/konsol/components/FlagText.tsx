import type { QualityFlagView } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatDecimal, formatDistance } from "../../common/format";

/** The names of desa and kelurahan by code, for sentences about places. */
export type AreaNames = Record<string, string>;

/** One quality flag in words, with its evidence. */
export function flagText(flag: QualityFlagView, names: AreaNames): string {
  const t = id.flagText;
  const desa = (code: string) => names[code] ?? code;
  switch (flag.code) {
    case "gps_outside_desa": {
      const e = flag.evidence;
      return t.gpsOutsideDesa(
        formatDistance(e.distance_m),
        desa(e.desa),
        e.located_in ? desa(e.located_in) : null,
      );
    }
    case "gps_mock":
      return t.gpsMock;
    case "gps_accuracy_zero":
      return t.gpsAccuracyZero;
    case "gps_inaccurate":
      return t.gpsInaccurate(
        formatDistance(flag.evidence.accuracy_m),
        formatDistance(flag.evidence.max_accuracy_m),
      );
    case "impossible_travel": {
      const e = flag.evidence;
      return t.impossibleTravel(
        `${formatDecimal(e.km)} km`,
        formatDecimal(e.minutes),
        e.kmh == null ? null : formatDecimal(e.kmh),
      );
    }
    case "duplicate_coordinates":
      return t.duplicateCoordinates(
        flag.evidence.households.length,
        flag.evidence.households_outside_your_areas ?? 0,
      );
    case "photo_gps_far":
      return t.photoGpsFar(formatDistance(flag.evidence.metres));
    case "photo_time_far":
      return t.photoTimeFar(formatDecimal(flag.evidence.hours), flag.evidence.taken_at);
    case "photo_reused": {
      const outside = flag.evidence.matches_outside_your_areas ?? 0;
      const text = t.photoReused(flag.evidence.matches.length + outside, "");
      return outside > 0 ? text + t.photoReusedOutside(outside) : text;
    }
    case "nik_invalid":
      return t.nikInvalid(flag.evidence.nik, flag.evidence.reason);
    case "nik_sex_mismatch":
      return t.nikSexMismatch(flag.evidence.nik, flag.evidence.nik_says, flag.evidence.form_says);
    case "nik_birth_date_mismatch":
      return t.nikBirthDateMismatch(
        flag.evidence.nik,
        flag.evidence.nik_says,
        flag.evidence.form_says,
      );
    case "nik_region_elsewhere":
      return t.nikRegionElsewhere(flag.evidence.nik, flag.evidence.nik_region);
    case "nik_duplicate":
      return t.nikDuplicate(
        flag.evidence.nik,
        flag.evidence.households.length,
        flag.evidence.households_outside_your_areas ?? 0,
      );
    case "no_kk_invalid":
      return t.noKkInvalid(flag.evidence.no_kk, flag.evidence.reason);
    case "interview_too_short":
      return t.interviewTooShort(
        formatDecimal(flag.evidence.minutes),
        formatDecimal(flag.evidence.min_minutes),
      );
    default:
      return t.unknown;
  }
}
