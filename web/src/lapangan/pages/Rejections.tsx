import { id } from "../../i18n/id";
import type { Rejected, Store } from "../store";

const t = id.lapangan;

/** What the server refused, with its reasons, until the worker has read it. */
export function Rejections(props: { store: Store; rejected: Rejected[]; onChange: () => void }) {
  if (props.rejected.length === 0) return null;
  return (
    <section class="rejections" aria-labelledby="ditolak">
      <h2 id="ditolak">{t.rejectedTitle}</h2>
      <p>{t.rejectedIntro}</p>
      <ul>
        {props.rejected.map((r) => (
          <li key={r.seq}>
            <p>{t.rejectedItem(t.op[r.mutation.op] ?? r.mutation.op, r.receipt.rejection?.message ?? "")}</p>
            {r.receipt.rejection?.fields?.length ? (
              <ul>
                {r.receipt.rejection.fields.map((f) => (
                  <li key={f.field}>
                    {f.field}: {f.message}
                  </li>
                ))}
              </ul>
            ) : null}
            <button type="button" onClick={() => void props.store.dismissRejection(r.seq).then(props.onChange)}>
              {t.dismiss}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
