// hoctap service worker: keeps the app shell so the app opens and scores with no network.
//
// - The cache name carries a hash of the built files (scripts/build-frontend.sh replaces
//   __BUILD_HASH__), so every deploy installs a new worker and old caches are dropped.
// - Navigations: network first (fresh index.html when online), the cached index.html
//   when offline, so deep links such as /#cdht-244-2022 open offline.
// - The shell's assets: cache first; a version's files never change under it.
// - /api/ is never touched: it always goes to the network.
// - No automatic skipWaiting: a new version waits until the page posts 'skip-waiting'
//   (the officer pressed "Cập nhật"), so unsynced work is never stranded.

const VERSION = "__BUILD_HASH__";
const CACHE = "hoctap-shell-" + VERSION;
const SHELL = [
  "./",
  "index.html",
  "hoctap_frontend.js",
  "hoctap_frontend_bg.wasm",
  "style.css",
  "manifest.webmanifest",
  "icon.svg",
];

function scoped(path) {
  return new URL(path, self.registration.scope).href;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // Revalidate with the server so a new version never stores an old file, but take
      // the HTTP cache's copy when the server confirms it is current (304): on a first
      // visit the page has just downloaded these files, and "reload" would download
      // them all a second time (the first visit's budget is 500 KB, compressed).
      cache.addAll(SHELL.map((path) => new Request(scoped(path), { cache: "no-cache" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("hoctap-shell-") && name !== CACHE).map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(scoped("index.html")))
          .then((cached) => cached || new Response("Không có mạng và chưa có bản lưu của ứng dụng.", {
            status: 503,
            headers: { "Content-Type": "text/plain; charset=utf-8" },
          }))
      )
    );
    return;
  }

  if (SHELL.some((path) => scoped(path) === url.href)) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((cached) => cached || fetch(request))
      )
    );
  }
});
