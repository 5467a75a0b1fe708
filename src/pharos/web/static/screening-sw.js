// The offline screening page's service worker (served as /screenings/offline/sw.js, scope
// /screenings/offline/, after a line that sets PHAROS_OFFLINE = {cache, page, assets}).
// It keeps the page and its files so that the page opens with no network. The page is asked of
// the network first (a signed-in user gets the newest; a sign-in redirect is never kept); the
// files come from the kept copy, replaced when their version (the cache's name) changes.
// Nothing the user records passes through here: screenings are kept encrypted by the page.
"use strict";

const CACHE = PHAROS_OFFLINE.cache;
const PAGE = PHAROS_OFFLINE.page;
const ASSETS = PHAROS_OFFLINE.assets;

async function keepPage(cache) {
  try {
    const response = await fetch(PAGE, { credentials: "same-origin", cache: "no-store" });
    if (response.ok && !response.redirected) await cache.put(PAGE, response);
  } catch (e) {
    // offline while installing: the page is kept the next time it loads online
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(ASSETS);
      await keepPage(cache);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("pharos-offline-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })()
  );
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
    return response;
  } catch (e) {
    const kept = await cache.match(PAGE);
    if (kept) return kept;
    throw e;
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
  // anything else (the API, session.json, other pages) goes to the network as usual
});
