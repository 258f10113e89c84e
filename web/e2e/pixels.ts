// Reading a map's pixels from a screenshot: what WebGL drew, not what the DOM says.

import type { Locator, Page } from "@playwright/test";
import { PNG } from "pngjs";

export type Rgb = [number, number, number];

export function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The map's pixels, as drawn on the screen (WebGL included). */
export async function pixels(map: Locator): Promise<PNG> {
  return PNG.sync.read(await map.screenshot());
}

export function near(png: PNG, x: number, y: number, colors: Rgb[], tolerance = 6): boolean {
  const i = (y * png.width + x) * 4;
  const [r, g, b] = [png.data[i] ?? 0, png.data[i + 1] ?? 0, png.data[i + 2] ?? 0];
  return colors.some(([cr, cg, cb]) => Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance);
}

/** How many pixels have one of `colors`, and one whose 5×5 neighbourhood all has them. */
export function find(png: PNG, colors: Rgb[]): { count: number; inside: { x: number; y: number } | null } {
  let count = 0;
  let inside: { x: number; y: number } | null = null;
  for (let y = 2; y < png.height - 2; y++) {
    for (let x = 2; x < png.width - 2; x++) {
      if (!near(png, x, y, colors)) continue;
      count++;
      if (inside) continue;
      let all = true;
      for (let dy = -2; dy <= 2 && all; dy++) {
        for (let dx = -2; dx <= 2 && all; dx++) all = near(png, x + dx, y + dy, colors);
      }
      if (all) inside = { x, y };
    }
  }
  return { count, inside };
}

/** Waits until the map has drawn what `ready` looks for in its pixels. */
export async function drawn(page: Page, map: Locator, ready: (png: PNG) => boolean): Promise<PNG> {
  let png = await pixels(map);
  for (let tries = 0; tries < 40 && !ready(png); tries++) {
    await page.waitForTimeout(250);
    png = await pixels(map);
  }
  return png;
}
