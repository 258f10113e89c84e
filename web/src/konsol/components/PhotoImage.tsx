import { useEffect, useState } from "preact/hooks";

import { useSession } from "../context";

/** Object URLs of photos already fetched, by path: a thumbnail is fetched once per page load. */
const cache = new Map<string, Promise<string>>();

/** A photo the API serves, fetched with the token (an <img src> cannot send it). */
export function usePhotoUrl(path: string | null): string | null {
  const { api } = useSession();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    let pending = cache.get(path);
    if (!pending) {
      pending = api.blob(path).then((blob) => URL.createObjectURL(blob));
      pending.catch(() => cache.delete(path));
      cache.set(path, pending);
    }
    pending.then((u) => live && setUrl(u)).catch(() => live && setUrl(null));
    return () => {
      live = false;
    };
  }, [api, path]);
  return url;
}

export function PhotoImage(props: { sha256: string; side: 256 | 1024; alt: string }) {
  const url = usePhotoUrl(`/v1/photos/${props.sha256}/thumbnail/${props.side}`);
  return url ? (
    <img src={url} alt={props.alt} width={props.side} class={`photo s${props.side}`} />
  ) : (
    <span class={`photo s${props.side} placeholder`} role="img" aria-label={props.alt} />
  );
}
