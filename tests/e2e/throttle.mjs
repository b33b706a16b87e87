// Measuring the web app on a slow network (issue 6): network throttling through the
// Chrome DevTools Protocol for a page *and* its service worker, in-page time marks, and
// the commune-sized data (10,000 evaluations) that the sync measurements move.
//
// Throttling. CDP's `Network.emulateNetworkConditions` is request-level throttling: it
// delays each response by `latency` and paces the bytes at the given throughput (no
// packet loss, no TCP slow start: a little kinder than a real link). Sent on a page's
// session it applies to what the page's own network stack fetches — its documents,
// scripts and `fetch()` calls, including the /api/ calls that the service worker lets
// through without answering them — but NOT to what the service worker fetches itself
// (its install, which stores the offline copy, and its network-first navigations). A
// session on the page that auto-attaches to related targets (`Target.setAutoAttach`,
// not flattened) also gets the service worker that controls the page; `throttle()`
// sends the same conditions to it through `Target.sendMessageToTarget`, holding it
// (`waitForDebuggerOnStart`) until they are set. Measured on Chromium 156: a controlled
// page's navigation took 42 ms with only the page throttled and 197 ms with the worker
// throttled too (150 ms latency), and a `fetch('/api/v1/health')` took 162 ms either
// way (the page's own stack carries it).

import { randomUUID } from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";

import { pushOps, testDevice } from "./lib.mjs";

/**
 * The slow network: 1.6 Mbps down, 750 kbps up, 150 ms round trip. These are
 * Lighthouse's mobile throttling preset ("Slow 4G", formerly "Fast 3G"; WebPageTest's
 * "Mobile 3G - Fast"), the bottom quarter of 4G and top quarter of 3G connections, in
 * decimal units (200,000 and 93,750 bytes per second). Lighthouse's own DevTools mode
 * multiplies the latency by 3.75 and the throughputs by 0.9 to make request-level
 * throttling behave like a real link; these are the plain figures, as the issue asks.
 */
export const SLOW_NETWORK = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };

/** The Learning Citizen set (Công dân học tập, 244/QĐ-BGDĐT 2022) and its ten indicators. */
export const CITIZEN_SET = "cdht-244-2022";
export const CITIZEN_INDICATORS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2"];

// ---------------------------------------------------------------------------------
// Throttling and traffic

/**
 * Throttles `page` and every service worker attached to it to `conditions` (CDP's
 * `Network.emulateNetworkConditions`: `{ offline, latency, downloadThroughput,
 * uploadThroughput }`, milliseconds and bytes per second), and counts the traffic of
 * both. Call it before navigating. Returns:
 * - `set(conditions)`: new conditions for the page and its workers;
 * - `workers()`: the service workers' URLs seen so far (attached and throttled);
 * - `requests()`: one `{ by, url, method, status, encoding, cached, bytes, decoded,
 *   sent, finished }` per finished request, `by` "page" or "service-worker", `bytes` as
 *   CDP counts them on the wire (`encodedDataLength`: response headers and body as
 *   sent, so compressed), `decoded` the body's size once decoded, `cached` when no
 *   request reached the network (memory or disk cache, or answered by the service
 *   worker), `sent` and `finished` CDP's monotonic timestamps (seconds), and `failed`
 *   with the error when the request failed (offline, refused…);
 * - `reset()`: forgets the requests counted so far;
 * - `detach()`.
 */
export async function throttle(page, conditions = SLOW_NETWORK) {
  const cdp = await page.context().newCDPSession(page);
  let current = conditions;
  const workers = new Map();
  let requests = new Map();
  let nextId = 1;
  const replies = new Map();

  const network = (by, method, params) => {
    const key = `${by}:${params.requestId}`;
    if (!requests.has(key)) requests.set(key, { by, bytes: 0, decoded: 0, cached: false, done: false });
    const r = requests.get(key);
    if (method === "Network.requestWillBeSent") {
      r.url = params.request.url;
      r.method = params.request.method;
      r.sent = params.timestamp;
    } else if (method === "Network.responseReceived") {
      const headers = Object.fromEntries(Object.entries(params.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.status = params.response.status;
      r.encoding = headers["content-encoding"] ?? null;
      r.cached = Boolean(params.response.fromDiskCache || params.response.fromServiceWorker || params.response.fromPrefetchCache);
    } else if (method === "Network.dataReceived") {
      r.decoded += params.dataLength;
    } else if (method === "Network.loadingFinished") {
      r.bytes = params.encodedDataLength;
      r.finished = params.timestamp;
      r.done = true;
    } else if (method === "Network.loadingFailed") {
      r.failed = params.errorText;
      r.finished = params.timestamp;
      r.done = true;
    } else if (method === "Network.requestServedFromCache") {
      r.cached = true;
    }
  };
  for (const method of ["requestWillBeSent", "responseReceived", "dataReceived", "loadingFinished", "loadingFailed", "requestServedFromCache"]) {
    cdp.on(`Network.${method}`, (params) => network("page", `Network.${method}`, params));
  }

  const toWorker = (sessionId, method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      replies.set(id, { resolve, reject });
      cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) }).catch((err) => {
        replies.delete(id);
        reject(err);
      });
    });
  cdp.on("Target.receivedMessageFromTarget", ({ message }) => {
    const msg = JSON.parse(message);
    if (msg.id !== undefined && replies.has(msg.id)) {
      const { resolve, reject } = replies.get(msg.id);
      replies.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
      else resolve(msg.result);
    } else if (msg.method?.startsWith("Network.")) {
      network("service-worker", msg.method, msg.params);
    }
  });
  cdp.on("Target.attachedToTarget", async ({ sessionId, targetInfo, waitingForDebugger }) => {
    // A target may go away at any moment (a worker stopped, a page closed): then so do
    // its session and these commands, which is fine.
    if (targetInfo.type === "service_worker") {
      try {
        await toWorker(sessionId, "Network.enable");
        await toWorker(sessionId, "Network.emulateNetworkConditions", current);
        workers.set(sessionId, targetInfo.url);
      } catch {
        // Gone.
      }
    }
    if (waitingForDebugger) await toWorker(sessionId, "Runtime.runIfWaitingForDebugger").catch(() => {});
  });
  cdp.on("Target.detachedFromTarget", ({ sessionId }) => workers.delete(sessionId));

  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", current);
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });

  return {
    async set(conditions) {
      current = conditions;
      await cdp.send("Network.emulateNetworkConditions", conditions);
      for (const sessionId of workers.keys()) {
        await toWorker(sessionId, "Network.emulateNetworkConditions", conditions).catch(() => {});
      }
    },
    workers: () => [...new Set(workers.values())],
    requests: () =>
      [...requests.values()].filter((r) => r.url && r.done && !r.url.startsWith("data:")).map(({ done, ...r }) => r),
    reset() {
      requests = new Map();
    },
    async detach() {
      await cdp.detach().catch(() => {});
    },
  };
}

/** Adds up `requests` (from `throttle().requests()`) that reached the network. */
export function traffic(requests, filter = () => true) {
  const list = requests.filter((r) => !r.cached && filter(r));
  const sum = (by) => list.filter((r) => by === undefined || r.by === by).reduce((total, r) => total + r.bytes, 0);
  return {
    requests: list.length,
    total: sum(),
    page: sum("page"),
    serviceWorker: sum("service-worker"),
    decoded: list.reduce((total, r) => total + r.decoded, 0),
  };
}

/**
 * Where the time of a sequence of requests went (`requests` from `throttle().requests()`,
 * made one after another, as a sync round does): `network`, the sum of each request's
 * time from sent to its answer's last byte; `between`, the sum of the gaps from one
 * answer's last byte to the next request (the app storing and showing what came, or
 * preparing what goes); and the mean gap over the first and the last ten requests, in
 * milliseconds.
 */
export function timeline(requests) {
  const list = [...requests].filter((r) => r.sent !== undefined && r.finished !== undefined).sort((a, b) => a.sent - b.sent);
  let network = 0;
  const gaps = [];
  for (const [i, r] of list.entries()) {
    network += r.finished - r.sent;
    if (i + 1 < list.length) gaps.push(Math.max(0, list[i + 1].sent - r.finished));
  }
  const mean = (xs) => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length) * 1000 : 0);
  return {
    network: network * 1000,
    between: gaps.reduce((a, b) => a + b, 0) * 1000,
    firstGaps: mean(gaps.slice(0, 10)),
    lastGaps: mean(gaps.slice(-10)),
  };
}

/**
 * Counts what the page's requests sent and received, as Playwright reports it
 * (`request.sizes()`: bodies as sent, so compressed when they were, plus headers), for
 * requests whose URL passes `filter`. Returns `{ stop() }`, which resolves to
 * `{ requests, up, upBodies, down, downBodies }`.
 */
export function countRequests(context, filter) {
  const pending = [];
  const onFinished = (request) => {
    if (!filter(request.url())) return;
    pending.push(request.sizes().catch(() => null));
  };
  context.on("requestfinished", onFinished);
  return {
    async stop() {
      context.off("requestfinished", onFinished);
      const sizes = (await Promise.all(pending)).filter(Boolean);
      const total = (f) => sizes.reduce((sum, s) => sum + f(s), 0);
      return {
        requests: sizes.length,
        up: total((s) => s.requestBodySize + s.requestHeadersSize),
        upBodies: total((s) => s.requestBodySize),
        down: total((s) => s.responseBodySize + s.responseHeadersSize),
        downBodies: total((s) => s.responseBodySize),
      };
    },
  };
}

// ---------------------------------------------------------------------------------
// Time marks inside the page

/**
 * An init script (`context.addInitScript(MARKS)`) that records in `window.__marks`,
 * as `performance.now()` (milliseconds since the navigation started):
 * - `shell`: the frame after the wasm app first put a screen in the DOM (`main.app`:
 *   on a warm start, the notice "Đang mở dữ liệu trên máy…" while storage is read);
 * - `login`: the frame after the login form's username field is in the DOM;
 * - `home`: the frame after the home screen's registers are in the DOM (the device's
 *   session and records loaded from IndexedDB and merged);
 * - `syncStart`: the first moment the sync bar shows a running round;
 * - `pushed`: after that, the first moment nothing waits in the outbox;
 * - `syncDone` / `syncFailed`: after that, the first moment the round has finished /
 *   failed.
 */
export function MARKS() {
  const marks = (window.__marks = {});
  const frames = [
    ["shell", "main.app"],
    ["login", "#login-user"],
    ["home", ".registers .register-card"],
  ];
  const seen = new Set();
  const check = () => {
    for (const [name, selector] of frames) {
      if (!seen.has(name) && document.querySelector(selector)) {
        seen.add(name);
        requestAnimationFrame(() => (marks[name] = performance.now()));
      }
    }
    const bar = document.querySelector(".sync-bar");
    if (!bar) return;
    const state = bar.dataset.sync;
    const now = performance.now();
    if (marks.syncStart === undefined) {
      if (state === "running") marks.syncStart = now;
      return;
    }
    if (marks.pushed === undefined && document.querySelector('.sync-waiting[data-waiting="0"]')) marks.pushed = now;
    if (marks.syncDone === undefined && state === "done") marks.syncDone = now;
    if (marks.syncFailed === undefined && (state === "failed" || state === "offline")) marks.syncFailed = now;
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-sync", "data-waiting"],
  });
}

/** The marks recorded so far in `page` (see MARKS). */
export async function marks(page) {
  return page.evaluate(() => ({ ...(window.__marks ?? {}) }));
}

/** Waits until `page` has recorded the mark `name` and resolves to all marks. */
export async function waitForMark(page, name, timeout = 60_000) {
  await page.waitForFunction((name) => window.__marks?.[name] !== undefined, name, { timeout, polling: 50 });
  return marks(page);
}

// ---------------------------------------------------------------------------------
// A commune's data

/**
 * Registers `hamlets` hamlets of `people` people each (households of four) under
 * `commune`, as its officers would, pushed through the API. Resolves to
 * `[{ unit, people: [person id] }]` and the number of operations.
 */
export async function seedCommune(base, token, commune, { hamlets = 10, people = 1000 } = {}) {
  const registered = [];
  const ops = [];
  const result = [];
  for (let h = 0; h < hamlets; h += 1) {
    const recordId = randomUUID();
    const unit = `hamlet:${recordId}`;
    registered.push({
      record: { kind: "hamlet", id: recordId },
      unit: commune,
      body: { type: "set_fields", fields: [{ field: "name", value: `Thôn ${h + 1}`, base: [] }, { field: "unit_type", value: "Thôn", base: [] }] },
    });
    const ids = [];
    let household = null;
    for (let p = 0; p < people; p += 1) {
      if (p % 4 === 0) {
        household = randomUUID();
        ops.push({ record: { kind: "household", id: household }, unit, body: { type: "set_fields", fields: [{ field: "ten_chu_ho", value: `Hộ ${h + 1}.${p / 4 + 1}`, base: [] }] } });
      }
      const id = randomUUID();
      ids.push(id);
      const fields = [
        { field: "name", value: `Người ${h + 1}.${p + 1}`, base: [] },
        { field: "birth_year", value: 1950 + (p % 60), base: [] },
        { field: "household", value: household, base: [] },
      ];
      ops.push({ record: { kind: "person", id }, unit, body: { type: "set_fields", fields } });
    }
    result.push({ unit, people: ids });
  }
  // Hamlets first: their people's units must exist when they arrive.
  const dev = testDevice();
  await pushOps(base, token, registered, dev);
  for (let i = 0; i < ops.length; i += 1000) await pushOps(base, token, ops.slice(i, i + 1000), dev);
  return { hamlets: result, ops: registered.length + ops.length };
}

/**
 * The operations the web app records for one scored and submitted Learning Citizen
 * evaluation of `subject` (a person id) in `unit`: the evaluation's facts, one score
 * per indicator, then "Gửi duyệt" — 12 operations, without id, device or clock.
 */
export function evaluationOps(unit, subject, n, year = 2026) {
  const record = { kind: "evaluation", id: randomUUID() };
  const facts = [
    { field: "set", value: CITIZEN_SET, base: [] },
    { field: "year", value: year, base: [] },
    { field: "context", value: { area: null, tags: [], subject_group: null }, base: [] },
    { field: "subject", value: { kind: "person", id: subject }, base: [] },
  ];
  return [
    { record, unit, body: { type: "set_fields", fields: facts } },
    ...CITIZEN_INDICATORS.map((indicator, i) => ({
      record,
      unit,
      body: { type: "set_score", indicator, answer: 5 + ((n + i) % 6), base: [] },
    })),
    { record, unit, body: { type: "transition", transition: { action: "submit" } } },
  ];
}

/** Pushes one evaluation per person of `hamlets` (from seedCommune) through the API. */
export async function pushEvaluations(base, token, hamlets) {
  const dev = testDevice();
  let batch = [];
  let count = 0;
  for (const { unit, people } of hamlets) {
    for (const [n, person] of people.entries()) {
      batch.push(...evaluationOps(unit, person, n));
      if (batch.length >= 996) {
        count += batch.length;
        await pushOps(base, token, batch, dev);
        batch = [];
      }
    }
  }
  if (batch.length > 0) {
    count += batch.length;
    await pushOps(base, token, batch, dev);
  }
  return count;
}

/**
 * Writes one evaluation per person of `hamlets` into the device's outbox the way the
 * web app saves them (`Storage::append_ops`: each operation in the `outbox` and `ops`
 * stores of the `hoctap` IndexedDB database, keyed by id, stamped by the device's id
 * and its hybrid logical clock, the clock stored after them). Run it with the app
 * offline, so that no sync round starts before the measurement does. Resolves to the
 * number of operations written.
 */
export async function fillOutbox(page, hamlets) {
  const work = hamlets.map(({ unit, people }) => ({ unit, ops: people.flatMap((person, n) => evaluationOps(unit, person, n)) }));
  return page.evaluate(async (work) => {
    const request = (r) => new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const done = (tx) => new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = tx.onabort = () => reject(tx.error))));
    const db = await request(indexedDB.open("hoctap"));
    const meta = db.transaction(["meta"], "readonly").objectStore("meta");
    const device = await request(meta.get("device"));
    const stored = await request(meta.get("clock"));
    let clock = stored ?? { wall_ms: 0, counter: 0, device };
    const tick = () => {
      const now = Date.now();
      clock = now > clock.wall_ms ? { wall_ms: now, counter: 0, device } : { wall_ms: clock.wall_ms, counter: clock.counter + 1, device };
      return clock;
    };
    let written = 0;
    for (const { ops } of work) {
      for (let i = 0; i < ops.length; i += 6000) {
        const tx = db.transaction(["outbox", "ops", "meta"], "readwrite");
        for (const op of ops.slice(i, i + 6000)) {
          const full = { id: crypto.randomUUID(), device, hlc: tick(), ...op };
          tx.objectStore("outbox").put(full);
          tx.objectStore("ops").put(full);
          written += 1;
        }
        tx.objectStore("meta").put(clock, "clock");
        await done(tx);
      }
    }
    db.close();
    return written;
  }, work);
}

// ---------------------------------------------------------------------------------
// What compression would change

/**
 * Sizes of `json` (a string) as sent today (identity), gzip (level 6, what a
 * CompressionLayer sends by default) and brotli (quality 4, likewise).
 */
export function compressedSizes(json) {
  const raw = Buffer.from(json);
  return {
    identity: raw.length,
    gzip: zlib.gzipSync(raw, { level: 6 }).length,
    br: zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }).length,
  };
}

/**
 * A reverse proxy in front of `target` (a base URL) that compresses the JSON API's
 * answers with gzip when the browser accepts it, as tower-http's CompressionLayer
 * would on /api/ — to measure what compressed API answers would change without
 * changing the server. Everything else passes through unchanged. Resolves to
 * `{ base, close() }`.
 */
export async function compressingProxy(target) {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const json = /json/.test(answer.headers["content-type"] ?? "");
        const gzip = req.url.startsWith("/api/") && json && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "") && !answer.headers["content-encoding"];
        if (!gzip) {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
          return;
        }
        const headers = { ...answer.headers, "content-encoding": "gzip", vary: "accept-encoding" };
        delete headers["content-length"];
        res.writeHead(answer.statusCode, headers);
        answer.pipe(zlib.createGzip({ level: 6 })).pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
