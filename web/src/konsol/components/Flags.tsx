import type { HouseholdQuality } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { formatDateTime } from "../../common/format";
import { type AreaNames, flagText } from "./FlagText";
import { PhotoImage } from "./PhotoImage";

/** Each visit's quality flags in words, with the evidence that raised them; a reused photo is
 * shown beside the other household's. */
export function Flags(props: { quality: HouseholdQuality; names: AreaNames }) {
  const visits = props.quality.visits;
  const any = visits.some((v) => v.flags.length > 0);
  return (
    <section aria-labelledby="tanda">
      <h2 id="tanda">{id.household.flags}</h2>
      {visits.some((v) => v.state === "pending") && <p class="hint">{id.household.checkPending}</p>}
      {!any && <p>{id.household.noFlags}</p>}
      {visits
        .filter((v) => v.flags.length > 0)
        .map((visit) => (
          <div key={visit.visit_id} class="visit-flags">
            <p class="sub">
              {visit.risk != null && id.household.riskOf(visit.risk)}
              {visit.checked_at && ` · ${formatDateTime(visit.checked_at)}`}
            </p>
            <ul class="flags">
              {visit.flags.map((flag, i) => (
                <li key={i} class={`flag ${flag.severity}`}>
                  <strong>{id.flagCode[flag.code] ?? id.flagText.unknownCode}</strong>{" "}
                  <span class="severity">({id.severity[flag.severity]})</span>
                  <p>{flagText(flag, props.names)}</p>
                  {flag.code === "photo_reused" && (
                    <div class="side-by-side">
                      <figure>
                        <PhotoImage sha256={flag.evidence.photo} side={256} alt={id.flagText.thisPhoto} />
                        <figcaption>{id.flagText.thisPhoto}</figcaption>
                      </figure>
                      {flag.evidence.matches.map((m) => (
                        <figure key={m.photo}>
                          <PhotoImage sha256={m.photo} side={256} alt={id.flagText.theirPhoto} />
                          <figcaption>
                            <a href={`/rumah-tangga/${m.household}`}>{id.flagText.otherHousehold}</a>
                          </figcaption>
                        </figure>
                      ))}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ))}
    </section>
  );
}
