// hoctap service worker: keeps the app shell so the app opens and scores with no network.
//
// - The cache name carries a hash of the built files (scripts/build-frontend.sh replaces
//   __BUILD_HASH__), so every deploy installs a new worker and old caches are dropped.
// - Navigations: network first (fresh index.html when online), the cached index.html
//   when offline, so deep links such as /#cdht-244-2022 open offline.
// - The shell's assets: cache first; a version's files never change under it.
// - /api/ is never touched: it always goes to the network; nor is /c/ (the citizen's
//   page of a campaign's link, which has its own worker).
// - The office app (office.html and its files) is not part of the shell: a hamlet
//   officer's phone never downloads it. Its files are kept in the same cache the first
//   time they are fetched, so that offline the page opens and says it needs the network.
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

// The office app's files: cached when first opened, not at install.
const OFFICE = ["office.html", "office.css", "hoctap_office.js", "hoctap_office_bg.wasm"];

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
  // A campaign's link (/c/<token>) is the citizen's page, with its own worker (scope
  // /c/): never answer it with the officers' app, online or not.
  if (url.href.startsWith(scoped("c/"))) return;

  const office = url.origin + url.pathname === scoped("office.html");
  if (request.mode === "navigate") {
    // Network first; offline, the cached page: the office page for itself (once opened),
    // the app's index.html for every other address.
    const page = office ? "office.html" : "index.html";
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (office && response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(scoped("office.html"), copy));
          }
          return response;
        })
        .catch(() =>
          caches.open(CACHE).then((cache) => cache.match(scoped(page)))
            .then((cached) => cached || new Response(office
              ? "Không có mạng. Trang văn phòng cần có mạng để mở lần đầu."
              : "Không có mạng và chưa có bản lưu của ứng dụng.", {
              status: 503,
              headers: { "Content-Type": "text/plain; charset=utf-8" },
            }))
        )
    );
    return;
  }

  if (OFFICE.some((path) => scoped(path) === url.href)) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((cached) => cached || fetch(request).then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
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
