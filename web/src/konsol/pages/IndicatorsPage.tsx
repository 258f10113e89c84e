import { useEffect, useState } from "preact/hooks";

import type { AreaIndicators, AreaRef, IndicatorsResponse } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { errorText } from "../../common/errors";
import { formatNumber, formatPercent } from "../../common/format";
import { navigate } from "../../common/router";
import { AreaOptions } from "../components/AreaOptions";
import { mayReview, useSession } from "../context";

type Level = "kecamatan" | "desa";

function paramsOf(search: string, fallback: string): { area: string; level: Level } {
  const params = new URLSearchParams(search);
  return {
    area: params.get("area") ?? fallback,
    level: params.get("level") === "desa" ? "desa" : "kecamatan",
  };
}

/** Sums the figures of several areas: the row "Jumlah" and the criteria chart. */
function total(areas: AreaIndicators[]): AreaIndicators {
  const sum: AreaIndicators = {
    code: "",
    name: id.indicators.total,
    households_surveyed: 0,
    households_approved: 0,
    poor: 0,
    not_poor: 0,
    undetermined: 0,
    poor_share: null,
    criteria_met: {},
    households_flagged: 0,
    flags: {},
    review: { pending: 0, resubmitted: 0, approved: 0, returned: 0, rejected: 0, overdue: 0 },
    suppressed: false,
  };
  for (const a of areas) {
    sum.households_surveyed += a.households_surveyed;
    sum.households_approved += a.households_approved;
    sum.poor += a.poor;
    sum.not_poor += a.not_poor;
    sum.undetermined += a.undetermined;
    sum.households_flagged += a.households_flagged;
    for (const [code, n] of Object.entries(a.criteria_met)) {
      sum.criteria_met[code] = (sum.criteria_met[code] ?? 0) + (n ?? 0);
    }
    for (const key of Object.keys(sum.review) as (keyof typeof sum.review)[]) {
      sum.review[key] += a.review[key];
    }
  }
  const decided = sum.poor + sum.not_poor;
  sum.poor_share = decided > 0 ? sum.poor / decided : null;
  return sum;
}

/** Indicators per kecamatan or desa, the 14 criteria as a chart, and the exports. */
export function IndicatorsPage(props: { search: string }) {
  const { api, me } = useSession();
  const root = me.areas[0] ?? "";
  const { area, level } = paramsOf(props.search, root);
  const [data, setData] = useState<IndicatorsResponse | null>(null);
  const [kecamatan, setKecamatan] = useState<AreaRef[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [unmasked, setUnmasked] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setProblem(null);
    api
      .indicators(area, level)
      .then(setData)
      .catch((error) => setProblem(errorText(error)));
  }, [api, area, level]);

  useEffect(() => {
    Promise.all(me.areas.map((a) => api.areas(a, "kecamatan")))
      .then((lists) => setKecamatan(lists.flatMap((l) => l.areas)))
      .catch(() => setKecamatan([]));
  }, [api, me]);

  const go = (next: { area?: string; level?: Level }) => {
    const params = new URLSearchParams({ area: next.area ?? area, level: next.level ?? level });
    navigate(`/indikator?${params.toString()}`, true);
  };

  async function download(kind: "households" | "indicators", format: "csv" | "xlsx") {
    setBusy(true);
    setProblem(null);
    try {
      await api.download(kind, { area, level, format, unmasked: kind === "households" && unmasked });
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  const sum = data ? total(data.areas) : null;
  const cell = (n: number) => formatNumber(n);
  return (
    <main id="isi" class="indicators">
      <h1>{id.indicators.title}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {id.indicators.kecamatanOf}
          <select value={area} onChange={(e) => go({ area: e.currentTarget.value })}>
            <AreaOptions
              areas={me.areas}
              kecamatan={kecamatan}
              name={(a) => (a === root && data && data.area.code === a ? data.area.name : a)}
            />
          </select>
        </label>
        <label>
          {id.indicators.level}
          <select value={level} onChange={(e) => go({ level: e.currentTarget.value === "desa" ? "desa" : "kecamatan" })}>
            <option value="kecamatan">{id.indicators.byKecamatan}</option>
            <option value="desa">{id.indicators.byDesa}</option>
          </select>
        </label>
      </form>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {data && sum && (
        <>
          <p class="hint">{data.poor_share_basis}</p>
          {data.areas.some((a) => a.suppressed) && <p class="hint">{id.indicators.withheldNote}</p>}
          <div class="scroll" tabIndex={0} role="region" aria-label={id.indicators.title}>
            <table class="figures">
              <caption>{data.area.name}</caption>
              <thead>
                <tr>
                  <th scope="col">{id.indicators.name}</th>
                  <th scope="col">{id.indicators.surveyed}</th>
                  <th scope="col">{id.indicators.approved}</th>
                  <th scope="col">{id.indicators.poor}</th>
                  <th scope="col">{id.indicators.notPoor}</th>
                  <th scope="col">{id.indicators.undetermined}</th>
                  <th scope="col">{id.indicators.poorShare}</th>
                  <th scope="col">{id.indicators.flagged}</th>
                  <th scope="col">{id.indicators.waiting}</th>
                  <th scope="col">{id.indicators.resubmitted}</th>
                  <th scope="col">{id.indicators.returned}</th>
                  <th scope="col">{id.indicators.rejected}</th>
                  <th scope="col">{id.indicators.overdue}</th>
                </tr>
              </thead>
              <tbody>
                {[...data.areas, sum].map((a) =>
                  a.suppressed ? (
                    <tr key={a.code}>
                      <th scope="row">{a.name}</th>
                      <td colSpan={12} class="muted">
                        {id.indicators.withheld}
                      </td>
                    </tr>
                  ) : (
                  <tr key={a.code || "jumlah"} class={a.code ? undefined : "sum"}>
                    <th scope="row">{a.name}</th>
                    <td>{cell(a.households_surveyed)}</td>
                    <td>{cell(a.households_approved)}</td>
                    <td>{cell(a.poor)}</td>
                    <td>{cell(a.not_poor)}</td>
                    <td>{cell(a.undetermined)}</td>
                    <td>{a.poor_share == null ? id.indicators.none : formatPercent(a.poor_share)}</td>
                    <td>{cell(a.households_flagged)}</td>
                    <td>{cell(a.review.pending)}</td>
                    <td>{cell(a.review.resubmitted)}</td>
                    <td>{cell(a.review.returned)}</td>
                    <td>{cell(a.review.rejected)}</td>
                    <td>{cell(a.review.overdue)}</td>
                  </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
          <section aria-labelledby="kriteria">
            <h2 id="kriteria">{id.indicators.criteriaTitle}</h2>
            <p class="hint">{id.indicators.criteriaCaption(formatNumber(sum.households_surveyed))}</p>
            <ul class="bars">
              {Object.entries(id.criteria).map(([code, label]) => {
                const n = sum.criteria_met[code] ?? 0;
                const share = sum.households_surveyed > 0 ? n / sum.households_surveyed : 0;
                return (
                  <li key={code}>
                    <span class="bar-label">{label}</span>
                    <span class="bar" aria-hidden="true">
                      <span class="fill" style={{ width: `${Math.round(share * 100)}%` }} />
                    </span>
                    <span class="bar-value">
                      {formatNumber(n)} ({formatPercent(share)})
                    </span>
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-labelledby="unduh">
            <h2 id="unduh">{id.indicators.exports}</h2>
            {mayReview(me) ? (
              <label class="check">
                <input type="checkbox" checked={unmasked} onChange={(e) => setUnmasked(e.currentTarget.checked)} />
                {id.indicators.unmasked}
              </label>
            ) : (
              <p class="hint">{id.indicators.masked}</p>
            )}
            <div class="bulk">
              {(["xlsx", "csv"] as const).map((format) => (
                <button key={`h-${format}`} type="button" disabled={busy} onClick={() => void download("households", format)}>
                  {id.indicators.exportHouseholds(format.toUpperCase())}
                </button>
              ))}
              {(["xlsx", "csv"] as const).map((format) => (
                <button key={`i-${format}`} type="button" disabled={busy} onClick={() => void download("indicators", format)}>
                  {id.indicators.exportIndicators(format.toUpperCase())}
                </button>
              ))}
            </div>
            {busy && <p class="hint">{id.indicators.downloading}</p>}
          </section>
        </>
      )}
    </main>
  );
}
