// MapLibre's own words in Indonesian, for every map of the console.

import { id } from "../../i18n/id";

/** MapLibre's own words (zoom buttons, the map's label) in Indonesian. */
export const LOCALE: Record<string, string> = {
  "AttributionControl.ToggleAttribution": id.map.control.attribution,
  "AttributionControl.MapFeedback": id.map.control.feedback,
  "FullscreenControl.Enter": id.map.control.fullscreen,
  "FullscreenControl.Exit": id.map.control.exitFullscreen,
  "GeolocateControl.FindMyLocation": id.map.control.findMe,
  "GeolocateControl.LocationNotAvailable": id.map.control.noLocation,
  "LogoControl.Title": id.map.control.logo,
  "Map.Title": id.map.control.map,
  "Marker.Title": id.map.control.marker,
  "NavigationControl.ResetBearing": id.map.control.resetBearing,
  "NavigationControl.ZoomIn": id.map.control.zoomIn,
  "NavigationControl.ZoomOut": id.map.control.zoomOut,
  "Popup.Close": id.map.control.close,
  "ScaleControl.Feet": "ft",
  "ScaleControl.Meters": "m",
  "ScaleControl.Kilometers": "km",
  "ScaleControl.Miles": "mi",
  "ScaleControl.NauticalMiles": "nm",
  "CooperativeGesturesHandler.WindowsHelpText": id.map.control.scrollHelp,
  "CooperativeGesturesHandler.MacHelpText": id.map.control.scrollHelpMac,
  "CooperativeGesturesHandler.MobileHelpText": id.map.control.touchHelp,
};
