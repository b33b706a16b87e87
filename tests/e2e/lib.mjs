// The end-to-end harness: the real `hoctap` binary with a data directory of its own,
// the built web app (frontend/dist), Debian's headless Chromium driven through
// playwright-core, and small helpers over the JSON API so that a scenario can set up
// accounts and units the way an administrator would.
//
// Everything here is real: no mocks, no routes intercepted. A test owns its servers and
// browsers and must stop them (`t.after(() => server.stop())`); servers still running
// when the process exits are killed so that a failed test leaves nothing behind.

import { spawn, execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { chromium } from "playwright-core";

/** The repository's root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The server binary: the release build unless `HOCTAP_BIN` names another one. */
export const BIN = process.env.HOCTAP_BIN || path.join(ROOT, "target/release/hoctap");
/** The built web app (scripts/build-frontend.sh). */
export const FRONTEND_DIST = process.env.HOCTAP_FRONTEND_DIST || path.join(ROOT, "frontend/dist");
/** Debian's chromium; Playwright never downloads a browser of its own here. */
export const CHROMIUM = process.env.HOCTAP_CHROMIUM || "/usr/bin/chromium";
/** Where the JSON API lives. */
export const API_PREFIX = "/api/v1";

/**
 * Xã Cửu An (Gia Lai), the commune whose local plan ships in shared/data/plans/, and its
 * province: a province administrator invited on PROVINCE can administer COMMUNE.
 */
export const COMMUNE = "commune:23629:2025";
export const PROVINCE = "province:52:2025";

/**
 * Flags that keep Chromium off the network beyond the test's own server (this machine
 * reaches only package registries; without them Chromium keeps trying other hosts).
 */
export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--no-pings",
];

/** The first-visit budget: wasm, JS, CSS and the rest, compressed, in bytes. */
export const FIRST_VISIT_BUDGET = 500 * 1024;

// ---------------------------------------------------------------------------------
// Files and ports

/** Temporary directories made by `tempDir`, removed when the process exits. */
const temporary = new Set();

/**
 * A new empty directory under the system's temporary directory, removed when the test
 * file's process exits (kept with HOCTAP_E2E_KEEP=1, to look at a failed run's data).
 */
export async function tempDir(prefix = "hoctap-e2e-") {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  temporary.add(dir);
  return dir;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------
// The server

/** Servers started and not yet stopped, killed if the process exits first. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
  if (process.env.HOCTAP_E2E_KEEP === "1") return;
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts `hoctap serve` on 127.0.0.1:`port` over `dataDir` and waits until
 * `GET /api/v1/health` answers. Both default to fresh ones; pass the same two again
 * after `stop()` to restart the server on the same data (sled flushes on SIGTERM).
 *
 * Returns `{ base, port, dataDir, pid, log(), stop() }`: `base` is
 * `http://127.0.0.1:PORT` (no trailing slash); `log()` is everything the server printed;
 * `stop()` sends SIGTERM, waits for the exit and resolves to the exit code (0 is a clean
 * shutdown), killing the server if it has not stopped after 10 s.
 */
export async function startServer({ dataDir, port, frontend = FRONTEND_DIST, env = {} } = {}) {
  dataDir ??= await tempDir("hoctap-e2e-data-");
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ["serve", "--data-dir", dataDir, "--bind", `127.0.0.1:${port}`, "--frontend", frontend];
  const child = spawn(BIN, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal);
    });
  });
  let spawnError = null;
  child.on("error", (err) => (spawnError = err));

  const handle = {
    base,
    port,
    dataDir,
    pid: child.pid,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError) throw new Error(`cannot start ${BIN}: ${spawnError.message} (build it: see scripts/e2e.sh)`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`hoctap serve exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
    }
    try {
      const response = await fetch(`${base}${API_PREFIX}/health`);
      if (response.ok) return handle;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`hoctap serve did not answer /health within 20 s:\n${output}`);
    }
    await sleep(50);
  }
}

/**
 * Runs `hoctap admin invite` on `dataDir` (the server must be stopped: sled lets one
 * process open it) and returns `{ token, link, output }` for the one-time link it
 * printed. The defaults invite a province administrator of PROVINCE.
 */
export async function adminInvite(
  dataDir,
  { unit = PROVINCE, role = "province_admin", displayName = "Quản trị tỉnh", baseUrl = "http://127.0.0.1", validHours } = {},
) {
  const args = ["admin", "invite", "--data-dir", dataDir, "--unit", unit, "--role", role, "--display-name", displayName];
  args.push("--base-url", baseUrl);
  if (validHours !== undefined) args.push("--valid-hours", String(validHours));
  const { stdout } = await promisify(execFile)(BIN, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
  // The first address that ends in the token (the web app's page for it; the format of
  // the rest of the link is the server's business).
  const match = stdout.match(/(https?:\/\/\S*?([0-9a-f]{32,}))(?=\s|$)/m);
  if (!match) throw new Error(`no invitation link in the output of hoctap admin invite:\n${stdout}`);
  return { link: match[1], token: match[2], output: stdout };
}

// ---------------------------------------------------------------------------------
// The JSON API

/**
 * Calls the API: `path` is under /api/v1 unless it starts with /api/ itself. `body` is
 * sent as JSON; `token` as a bearer token. Resolves to `{ status, body, headers }`
 * whatever the status (`body` is the parsed JSON, or the text when it is not JSON).
 */
export async function api(base, apiPath, { token, method, body } = {}) {
  const url = base + (apiPath.startsWith("/api/") ? apiPath : API_PREFIX + apiPath);
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Like `api`, but throws with the answer unless the status is `expect` (or any 2xx). */
export async function apiOk(base, apiPath, options = {}, expect) {
  const answer = await api(base, apiPath, options);
  const ok = expect === undefined ? answer.status >= 200 && answer.status < 300 : answer.status === expect;
  if (!ok) {
    const method = options.method ?? (options.body === undefined ? "GET" : "POST");
    throw new Error(`${method} ${apiPath}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/**
 * Accepts a one-time invitation (a password of at least 10 characters). Resolves to the
 * new account's first session, `{ token, expires_at_ms, account }`.
 */
export async function acceptInvitation(base, invitationToken, username, password) {
  return apiOk(base, `/invitations/${invitationToken}/accept`, { body: { username, password } });
}

/** Logs in; resolves to `{ token, expires_at_ms, account }`. */
export async function login(base, username, password) {
  return apiOk(base, "/auth/login", { body: { username, password } });
}

/**
 * Invites someone as an administrator would from the app (`POST /invitations`):
 * `role` is collaborator, commune_officer, commune_approver, province_admin or viewer.
 * Resolves to `{ token, link, role, unit, expires_at_ms }`.
 */
export async function invite(base, adminToken, { role, unit, display_name, valid_hours }) {
  return apiOk(base, "/invitations", { token: adminToken, body: { role, unit, display_name, valid_hours } }, 201);
}

/** A device id and a hybrid-logical-clock stamp for operations pushed by a test. */
export function testDevice(device = randomUUID()) {
  let last = 0;
  let counter = 0;
  return {
    device,
    hlc() {
      const now = Date.now();
      if (now > last) {
        last = now;
        counter = 0;
      } else {
        counter += 1;
      }
      return { wall_ms: last, counter, device };
    },
  };
}

/**
 * Pushes operations (`{ record: { kind, id }, unit, body }`, the rest filled in) from
 * one device and throws unless all of them were accepted. Resolves to the PushResponse.
 */
export async function pushOps(base, token, ops, device = testDevice()) {
  const full = ops.map((op) => ({ id: randomUUID(), device: device.device, hlc: device.hlc(), ...op }));
  const answer = await apiOk(base, "/sync/push", { token, body: { protocol: 1, device: device.device, ops: full } });
  if (answer.rejected.length > 0 || answer.accepted.length !== full.length) {
    throw new Error(`push refused: ${JSON.stringify(answer)}`);
  }
  return answer;
}

/**
 * Registers a hamlet (thôn) under `communeId` by pushing a `hamlet` record, as the
 * commune's officers do from the app. Resolves to `{ recordId, unit }`, where `unit`
 * (`hamlet:<record id>`) is the id to invite people on.
 */
export async function createHamlet(base, adminToken, communeId, name, { unitType = "Thôn" } = {}) {
  const recordId = randomUUID();
  const fields = [
    { field: "name", value: name, base: [] },
    { field: "unit_type", value: unitType, base: [] },
  ];
  await pushOps(base, adminToken, [
    { record: { kind: "hamlet", id: recordId }, unit: communeId, body: { type: "set_fields", fields } },
  ]);
  return { recordId, unit: `hamlet:${recordId}` };
}

/**
 * The usual start of a scenario: a fresh data directory with a province administrator
 * of PROVINCE invited from the command line, then the server started and the invitation
 * accepted. Resolves to `{ server, admin }` (`admin` is the session).
 */
export async function serverWithAdmin({ username = "quantri.tinh", password = "mat-khau-dai-du", port, env } = {}) {
  const dataDir = await tempDir("hoctap-e2e-data-");
  const { token } = await adminInvite(dataDir);
  const server = await startServer({ dataDir, port, env });
  const admin = await acceptInvitation(server.base, token, username, password);
  return { server, admin };
}

// ---------------------------------------------------------------------------------
// The browser

/**
 * Debian's headless Chromium with a profile of its own in `profileDir` (a new directory
 * for a first visit, the same one to come back as the same device). Resolves to the
 * Playwright BrowserContext; `context.pages()[0]` is its first tab. Close it with
 * `context.close()`.
 */
export async function launchBrowser(profileDir, { viewport = { width: 360, height: 640 }, ...options } = {}) {
  profileDir ??= await tempDir("hoctap-e2e-profile-");
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    serviceWorkers: "allow",
    ...options,
  });
}

/** The first tab of a context launched by `launchBrowser`. */
export function firstPage(context) {
  return context.pages()[0] ?? context.newPage();
}

/** Cuts the browser off the network (true) or reconnects it (false), service worker included. */
export async function setOffline(context, offline) {
  await context.setOffline(offline);
}

/** Resolves once the app has rendered its title (`<h1>` mentioning hoctap). */
export async function waitForApp(page, { timeout = 30_000 } = {}) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("h1")].some((h1) => /hoctap/i.test(h1.textContent)),
    null,
    { timeout },
  );
}

/**
 * Resolves once a service worker is active and controls the page. On a first visit the
 * worker installs and activates but only claims pages opened after it (the app never
 * takes over a page by itself), so this reloads the page when it is not controlled yet.
 */
export async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!controlled) {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  }
}

/** Where `screenshot` writes: docs/screenshots/ with HOCTAP_SCREENSHOTS=1, else a temp dir. */
export const SCREENSHOT_DIR =
  process.env.HOCTAP_SCREENSHOTS === "1"
    ? path.join(ROOT, "docs/screenshots")
    : path.join(os.tmpdir(), "hoctap-e2e-screenshots");

/**
 * Saves a PNG of the page as `<name>.png` in SCREENSHOT_DIR and returns its path. Only
 * `HOCTAP_SCREENSHOTS=1` refreshes the README's pictures in docs/screenshots/, so an
 * ordinary test run never changes tracked files.
 */
export async function screenshot(page, name, { fullPage = false } = {}) {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// ---------------------------------------------------------------------------------
// Measuring the first visit

/**
 * Opens `url` in `page` (a fresh profile: nothing cached, no service worker yet) and
 * adds up what crossed the network until the app has rendered and its service worker
 * has installed the offline copy, which it fetches itself.
 *
 * The page's requests are read from Chromium's DevTools protocol (a CDP session on the
 * page: `Network.loadingFinished`'s `encodedDataLength`, headers included, as sent on
 * the wire, so compressed); the service worker's, which no page session sees, from
 * Playwright's request events (`request.sizes()`, body as sent plus headers).
 *
 * `network` throttles the page's own requests (not the worker's) for load-time
 * measurements: `{ latency, downloadThroughput, uploadThroughput }` as in CDP's
 * `Network.emulateNetworkConditions` (milliseconds, bytes per second); SLOW_3G is one.
 *
 * Resolves to `{ total, page, serviceWorker, resources, ms }` (`ms`: from navigation to
 * the app rendered): bytes in all, by the page and
 * by the worker, and one `{ url, path, by, type, status, encoding, bytes, body, cached }`
 * per request: `by` is "page" or "service-worker"; `bytes` crossed the network, of which
 * `body` was the body (0 when the server only confirmed a cached copy); `cached` when it
 * came from a cache without asking the server.
 */
export async function measureFirstVisit(page, url, { waitForReady = waitForApp, network } = {}) {
  const context = page.context();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (network) {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...network });
  }
  const byId = new Map();
  const resourceFor = (requestId) => {
    if (!byId.has(requestId)) byId.set(requestId, { by: "page", bytes: 0, cached: false });
    return byId.get(requestId);
  };
  cdp.on("Network.requestWillBeSent", (event) => {
    const resource = resourceFor(event.requestId);
    resource.url = event.request.url;
    resource.type = event.type;
  });
  cdp.on("Network.responseReceived", (event) => {
    const resource = resourceFor(event.requestId);
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    resource.status = event.response.status;
    resource.headerBytes = event.response.encodedDataLength;
    resource.encoding = headers["content-encoding"] ?? null;
    resource.cached = Boolean(event.response.fromDiskCache || event.response.fromServiceWorker);
  });
  cdp.on("Network.loadingFinished", (event) => {
    const resource = resourceFor(event.requestId);
    resource.bytes = event.encodedDataLength;
    resource.body = Math.max(0, event.encodedDataLength - (resource.headerBytes ?? 0));
  });

  const workerRequests = [];
  const onWorkerRequest = (request) => {
    if (!request.serviceWorker()) return;
    workerRequests.push(
      (async () => {
        const response = await request.response();
        const sizes = await request.sizes();
        const headers = response ? await response.allHeaders() : {};
        return {
          url: request.url(),
          by: "service-worker",
          type: request.resourceType(),
          status: response?.status() ?? null,
          encoding: headers["content-encoding"] ?? null,
          bytes: sizes.responseBodySize + sizes.responseHeadersSize,
          // A revalidated file (304, the HTTP cache's copy) shows as a 200 with no body.
          body: sizes.responseBodySize,
          cached: response ? response.fromServiceWorker() : false,
        };
      })(),
    );
  };
  context.on("requestfinished", onWorkerRequest);

  const started = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await waitForReady(page);
  const ms = Date.now() - started;
  // The worker's install fetches the offline copy; `ready` resolves once it is active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForLoadState("networkidle");
  context.off("requestfinished", onWorkerRequest);
  await cdp.detach();

  const resources = [...byId.values(), ...(await Promise.all(workerRequests))]
    .filter((r) => r.url && !r.url.startsWith("data:"))
    .map(({ headerBytes, ...r }) => ({ ...r, path: new URL(r.url).pathname }));
  const sum = (list) => list.reduce((total, r) => total + (r.cached ? 0 : r.bytes), 0);
  const fromPage = sum(resources.filter((r) => r.by === "page"));
  const fromWorker = sum(resources.filter((r) => r.by === "service-worker"));
  return { total: fromPage + fromWorker, page: fromPage, serviceWorker: fromWorker, resources, ms };
}

/** Chrome DevTools' "Slow 3G": 400 ms round trips, about 50 KB/s down. */
export const SLOW_3G = { latency: 400, downloadThroughput: (500 * 1024) / 8, uploadThroughput: (500 * 1024) / 8 };

/** A table of a measurement, one line per request, for the test's output. */
export function formatMeasurement({ total, page, serviceWorker, resources }) {
  const lines = resources.map(
    (r) =>
      `  ${String(r.cached ? 0 : r.bytes).padStart(9)}  ${(r.encoding ?? "-").padEnd(5)} ${r.by.padEnd(14)} ${r.path}`,
  );
  lines.push(`  ${String(page).padStart(9)}  by the page`);
  lines.push(`  ${String(serviceWorker).padStart(9)}  by the service worker (installing the offline copy)`);
  lines.push(`  ${String(total).padStart(9)}  bytes in all (budget ${FIRST_VISIT_BUDGET})`);
  return lines.join("\n");
}
