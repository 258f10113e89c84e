// The field app's service worker: keeps the app shell (page, scripts, styles, manifest, icons)
// so that the app opens with no signal, for days. The build writes the shell's file list and
// a version made from it in place of the two markers below (vite.config.ts); a new build is a
// new service worker, which caches the new shell and then drops the old one.
//
// The API (/v1/…) is never cached here: the app keeps its data in IndexedDB and sends and
// fetches through the sync protocol, which knows what is safe to repeat.

/// <reference lib="webworker" />

declare const self: ServiceWorkerGlobalScope;

const SHELL: string[] = JSON.parse("__LAPANGAN_SHELL__") as string[];
const VERSION: string = "__LAPANGAN_VERSION__";
const CACHE = `lapangan-${VERSION}`;
const PAGE = "/lapangan/index.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Fresh from the server, not from the browser's HTTP cache.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("lapangan-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/lapangan/")) {
    // Every page of the app is the one page; its routes are drawn in the browser.
    event.respondWith(fromCache(PAGE, request));
    return;
  }
  if (SHELL.includes(url.pathname)) event.respondWith(fromCache(url.pathname, request));
});

async function fromCache(key: string, request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  return hit ?? fetch(request);
}

export {};
