// Where a GPS fix lies against the desa boundaries the phone keeps: inside or not, and how far
// outside — the server's check of the same fix (the `gps_outside_desa` flag) stays the
// authority; the phone only warns while the worker can still do something about it.

import type { Geometry } from "../../generated/protocol";

type Position = [number, number];

function rings(geometry: Geometry): Position[][][] {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

function inRing(ring: Position[], [x, y]: Position): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] ?? [0, 0];
    const [xj, yj] = ring[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the point (`[longitude, latitude]`) lies inside the polygon(s), holes excluded. */
export function contains(geometry: Geometry, point: Position): boolean {
  return rings(geometry).some(([outer, ...holes]) => !!outer && inRing(outer, point) && !holes.some((h) => inRing(h, point)));
}

const EARTH_M = 6_371_008.8;

/** Metres from the point to the nearest edge of the polygon(s) (an equirectangular projection
 * around the point: exact enough for a few kilometres). */
export function distanceToEdgeM(geometry: Geometry, [lon, lat]: Position): number {
  const kx = (Math.PI / 180) * EARTH_M * Math.cos((lat * Math.PI) / 180);
  const ky = (Math.PI / 180) * EARTH_M;
  let best = Infinity;
  for (const polygon of rings(geometry)) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const [ax, ay] = ring[i - 1] ?? [0, 0];
        const [bx, by] = ring[i] ?? [0, 0];
        best = Math.min(best, segment((ax - lon) * kx, (ay - lat) * ky, (bx - lon) * kx, (by - lat) * ky));
      }
    }
  }
  return best;
}

/** Distance from the origin to the segment a–b. */
function segment(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length));
  return Math.hypot(ax + t * dx, ay + t * dy);
}
