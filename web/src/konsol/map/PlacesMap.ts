// The small map of the household page: the desa's boundary, where each visit's GPS fix put
// the household, and where each photo's EXIF says it was taken. Loaded on demand with
// MapLibre, like the Peta page; no tiles from the internet.

import "maplibre-gl/dist/maplibre-gl.css";

import { type LngLatBoundsLike, Map as MapLibreMap, NavigationControl, ScaleControl } from "maplibre-gl";

import type { FeatureCollection } from "geojson";

import type { HouseholdPlaces } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { boundsOf } from "./bounds";
import { LOCALE } from "./locale";
import { OUTLINE, PLACE_COLORS } from "./palette";

/** Draws `places` into `container`; the map, to be removed with the page. */
export function drawPlaces(container: HTMLElement, places: HouseholdPlaces): MapLibreMap {
  const box = boundsOf(places.features.map((f) => f.geometry)) ?? [119.9, -3.1, 120.9, -2.2];
  const map = new MapLibreMap({
    container,
    style: {
      version: 8,
      sources: {
        places: {
          type: "geojson",
          data: places as unknown as FeatureCollection,
          attribution: id.map.attribution,
        },
      },
      layers: [
        { id: "background", type: "background", paint: { "background-color": "#f5f7f6" } },
        {
          id: "desa-fill",
          type: "fill",
          source: "places",
          filter: ["==", ["get", "place"], "desa"],
          paint: { "fill-color": PLACE_COLORS.desa },
        },
        {
          id: "desa-line",
          type: "line",
          source: "places",
          filter: ["==", ["get", "place"], "desa"],
          paint: { "line-color": OUTLINE, "line-width": 1.5 },
        },
        {
          id: "photos",
          type: "circle",
          source: "places",
          filter: ["==", ["get", "place"], "photo"],
          // A ring around the spot, so that a photo taken where the fix is still shows.
          paint: {
            "circle-opacity": 0,
            "circle-radius": 10,
            "circle-stroke-color": PLACE_COLORS.photo,
            "circle-stroke-width": 3,
          },
        },
        {
          id: "visits",
          type: "circle",
          source: "places",
          filter: ["==", ["get", "place"], "visit"],
          paint: {
            "circle-color": PLACE_COLORS.visit,
            "circle-radius": 7,
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 2,
          },
        },
      ],
    },
    bounds: box as LngLatBoundsLike,
    fitBoundsOptions: { padding: 24, maxZoom: 17 },
    locale: LOCALE,
    attributionControl: { compact: true },
    maxZoom: 19,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: true,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
  return map;
}
