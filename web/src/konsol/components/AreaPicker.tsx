import { useEffect, useState } from "preact/hooks";

import type { AreaRef } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { useSession } from "../context";

/** Picks areas from the tree of the signed-in admin's own: kecamatan, and their desa on
 * request. */
export function AreaPicker(props: { value: string[]; onChange: (codes: string[]) => void; legend: string }) {
  const { api, me } = useSession();
  const [kecamatan, setKecamatan] = useState<AreaRef[]>([]);
  const [desa, setDesa] = useState<Record<string, AreaRef[]>>({});
  useEffect(() => {
    Promise.all(me.areas.map((a) => api.areas(a, "kecamatan")))
      .then((lists) => setKecamatan(lists.flatMap((l) => l.areas)))
      .catch(() => setKecamatan([]));
  }, [api, me]);
  const chosen = new Set(props.value);
  const toggle = (code: string) => {
    const next = new Set(chosen);
    if (next.has(code)) next.delete(code);
    else next.add(code);
    props.onChange([...next].sort());
  };
  const expand = (code: string) => {
    if (desa[code]) return;
    api
      .areas(code, "desa")
      .then((l) => setDesa({ ...desa, [code]: l.areas }))
      .catch(() => setDesa({ ...desa, [code]: [] }));
  };
  return (
    <fieldset class="area-picker">
      <legend>{props.legend}</legend>
      {kecamatan.length === 0 && <p class="hint">{id.app.loading}</p>}
      <ul>
        {kecamatan.map((k) => (
          <li key={k.code}>
            <label class="check">
              <input type="checkbox" checked={chosen.has(k.code)} onChange={() => toggle(k.code)} />
              {k.name} <span class="sub">{k.code}</span>
            </label>
            {!desa[k.code] ? (
              <button type="button" class="link" onClick={() => expand(k.code)}>
                {id.users.showDesa(k.name)}
              </button>
            ) : (
              <ul>
                {desa[k.code]?.map((d) => (
                  <li key={d.code}>
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={chosen.has(d.code)}
                        disabled={chosen.has(k.code)}
                        onChange={() => toggle(d.code)}
                      />
                      {d.name} <span class="sub">{d.code}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {chosen.size === 0 && <p class="hint">{id.users.noneSelected}</p>}
    </fieldset>
  );
}
