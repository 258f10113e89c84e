import { useEffect, useRef, useState } from "preact/hooks";

import type { AreaIndicators, AreaRef, Basemap, DesaMap, HouseholdMap } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { errorText } from "../../common/errors";
import { formatNumber, formatPercent } from "../../common/format";
import { navigate } from "../../common/router";
import { AreaOptions } from "../components/AreaOptions";
import { Link } from "../components/Link";
import { useSession } from "../context";
import { type Bbox, boundsOf } from "../map/bounds";
import type { HouseholdsMap } from "../map/HouseholdsMap";
import {
  CLUSTER_COLOR,
  type ColorBy,
  NO_DATA,
  SHADE_BREAKS,
  SHADE_COLORS,
  type Shade,
  shadeValue,
  STATUS_COLORS,
  VERDICT_COLORS,
} from "../map/palette";

interface MapParams {
  area: string;
  shade: Shade;
  color: ColorBy;
}

function paramsOf(search: string, fallback: string): MapParams {
  const params = new URLSearchParams(search);
  return {
    area: params.get("area") ?? fallback,
    shade: params.get("shade") === "flagged" ? "flagged" : "poor",
    color: params.get("color") === "verdict" ? "verdict" : "status",
  };
}

/**
 * Peta: the desa of an area shaded by a figure, and the households of the viewport as points
 * (or clusters when there are more than a screen can show; always clusters for analysts).
 */
export function MapPage(props: { search: string }) {
  const { api, me } = useSession();
  const root = me.areas[0] ?? "";
  const params = paramsOf(props.search, root);
  const { area, shade, color } = params;
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<HouseholdsMap | null>(null);
  const inflight = useRef<AbortController | null>(null);
  const [desa, setDesa] = useState<DesaMap | null>(null);
  const [households, setHouseholds] = useState<HouseholdMap | null>(null);
  const [kecamatan, setKecamatan] = useState<AreaRef[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [failedMap, setFailedMap] = useState(false);

  const go = (next: Partial<MapParams>) => {
    const merged = { ...params, ...next };
    const query = new URLSearchParams({ area: merged.area, shade: merged.shade, color: merged.color });
    navigate(`/peta?${query.toString()}`, true);
  };

  useEffect(() => {
    Promise.all(me.areas.map((a) => api.areas(a, "kecamatan")))
      .then((lists) => setKecamatan(lists.flatMap((l) => l.areas)))
      .catch(() => setKecamatan([]));
  }, [api, me]);

  // The desa of the area first (they place the view), then the map, loaded on demand.
  useEffect(() => {
    let gone = false;
    setProblem(null);
    setSelected(null);
    setHouseholds(null);
    const loadHouseholds = (bbox: Bbox) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      api
        .mapHouseholds(area, bbox, controller.signal)
        .then((answer) => {
          if (controller.signal.aborted) return;
          setHouseholds(answer);
          void map.current?.setHouseholds(answer);
        })
        .catch((error) => {
          if (!controller.signal.aborted) setProblem(errorText(error));
        });
    };
    (async () => {
      let answer: DesaMap;
      let basemap: Basemap | null = null;
      try {
        [answer, basemap] = await Promise.all([
          api.mapDesa(area),
          // Without its description the map still draws, on the desa alone.
          api.basemap().catch(() => null),
        ]);
      } catch (error) {
        if (!gone) setProblem(errorText(error));
        return;
      }
      if (gone) return;
      setDesa(answer);
      try {
        const drawing = await import("../map/HouseholdsMap");
        if (gone || !container.current) return;
        const start = boundsOf(answer.features.map((f) => f.geometry));
        map.current?.remove();
        map.current = new drawing.HouseholdsMap(
          container.current,
          {
            viewport: loadHouseholds,
            openHousehold: (household) => navigate(`/rumah-tangga/${household}`),
            selectDesa: setSelected,
          },
          start,
          basemap,
          () => api.bearer(),
        );
        await map.current.setDesa(answer, shade);
        await map.current.setColorBy(color);
      } catch {
        // No WebGL in this browser, or the map's code could not be loaded.
        if (!gone) setFailedMap(true);
      }
    })();
    return () => {
      gone = true;
      inflight.current?.abort();
      map.current?.remove();
      map.current = null;
    };
    // The shading and the colors change on the drawn map (below), without drawing it anew.
  }, [api, area]);

  useEffect(() => {
    void map.current?.setShade(shade);
  }, [shade]);
  useEffect(() => {
    void map.current?.setColorBy(color);
  }, [color]);

  const chosen = desa?.features.find((f) => f.properties.code === selected)?.properties ?? null;
  return (
    <main id="isi" class="map-page">
      <h1>{id.map.title}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {id.map.area}
          <select value={area} onChange={(e) => go({ area: e.currentTarget.value })}>
            <AreaOptions
              areas={me.areas}
              kecamatan={kecamatan}
              name={(a) => kecamatan.find((k) => k.code === a)?.name ?? (a === root ? id.map.allAreas : a)}
            />
          </select>
        </label>
        <label>
          {id.map.shadeBy}
          <select value={shade} onChange={(e) => go({ shade: e.currentTarget.value === "flagged" ? "flagged" : "poor" })}>
            <option value="poor">{id.map.shadePoor}</option>
            <option value="flagged">{id.map.shadeFlagged}</option>
          </select>
        </label>
        {me.role !== "analyst" && (
          <label>
            {id.map.colorBy}
            <select
              value={color}
              onChange={(e) => go({ color: e.currentTarget.value === "verdict" ? "verdict" : "status" })}
            >
              <option value="status">{id.map.colorStatus}</option>
              <option value="verdict">{id.map.colorVerdict}</option>
            </select>
          </label>
        )}
      </form>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {failedMap && (
        <p class="problem" role="alert">
          {id.map.noWebgl}
        </p>
      )}
      <div class="map-layout">
        <div class="map-frame">
          <div ref={container} class="map" data-testid="peta" />
        </div>
        <aside class="map-side" aria-label={id.map.legendTitle}>
          <Summary households={households} analyst={me.role === "analyst"} />
          <Legend shade={shade} color={color} analyst={me.role === "analyst"} basis={desa?.poor_share_basis} />
          {chosen && <DesaFigures desa={chosen} />}
          <p class="hint">
            {id.map.screenReader} <Link href={`/indikator?area=${encodeURIComponent(area)}&level=desa`}>{id.map.toIndicators}</Link>
          </p>
        </aside>
      </div>
    </main>
  );
}

function Summary(props: { households: HouseholdMap | null; analyst: boolean }) {
  const { households } = props;
  if (!households) return <p class="hint">{id.app.loading}</p>;
  return (
    <p class="map-summary" role="status">
      {households.clustered
        ? id.map.inViewClustered(formatNumber(households.households), formatNumber(households.features.length))
        : id.map.inView(formatNumber(households.households))}
      {/* Analysts' small groups are neither shown nor counted: said always, never how many. */}
      {props.analyst ? (
        <span class="sub">{id.map.smallGroupsHidden}</span>
      ) : (
        households.suppressed > 0 && <span class="sub">{id.map.suppressed(formatNumber(households.suppressed))}</span>
      )}
    </p>
  );
}

function Swatch(props: { color: string; round?: boolean }) {
  return <span class={props.round ? "swatch round" : "swatch"} style={{ background: props.color }} aria-hidden="true" />;
}

function Legend(props: { shade: Shade; color: ColorBy; analyst: boolean; basis: string | undefined }) {
  const bounds = [0, ...SHADE_BREAKS, 1];
  return (
    <section class="legend" aria-labelledby="legenda">
      <h2 id="legenda">{id.map.legendTitle}</h2>
      <h3>{props.shade === "poor" ? id.map.shadePoor : id.map.shadeFlagged}</h3>
      <ul>
        {SHADE_COLORS.map((c, i) => (
          <li key={c}>
            <Swatch color={c} />
            {id.map.range(formatPercent(bounds[i] ?? 0), formatPercent(bounds[i + 1] ?? 1))}
          </li>
        ))}
        <li>
          <Swatch color={NO_DATA} />
          {id.map.noFigure}
        </li>
      </ul>
      {props.shade === "poor" && props.basis && <p class="hint">{props.basis}</p>}
      {!props.analyst && (
        <>
          <h3>{props.color === "status" ? id.map.colorStatus : id.map.colorVerdict}</h3>
          <ul>
            {props.color === "status"
              ? (["pending", "resubmitted", "returned", "approved", "rejected"] as const).map((s) => (
                  <li key={s}>
                    <Swatch round color={STATUS_COLORS[s]} />
                    {id.status[s]}
                  </li>
                ))
              : (["poor", "not_poor", "undetermined", "none"] as const).map((v) => (
                  <li key={v}>
                    <Swatch round color={VERDICT_COLORS[v]} />
                    {id.map.verdict[v]}
                  </li>
                ))}
          </ul>
        </>
      )}
      <ul>
        <li>
          <Swatch round color={CLUSTER_COLOR} />
          {props.analyst ? id.map.clusterAnalyst : id.map.cluster}
        </li>
      </ul>
    </section>
  );
}

function DesaFigures(props: { desa: AreaIndicators }) {
  const { desa } = props;
  const flagged = shadeValue(desa, "flagged");
  if (desa.suppressed) {
    return (
      <section class="desa-figures" aria-labelledby="desa-terpilih">
        <h2 id="desa-terpilih">{desa.name}</h2>
        <p>{id.indicators.withheldNote}</p>
      </section>
    );
  }
  return (
    <section class="desa-figures" aria-labelledby="desa-terpilih">
      <h2 id="desa-terpilih">{desa.name}</h2>
      <dl>
        <dt>{id.indicators.surveyed}</dt>
        <dd>{formatNumber(desa.households_surveyed)}</dd>
        <dt>{id.indicators.poor}</dt>
        <dd>{formatNumber(desa.poor)}</dd>
        <dt>{id.indicators.poorShare}</dt>
        <dd>{desa.poor_share == null ? id.map.noFigure : formatPercent(desa.poor_share)}</dd>
        <dt>{id.indicators.flagged}</dt>
        <dd>
          {formatNumber(desa.households_flagged)}
          {flagged != null && ` (${formatPercent(flagged)})`}
        </dd>
        <dt>{id.indicators.waiting}</dt>
        <dd>{formatNumber(desa.review.pending + desa.review.resubmitted)}</dd>
        <dt>{id.indicators.overdue}</dt>
        <dd>{formatNumber(desa.review.overdue)}</dd>
      </dl>
    </section>
  );
}
