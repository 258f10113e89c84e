import { id } from "../../i18n/id";

/** A risk score 0–100 with its band in words, not in colour alone. */
export function RiskBadge(props: { risk: number }) {
  const band = props.risk >= 40 ? "high" : props.risk >= 15 ? "medium" : "low";
  return (
    <span class={`risk ${band}`}>
      {props.risk} <span class="band">({id.severity[band]})</span>
    </span>
  );
}
