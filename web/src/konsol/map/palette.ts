// The colors of the map, shared by the map's layers and the legend beside it: this module
// does not load MapLibre, so the page can draw its legend before the map arrives.

import type { AreaIndicators, ReviewStatus } from "../../generated/protocol";

/** What the desa polygons are shaded by. */
export type Shade = "poor" | "flagged";

/** What the household points are colored by. */
export type ColorBy = "status" | "verdict";

/** Class breaks of the shading, as shares: below 25 %, 25–50 %, 50–75 %, 75 % and above. */
export const SHADE_BREAKS = [0.25, 0.5, 0.75] as const;

/** One color per class (light to dark, readable for the common color blindness). */
export const SHADE_COLORS = ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"] as const;

/** Desa without a figure (nothing decided yet). */
export const NO_DATA = "#e5e7eb";

/** Desa outlines. */
export const OUTLINE = "#44403c";

/** Household points by review status. */
export const STATUS_COLORS: Record<ReviewStatus, string> = {
  pending: "#1d4ed8",
  resubmitted: "#7c3aed",
  approved: "#047857",
  returned: "#c026d3",
  rejected: "#111827",
  unknown: "#6b7280",
};

/** Household points by local verdict; `none` for households not scored. */
export const VERDICT_COLORS = {
  poor: "#b91c1c",
  not_poor: "#047857",
  undetermined: "#a16207",
  none: "#6b7280",
} as const;

/** The household page's small map: the desa, the visits' GPS fixes, the photos' EXIF
 * positions. */
export const PLACE_COLORS = {
  desa: "#fdebd0",
  visit: "#1d4ed8",
  photo: "#c026d3",
} as const;

/** Clusters of households. */
export const CLUSTER_COLOR = "#0e7490";

/** The figure a desa is shaded by, `null` when it has none. */
export function shadeValue(desa: AreaIndicators, shade: Shade): number | null {
  if (shade === "poor") return desa.poor_share ?? null;
  return desa.households_surveyed > 0 ? desa.households_flagged / desa.households_surveyed : null;
}

/** The color of a shading value (the same classes as the map's layer). */
export function shadeColor(value: number | null): string {
  if (value === null) return NO_DATA;
  const index = SHADE_BREAKS.findIndex((b) => value < b);
  return SHADE_COLORS[index === -1 ? SHADE_COLORS.length - 1 : index] ?? NO_DATA;
}
