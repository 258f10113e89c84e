// The MapLibre map of the Peta page: desa polygons shaded by a figure, household points or
// clusters on top. No tiles from the internet: the base layer is the boundaries the server
// has, so the map works in an office without a connection. Loaded on demand, so MapLibre
// (about 280 KB gzip) never weighs on the other pages.

import "maplibre-gl/dist/maplibre-gl.css";

import {
  addProtocol,
  type ExpressionSpecification,
  type GeoJSONSource,
  type LngLatBoundsLike,
  Map as MapLibreMap,
  NavigationControl,
  type RasterSourceSpecification,
  ScaleControl,
} from "maplibre-gl";
import { FetchSource, PMTiles, Protocol } from "pmtiles";

import type { FeatureCollection, Geometry as GeoJsonGeometry } from "geojson";

import type { Basemap, DesaMap, HouseholdMap } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { Bbox } from "./bounds";
import { LOCALE } from "./locale";
import {
  CLUSTER_COLOR,
  type ColorBy,
  NO_DATA,
  OUTLINE,
  SHADE_BREAKS,
  SHADE_COLORS,
  type Shade,
  shadeValue,
  STATUS_COLORS,
  VERDICT_COLORS,
} from "./palette";

/** What the map tells the page. */
export interface MapEvents {
  /** The viewport settled (after the first draw and after every move). */
  viewport(bbox: Bbox): void;
  /** A household point was clicked. */
  openHousehold(id: string): void;
  /** A desa was clicked (outside any point). */
  selectDesa(code: string): void;
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

/** The shading class of `value` (a share), grey when the desa has none (-1). */
const SHADE_FILL: ExpressionSpecification = [
  "case",
  ["<", ["get", "value"], 0],
  NO_DATA,
  [
    "step",
    ["get", "value"],
    SHADE_COLORS[0],
    SHADE_BREAKS[0],
    SHADE_COLORS[1],
    SHADE_BREAKS[1],
    SHADE_COLORS[2],
    SHADE_BREAKS[2],
    SHADE_COLORS[3],
  ],
];

function pointColor(by: ColorBy): ExpressionSpecification {
  if (by === "verdict") {
    return [
      "match",
      ["coalesce", ["get", "verdict"], "none"],
      "poor",
      VERDICT_COLORS.poor,
      "not_poor",
      VERDICT_COLORS.not_poor,
      "undetermined",
      VERDICT_COLORS.undetermined,
      VERDICT_COLORS.none,
    ];
  }
  return [
    "match",
    ["get", "review_status"],
    "pending",
    STATUS_COLORS.pending,
    "resubmitted",
    STATUS_COLORS.resubmitted,
    "approved",
    STATUS_COLORS.approved,
    "returned",
    STATUS_COLORS.returned,
    "rejected",
    STATUS_COLORS.rejected,
    STATUS_COLORS.unknown,
  ];
}

/** MapLibre reads `pmtiles://` sources through this protocol, registered once. */
let pmtiles: Protocol | null = null;

/** The basemap's source, `null` without one. A PMTiles file is read with range requests that
 * carry the bearer token, as the API's. */
function basemapSource(basemap: Basemap | null, bearer: () => string | null): RasterSourceSpecification | null {
  if (!basemap || basemap.kind === "none") return null;
  if (basemap.kind === "tiles") {
    return { type: "raster", tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution, maxzoom: 19 };
  }
  if (!pmtiles) {
    pmtiles = new Protocol();
    addProtocol("pmtiles", pmtiles.tile);
  }
  const url = new URL(basemap.url, location.origin).href;
  const headers = new Headers();
  const token = bearer();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  pmtiles.add(new PMTiles(new FetchSource(url, headers)));
  return { type: "raster", url: `pmtiles://${url}`, tileSize: 256, attribution: basemap.attribution };
}

/** The map, drawn into `container`. */
export class HouseholdsMap {
  private readonly map: MapLibreMap;
  private readonly loaded: Promise<void>;
  private desa: DesaMap | null = null;
  private shade: Shade = "poor";

  constructor(
    container: HTMLElement,
    events: MapEvents,
    start: Bbox | null,
    basemap: Basemap | null = null,
    bearer: () => string | null = () => null,
  ) {
    const base = basemapSource(basemap, bearer);
    this.map = new MapLibreMap({
      container,
      style: {
        version: 8,
        sources: {
          ...(base ? { basemap: base } : {}),
          desa: { type: "geojson", data: EMPTY, attribution: id.map.attribution },
          households: { type: "geojson", data: EMPTY },
        },
        layers: [
          { id: "background", type: "background", paint: { "background-color": "#f5f7f6" } },
          // No fade-in: a tile shows whole at once (a fade left half-drawn when the map stops
          // repainting is a washed-out basemap).
          ...(base
            ? [{ id: "basemap", type: "raster" as const, source: "basemap", paint: { "raster-fade-duration": 0 } }]
            : []),
          // The borders are the fill's own outline, drawn in the same pass as hairlines: a line
          // layer of its own made every frame of panning slower in a browser drawing WebGL in
          // software (bench/peta.sh).
          {
            id: "desa-fill",
            type: "fill",
            source: "desa",
            paint: { "fill-color": SHADE_FILL, "fill-opacity": 0.85, "fill-outline-color": OUTLINE },
          },
          {
            id: "household-clusters",
            type: "circle",
            source: "households",
            filter: ["has", "households"],
            paint: {
              "circle-color": CLUSTER_COLOR,
              "circle-opacity": 0.85,
              // Clusters come from a grid of at least 64 cells across the view (about 20 px
              // each on an office screen): at up to 14 px, even the largest circles barely
              // overlap, and the desa's shading shows between them.
              "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "households"]], 1, 5, 40, 14],
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 1.5,
            },
          },
          {
            id: "household-points",
            type: "circle",
            source: "households",
            filter: ["has", "id"],
            paint: {
              "circle-color": pointColor("status"),
              "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 4, 16, 8],
              "circle-stroke-color": "#ffffff",
              "circle-stroke-width": 1.5,
            },
          },
        ],
      },
      bounds: (start ?? [119.9, -3.1, 120.9, -2.2]) as LngLatBoundsLike,
      fitBoundsOptions: { padding: 24 },
      locale: LOCALE,
      attributionControl: { compact: false },
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.keyboard.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
    this.loaded = new Promise((resolve) => this.map.once("load", () => resolve()));

    const report = () => events.viewport(this.bbox());
    this.map.on("load", report);
    this.map.on("moveend", report);

    this.map.on("click", (event) => {
      const [hit] = this.map.queryRenderedFeatures(event.point, {
        layers: ["household-points", "household-clusters", "desa-fill"],
      });
      if (!hit) return;
      const props = hit.properties as Record<string, unknown>;
      if (hit.layer.id === "household-points" && typeof props.id === "string") {
        events.openHousehold(props.id);
      } else if (hit.layer.id === "household-clusters") {
        this.map.easeTo({ center: event.lngLat, zoom: Math.min(this.map.getZoom() + 2, 19) });
      } else if (typeof props.code === "string") {
        events.selectDesa(props.code);
      }
    });
    for (const layer of ["household-points", "household-clusters"]) {
      this.map.on("mouseenter", layer, () => (this.map.getCanvas().style.cursor = "pointer"));
      this.map.on("mouseleave", layer, () => (this.map.getCanvas().style.cursor = ""));
    }
  }

  /** The viewport, clamped to valid degrees. */
  bbox(): Bbox {
    const b = this.map.getBounds();
    const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v));
    return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)];
  }

  /** Draws the desa of an area, shaded by `shade`. */
  async setDesa(desa: DesaMap, shade: Shade): Promise<void> {
    this.desa = desa;
    this.shade = shade;
    await this.loaded;
    this.source("desa").setData({
      type: "FeatureCollection",
      features: desa.features.map((f) => ({
        type: "Feature",
        geometry: f.geometry as GeoJsonGeometry,
        properties: {
          code: f.properties.code,
          name: f.properties.name,
          value: shadeValue(f.properties, shade) ?? -1,
        },
      })),
    });
  }

  /** Shades the desa by another figure. */
  async setShade(shade: Shade): Promise<void> {
    if (this.desa) await this.setDesa(this.desa, shade);
    else this.shade = shade;
  }

  /** The figure the desa are shaded by. */
  get shading(): Shade {
    return this.shade;
  }

  /** Draws the households of the viewport. */
  async setHouseholds(households: HouseholdMap): Promise<void> {
    await this.loaded;
    this.source("households").setData(households as unknown as FeatureCollection);
  }

  /** Colors the household points by review status or by verdict. */
  async setColorBy(by: ColorBy): Promise<void> {
    await this.loaded;
    this.map.setPaintProperty("household-points", "circle-color", pointColor(by));
  }

  /** Moves the view onto `bbox`. */
  fit(bbox: Bbox): void {
    this.map.fitBounds(bbox, { padding: 24, animate: false });
  }

  /** Frees the map's WebGL context. */
  remove(): void {
    this.map.remove();
  }

  private source(name: "desa" | "households"): GeoJSONSource {
    const source = this.map.getSource<GeoJSONSource>(name);
    if (!source) throw new Error(`map source ${name} missing`);
    return source;
  }
}
