import type { AreaRef } from "../../generated/protocol";

/** The areas a page can be looked at for: the user's own areas first (named by `name`), then
 * the kecamatan within them. */
export function AreaOptions(props: { areas: string[]; kecamatan: AreaRef[]; name: (code: string) => string }) {
  return (
    <>
      {props.areas.map((a) => (
        <option key={a} value={a}>
          {props.name(a)}
        </option>
      ))}
      {props.kecamatan
        .filter((k) => !props.areas.includes(k.code))
        .map((k) => (
          <option key={k.code} value={k.code}>
            {k.name}
          </option>
        ))}
    </>
  );
}
