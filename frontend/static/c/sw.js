// The citizen's page's service worker (scope /c/, issue 18): keeps citizen.html and its
// files so a campaign's link reopens with no network. The page itself keeps the campaign
// and the answer waiting to be sent (localStorage); /api/ always goes to the network.
//
// - Navigations under /c/: network first, the cached citizen.html when offline.
// - The page's files: cache first; a build's files never change under it (the cache
//   name carries the build hash, stamped by scripts/build-frontend.sh).

const VERSION = "__BUILD_HASH__";
const CACHE = "hoctap-citizen-" + VERSION;
const FILES = ["/citizen.html", "/citizen.css", "/hoctap_citizen.js", "/hoctap_citizen_bg.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Revalidate (a 304 when the page has just downloaded them), never a second download.
      .then((cache) => cache.addAll(FILES.map((path) => new Request(path, { cache: "no-cache" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("hoctap-citizen-") && name !== CACHE).map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match("/citizen.html")).then((cached) =>
          cached || new Response("Không có mạng. Hãy mở lại đường dẫn khi có sóng.", {
            status: 503,
            headers: { "Content-Type": "text/plain; charset=utf-8" },
          })
        )
      )
    );
    return;
  }
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit || fetch(request))));
  }
});
