import { useEffect, useRef, useState } from "preact/hooks";

import type { FormDefinition, HouseholdPlaces, PlaceFeature } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatCoordinate, formatDateTime, formatDistance } from "../../common/format";
import { PLACE_COLORS } from "../map/palette";

type Removable = { remove(): void };

function where(feature: PlaceFeature): string {
  if (feature.geometry.type !== "Point") return "";
  const [lon, lat] = feature.geometry.coordinates;
  return `${formatCoordinate(lat)}, ${formatCoordinate(lon)}`;
}

/** The household on a small map — its desa, its visits' GPS fixes, its photos' EXIF
 * positions — and the same points in words, for those who do not read the map. */
export function Places(props: { form: FormDefinition; places: HouseholdPlaces }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const { features } = props.places;
  const points = features.filter((f) => f.properties.place !== "desa");
  const bounded = features.some((f) => f.properties.place === "desa");

  useEffect(() => {
    let map: Removable | null = null;
    let gone = false;
    import("../map/PlacesMap")
      .then(({ drawPlaces }) => {
        if (!gone && container.current) map = drawPlaces(container.current, props.places);
      })
      .catch(() => setFailed(true));
    return () => {
      gone = true;
      map?.remove();
    };
  }, [props.places]);

  const label = (kind: string) => props.form.photos.find((p) => p.kind === kind)?.label ?? id.photoKind(kind);
  return (
    <section aria-labelledby="lokasi">
      <h2 id="lokasi">{id.places.title}</h2>
      <div ref={container} class="places-map" />
      {failed && <p class="problem">{id.places.mapFailed}</p>}
      {!bounded && <p>{id.places.noBoundary}</p>}
      <div class="legend">
        <ul>
        <li>
          <span class="swatch" style={{ background: PLACE_COLORS.desa }} aria-hidden="true" />
          {id.places.desa}
        </li>
        <li>
          <span class="swatch round" style={{ background: PLACE_COLORS.visit }} aria-hidden="true" />
          {id.places.visit}
        </li>
        <li>
          <span class="swatch ring" style={{ borderColor: PLACE_COLORS.photo }} aria-hidden="true" />
          {id.places.photo}
        </li>
        </ul>
      </div>
      {points.length === 0 ? (
        <p>{id.places.none}</p>
      ) : (
        <ul class="places">
          {points.map((f) => {
            const p = f.properties;
            if (p.place === "visit") {
              return (
                <li key={`v-${p.visit_id}`}>
                  {id.places.visitAt(formatDateTime(p.ended_at), where(f))}
                  {p.accuracy_m != null && ` · ${id.places.accuracy(formatDistance(p.accuracy_m))}`}
                  {p.mock && ` · ${id.places.mock}`}
                </li>
              );
            }
            if (p.place === "photo") {
              return (
                <li key={`p-${p.visit_id}-${p.sha256}`}>
                  {id.places.photoAt(label(p.kind), where(f))}
                  {p.taken_at && ` · ${p.taken_at}`}
                </li>
              );
            }
            return null;
          })}
        </ul>
      )}
    </section>
  );
}
