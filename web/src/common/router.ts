// A small history-API router: the path is the state; links and `navigate` push to it.

import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

/** Goes to `path` (pushes a history entry unless `replace`). */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

/** The current path and search, re-rendering on every navigation. */
export function useLocation(): string {
  const [location, setLocation] = useState(currentLocation());
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return location;
}

function currentLocation(): string {
  return location.pathname + location.search;
}

/** A click on an in-app link navigates without reloading the page. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
