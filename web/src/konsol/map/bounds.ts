// Boxes around geometries, without loading MapLibre.

import type { Geometry } from "../../generated/protocol";

/** `[west, south, east, north]` in degrees. */
export type Bbox = [number, number, number, number];

/** The smallest box around every coordinate of `geometries`, `null` when there is none. */
export function boundsOf(geometries: Geometry[]): Bbox | null {
  let box: Bbox | null = null;
  const add = ([lon, lat]: [number, number]) => {
    if (!box) box = [lon, lat, lon, lat];
    else box = [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)];
  };
  for (const g of geometries) {
    if (g.type === "Point") add(g.coordinates);
    else if (g.type === "Polygon") g.coordinates.flat().forEach(add);
    else g.coordinates.flat(2).forEach(add);
  }
  return box;
}
