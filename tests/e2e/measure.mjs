// Measures the web app on the real server in Debian's headless Chromium at 360×640 (a
// benchmark, not a test: run by scripts/bench.sh, results in docs/benchmarks.md):
// - the first visit's bytes on the wire (fresh profile; wasm, JS, CSS and the rest);
// - with a hamlet of 1,000 people (250 households, 1,000 scored evaluations) on the
//   server: the first sync of a new device, the register's first render, a
//   diacritics-insensitive search, and the evaluation form's open time after a tap;
// - on the slow network of issue 6 (1.6 Mbps down, 750 kbps up, 150 ms round trip, set
//   through the Chrome DevTools Protocol on the page and its service worker, see
//   throttle.mjs): the time to interactive of a first visit (cold: fresh profile,
//   nothing cached) with its bytes on the wire;
// - the offline-warm start: the hamlet's device, its browser closed and started again
//   with no network, opening the app from the service worker's copy and its data from
//   IndexedDB;
// - a commune's 10,000-evaluation delta (10 hamlets of 1,000 people; each evaluation the
//   12 operations the app records: facts, 10 scores, "Gửi duyệt") synced on the slow
//   network, both ways: pulled by an up-to-date commune officer's device after another
//   account pushed it, and pushed by a device that holds it in its outbox (written into
//   IndexedDB the way the app saves); the same two once with no throttling (the time
//   the app, the browser and the server need by themselves); and what gzip on the
//   API's answers would change (sizes of the real pull pages, and the slow pull once
//   more through a proxy that gzips them).
// Times are medians of several runs, measured inside the page (performance.now(), up
// to the next animation frame after the screen is in the DOM).
//
// Environment: HOCTAP_MEASURE_PEOPLE (1000), HOCTAP_MEASURE_SLOW_RUNS (5: cold and warm
// starts), HOCTAP_MEASURE_DELTA_RUNS (3: pull runs, each takes minutes),
// HOCTAP_MEASURE_PUSH_RUNS (as many: push runs, longer still),
// HOCTAP_MEASURE_DELTA_PEOPLE (10000), HOCTAP_MEASURE_ONLY (comma-separated subset of
// visit,hamlet,cold,warm,pull,push,fast by default; whatif, the gzip proxy measured before the API compressed its answers, only when named). The whole run takes
// more than an hour, most of it the pushes.

import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";

import { acceptInBrowser, hamletWithPeople } from "./app.mjs";
import { firstPage, invite, launchBrowser, measureFirstVisit, pushOps, serverWithAdmin, tempDir, testDevice } from "./lib.mjs";
import {
  MARKS,
  SLOW_NETWORK,
  compressedSizes,
  compressingProxy,
  countRequests,
  fillOutbox,
  marks,
  pushEvaluations,
  seedCommune,
  throttle,
  timeline,
  traffic,
  waitForMark,
} from "./throttle.mjs";

const PEOPLE = Number(process.env.HOCTAP_MEASURE_PEOPLE || 1000);
const RUNS = 7;
const SLOW_RUNS = Number(process.env.HOCTAP_MEASURE_SLOW_RUNS || 5);
const DELTA_RUNS = Number(process.env.HOCTAP_MEASURE_DELTA_RUNS || 3);
const PUSH_RUNS = Number(process.env.HOCTAP_MEASURE_PUSH_RUNS || DELTA_RUNS);
const DELTA_PEOPLE = Number(process.env.HOCTAP_MEASURE_DELTA_PEOPLE || 10_000);
const ONLY = new Set((process.env.HOCTAP_MEASURE_ONLY || "visit,hamlet,cold,warm,pull,push,fast").split(","));
/** Communes of Gia Lai (province 52) for the delta runs, one per run and direction. */
const COMMUNES = ["21607", "21609", "21616", "21622", "21628", "21688", "21697", "21703", "21715", "21727", "21730", "21733", "21739"];

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
const MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"];
const GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1).replace(".", ",")} ms`;
const s1 = (x) => `${(x / 1000).toFixed(1).replace(".", ",")} s`;
const n = (x) => Math.round(x).toLocaleString("en");
const runs = (xs, f) => xs.map(f).join(", ");
/** Where a round's time went: on the network, and in the app between requests. */
const spent = (t) =>
  `network ${s1(t.network)}, the app between requests ${s1(t.between)} (mean gap ${t.firstGaps.toFixed(0)} ms over the first 10, ${t.lastGaps.toFixed(0)} ms over the last 10)`;
/** The result of the median run by `key`. */
const medianRun = (results, key) => [...results].sort((a, b) => key(a) - key(b))[Math.floor(results.length / 2)];
const lines = [];
const out = (line) => {
  lines.push(line);
  console.error(`  ${line}`);
};

/** Pushes the hamlet's people, households and evaluations as the province administrator. */
async function seed(base, token, unit) {
  const ops = [];
  const households = [];
  for (let h = 0; h < PEOPLE / 4; h += 1) {
    const id = randomUUID();
    households.push(id);
    const head = `${FAMILY[h % FAMILY.length]} ${MIDDLE[h % MIDDLE.length]} ${GIVEN[h % GIVEN.length]}`;
    ops.push({ record: { kind: "household", id }, unit, body: { type: "set_fields", fields: [{ field: "ten_chu_ho", value: head, base: [] }] } });
  }
  const people = [];
  for (let p = 0; p < PEOPLE; p += 1) {
    const id = randomUUID();
    people.push(id);
    const name = `${FAMILY[p % FAMILY.length]} ${MIDDLE[(p >> 2) % MIDDLE.length]} ${GIVEN[(p * 7) % GIVEN.length]}`;
    const fields = [
      { field: "name", value: name, base: [] },
      { field: "birth_year", value: 1950 + (p % 60), base: [] },
      { field: "household", value: households[Math.floor(p / 4)], base: [] },
      { field: "digital_skill", value: ["none", "basic", "proficient"][p % 3], base: [] },
    ];
    ops.push({ record: { kind: "person", id }, unit, body: { type: "set_fields", fields } });
    const evaluation = { kind: "evaluation", id: randomUUID() };
    const facts = [
      { field: "set", value: "cdht-244-2022", base: [] },
      { field: "year", value: 2026, base: [] },
      { field: "subject", value: { kind: "person", id }, base: [] },
    ];
    ops.push({ record: evaluation, unit, body: { type: "set_fields", fields: facts } });
    for (const indicator of ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2"]) {
      ops.push({ record: evaluation, unit, body: { type: "set_score", indicator, answer: 5 + (p % 6), base: [] } });
    }
  }
  const dev = testDevice();
  for (let i = 0; i < ops.length; i += 1000) await pushOps(base, token, ops.slice(i, i + 1000), dev);
  return { ops: ops.length, people };
}

/** Runs `action` in the page and times it up to the frame after `selector` matches. */
async function timed(page, action, selector) {
  return page.evaluate(
    ([action, selector]) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        // eslint-disable-next-line no-new-func
        new Function(action)();
        const check = () => {
          if (document.querySelector(selector)) requestAnimationFrame(() => resolve(performance.now() - t0));
          else requestAnimationFrame(check);
        };
        check();
      }),
    [action, selector],
  );
}

/**
 * A commune of DELTA_PEOPLE people in hamlets of 1,000 on the server, and a commune
 * officer's device (a browser profile) that signed in and synced it at full speed.
 */
async function communeDevice(server, admin, code, username) {
  const commune = `commune:${code}:2025`;
  const seeded = await seedCommune(server.base, admin.token, commune, { hamlets: Math.ceil(DELTA_PEOPLE / 1000), people: Math.min(1000, DELTA_PEOPLE) });
  const invitation = await invite(server.base, admin.token, { role: "commune_officer", unit: commune, display_name: "Cán bộ văn hoá xã" });
  const profile = await tempDir("hoctap-measure-commune-");
  const context = await launchBrowser(profile);
  const page = await firstPage(context);
  await acceptInBrowser(page, server.base, invitation, username);
  return { commune, seeded, profile, context, page };
}

/**
 * Opens the app in the device's browser profile, started again, on the slow network
 * (or under other `conditions`; FULL_SPEED for none), and waits until its first sync
 * round (which starts once the app has loaded the device's data) has finished.
 * Resolves to the in-page marks, the API traffic (Playwright's sizes and CDP's), where
 * the round's time went, and the operations the device then holds.
 */
async function syncOnSlowNetwork(base, profile, timeout, conditions = SLOW_NETWORK) {
  const context = await launchBrowser(profile);
  await context.addInitScript(MARKS);
  const page = await firstPage(context);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const throttled = await throttle(page, conditions);
  const counter = countRequests(context, (url) => url.includes("/api/v1/sync/"));
  await page.goto(`${base}/#`);
  await page.waitForFunction(() => window.__marks?.syncDone !== undefined || window.__marks?.syncFailed !== undefined, null, { timeout, polling: 250 });
  const m = await marks(page);
  if (m.syncDone === undefined) throw new Error(`the sync round failed: ${await page.locator(".sync-text").textContent()} ${errors.join("; ")}`);
  const api = await counter.stop();
  const sync = throttled.requests().filter((r) => r.by === "page" && r.url.includes("/api/v1/sync/"));
  const wire = traffic(sync);
  const time = timeline(sync);
  const held = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("hoctap");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(["ops", "outbox"], "readonly");
          const ops = tx.objectStore("ops").count();
          const outbox = tx.objectStore("outbox").count();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ ops: ops.result, outbox: outbox.result });
          };
        };
      }),
  );
  await throttled.detach();
  await context.setOffline(true);
  await context.close();
  return { marks: m, api, wire, spent: time, held, errors, load: os.loadavg()[0] };
}

/**
 * Relaunches `profile` with no network and times the app's start up to its home screen.
 * Playwright's `offline` also covers the service worker (its network-first fetch of the
 * page fails with ERR_INTERNET_DISCONNECTED and it answers from its cache).
 */
async function offlineWarmStart(base, profile) {
  const context = await launchBrowser(profile, { offline: true });
  await context.addInitScript(MARKS);
  const page = await firstPage(context);
  await page.goto(`${base}/#`);
  const m = await waitForMark(page, "home", 120_000);
  const state = await page.evaluate(() => ({
    online: navigator.onLine,
    controlled: navigator.serviceWorker.controller !== null,
    people: document.querySelector(".registers .register-count")?.textContent,
  }));
  await context.close();
  if (state.online || !state.controlled) throw new Error(`not an offline start from the service worker: ${JSON.stringify(state)}`);
  return { ...m, people: Number(state.people) };
}

/** No throttling (CDP's "no emulation": latency 0, throughput -1). */
const FULL_SPEED = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

/**
 * A commune officer's device with an up-to-date copy of the commune (10 hamlets of
 * 1,000 people) is closed; another account pushes 10,000 scored and submitted
 * evaluations; the device is opened again under `conditions` and its first round pulls
 * them. A commune (and device) of its own.
 */
async function pullRun(server, admin, code, username, conditions, { warm = false, base = server.base } = {}) {
  const device = await communeDevice({ base }, admin, code, username);
  await device.context.setOffline(true);
  await device.context.close();
  const delta = await pushEvaluations(server.base, admin.token, device.seeded.hamlets);
  const result = await syncOnSlowNetwork(base, device.profile, 30 * 60_000, conditions);
  const expected = device.seeded.ops + delta;
  if (result.held.ops < expected) throw new Error(`the device holds ${result.held.ops} operations, expected ${expected}`);
  result.delta = delta;
  if (warm) result.warm = await offlineWarmStart(base, device.profile);
  console.error(`  pull ${username}: ${JSON.stringify({ marks: result.marks, api: result.api, wire: result.wire, spent: result.spent, held: result.held, warm: result.warm, load: result.load })}`);
  await rm(device.profile, { recursive: true, force: true });
  return result;
}

/**
 * A commune officer's device, up to date, goes offline; 10,000 scored and submitted
 * evaluations are written into its outbox the way the app saves them; the browser is
 * closed and opened again under `conditions`; its first round pushes them (batches of
 * 200), then pulls what changed — its own operations come back.
 */
async function pushRun(server, admin, code, username, conditions) {
  const device = await communeDevice(server, admin, code, username);
  await device.context.setOffline(true);
  const written = await fillOutbox(device.page, device.seeded.hamlets);
  await device.context.close();
  const result = await syncOnSlowNetwork(server.base, device.profile, 90 * 60_000, conditions);
  if (result.held.outbox !== 0) throw new Error(`${result.held.outbox} operations still wait in the outbox`);
  result.written = written;
  console.error(`  push ${username}: ${JSON.stringify({ marks: result.marks, api: result.api, wire: result.wire, spent: result.spent, held: result.held, load: result.load })}`);
  await rm(device.profile, { recursive: true, force: true });
  return result;
}

const { server, admin } = await serverWithAdmin();
try {
  let nextCommune = 0;
  let hamletProfile = null;

  if (ONLY.has("visit")) {
    // The first visit, fresh profile.
    const fresh = await launchBrowser(await tempDir("hoctap-measure-"));
    const visit = await measureFirstVisit(await firstPage(fresh), `${server.base}/`);
    await fresh.close();
    const byPath = (p) => visit.resources.filter((r) => r.path === p && r.by === "page").reduce((a, r) => a + r.bytes, 0);
    out(`| first visit, bytes on the wire (fresh profile) | ${visit.total.toLocaleString("en")} B total; wasm ${byPath("/hoctap_frontend_bg.wasm").toLocaleString("en")} B, JS ${byPath("/hoctap_frontend.js").toLocaleString("en")} B, CSS ${byPath("/style.css").toLocaleString("en")} B |`);
  }

  if (ONLY.has("cold")) {
    // Time to interactive on the slow network, fresh profile each run: from the start
    // of the navigation to the frame after the login form's username field is in the
    // DOM (the wasm app fetched, compiled, started and mounted: the field takes typing
    // from then on, which the run checks). Bytes: everything the page and its service
    // worker fetched until the worker had stored the offline copy.
    const tti = [];
    const shell = [];
    const bytes = [];
    for (let run = 0; run < SLOW_RUNS; run += 1) {
      const context = await launchBrowser(await tempDir("hoctap-measure-cold-"));
      await context.addInitScript(MARKS);
      const page = await firstPage(context);
      const throttled = await throttle(page, SLOW_NETWORK);
      await page.goto(`${server.base}/`, { waitUntil: "commit" });
      const m = await waitForMark(page, "login");
      await page.getByLabel("Tên đăng nhập").pressSequentially("ab");
      if ((await page.getByLabel("Tên đăng nhập").inputValue()) !== "ab") throw new Error("the login field did not take typing");
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.waitForLoadState("networkidle");
      const wire = traffic(throttled.requests());
      if (throttled.workers().length === 0) throw new Error("the service worker was not throttled");
      await context.close();
      tti.push(m.login);
      shell.push(m.shell);
      bytes.push(wire);
    }
    const total = bytes.map((b) => b.total);
    out(`| time to interactive, cold, slow network (fresh profile; login form usable; median of ${SLOW_RUNS}, runs: ${runs(tti, (x) => x.toFixed(0))} ms) | ${s1(median(tti))} |`);
    out(`| … its bytes on the wire (page + service worker; median) | ${n(median(total))} B (page ${n(median(bytes.map((b) => b.page)))} B, service worker ${n(median(bytes.map((b) => b.serviceWorker)))} B; ${median(bytes.map((b) => b.requests))} requests) |`);
  }

  if (ONLY.has("hamlet") || ONLY.has("warm")) {
    const { hamlet, links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Nguyễn Thị Lan"]]);
    const seeded = await seed(server.base, admin.token, hamlet.unit);
    hamletProfile = await tempDir("hoctap-e2e-profile-");
    const context = await launchBrowser(hamletProfile);
    const page = await firstPage(context);
    const t0 = Date.now();
    await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
    const firstSync = Date.now() - t0;

    if (ONLY.has("hamlet")) {
      const register = [];
      const search = [];
      const formOpen = [];
      for (let run = 0; run < RUNS; run += 1) {
        await page.goto(`${server.base}/#`);
        await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
        register.push(await timed(page, "location.hash = 'so/nguoi'", ".rows .row"));
        const box = page.getByLabel("Tìm kiếm");
        const t = Date.now();
        await box.fill(`nguyen van ${GIVEN[run].normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()}`);
        await page.waitForFunction(() => document.querySelectorAll(".rows .row").length < 200);
        search.push(Date.now() - t);
        // Open a person, then tap their evaluation: the form must be on screen.
        const person = seeded.people[run * 97];
        await page.goto(`${server.base}/#ho-so/nguoi/${person}`);
        await page.locator(".rows .row").first().waitFor();
        const href = await page.locator(".rows .row").first().getAttribute("href");
        formOpen.push(await timed(page, `location.hash = '${href.slice(1)}'`, "form.evaluation .indicator"));
      }
      out(`| first sync of a new device (${PEOPLE} people, ${seeded.ops.toLocaleString("en")} operations) | ${(firstSync / 1000).toFixed(1).replace(".", ",")} s (login included) |`);
      out(`| register of ${PEOPLE} people, first render (median of ${RUNS}) | ${ms(median(register))} |`);
      out(`| search "nguyen van …" without diacritics (median of ${RUNS}, Playwright round trip included) | ${ms(median(search))} |`);
      out(`| evaluation form open after a tap (median of ${RUNS}; runs: ${formOpen.map((x) => x.toFixed(0)).join(", ")} ms) | ${ms(median(formOpen))} |`);
    }
    await context.close();

    if (ONLY.has("warm")) {
      // The hamlet's device, its browser started again with no network: the service
      // worker answers the navigation and the app's files from its cache; the app reads
      // the session and the 12,250 stored operations from IndexedDB and merges them.
      // Until the frame after the home screen's registers are in the DOM.
      const warm = [];
      for (let run = 0; run < SLOW_RUNS; run += 1) warm.push(await offlineWarmStart(server.base, hamletProfile));
      const home = warm.map((w) => w.home);
      out(`| offline-warm start, hamlet device (${PEOPLE} people, ${seeded.ops.toLocaleString("en")} operations on the device; browser restarted offline; home screen with its data; median of ${SLOW_RUNS}, runs: ${runs(home, (x) => x.toFixed(0))} ms) | ${s1(median(home))} (app on screen at ${ms(median(warm.map((w) => w.shell)))}) |`);
    }
  }

  if (ONLY.has("pull")) {
    const results = [];
    for (let run = 0; run < DELTA_RUNS; run += 1) {
      results.push(await pullRun(server, admin, COMMUNES[nextCommune++], `canbo.keo${run}`, SLOW_NETWORK, { warm: true }));
    }
    const time = results.map((r) => r.marks.syncDone - r.marks.syncStart);
    const down = results.map((r) => r.api.down);
    const delta = results[0].delta;
    out(`| commune delta pulled on the slow network: ${(delta / 12).toLocaleString("en")} evaluations, ${delta.toLocaleString("en")} operations (median of ${DELTA_RUNS}, runs: ${runs(time, (x) => (x / 1000).toFixed(0))} s) | ${s1(median(time))}; ${n(median(down))} B down (${(median(down) / delta).toFixed(0)} B per operation on the wire), ${n(median(results.map((r) => r.api.up)))} B up, ${median(results.map((r) => r.api.requests))} requests |`);
    out(`| … where the time went (median run) | ${spent(medianRun(results, (r) => r.marks.syncDone - r.marks.syncStart).spent)} |`);
    out(`| offline-warm start, commune device (${n(results[0].held.ops)} operations on the device; median of ${DELTA_RUNS}, runs: ${runs(results.map((r) => r.warm.home), (x) => x.toFixed(0))} ms) | ${s1(median(results.map((r) => r.warm.home)))} |`);
  }

  if (ONLY.has("push")) {
    const results = [];
    for (let run = 0; run < PUSH_RUNS; run += 1) {
      results.push(await pushRun(server, admin, COMMUNES[nextCommune++], `canbo.day${run}`, SLOW_NETWORK));
    }
    const pushed = results.map((r) => r.marks.pushed - r.marks.syncStart);
    const round = results.map((r) => r.marks.syncDone - r.marks.syncStart);
    const written = results[0].written;
    out(`| commune delta pushed on the slow network: ${(written / 12).toLocaleString("en")} evaluations, ${written.toLocaleString("en")} operations from the outbox (median of ${PUSH_RUNS}, runs: ${runs(pushed, (x) => (x / 1000).toFixed(0))} s) | ${s1(median(pushed))} until the outbox is empty; ${n(median(results.map((r) => r.api.upBodies)))} B of request bodies up (${(median(results.map((r) => r.api.upBodies)) / written).toFixed(0)} B per operation as sent) |`);
    out(`| … the whole round, its own operations pulled back (runs: ${runs(round, (x) => (x / 1000).toFixed(0))} s) | ${s1(median(round))}; ${n(median(results.map((r) => r.api.up)))} B up, ${n(median(results.map((r) => r.api.down)))} B down, ${median(results.map((r) => r.api.requests))} requests |`);
    out(`| … where the whole round's time went (median run) | ${spent(medianRun(results, (r) => r.marks.syncDone - r.marks.syncStart).spent)} |`);
  }

  if (ONLY.has("fast")) {
    // The same two rounds once each with no throttling: what the app, the browser and
    // the server need on this machine, whatever the network.
    const pull = await pullRun(server, admin, COMMUNES[nextCommune++], "canbo.nhanh1", FULL_SPEED);
    const push = await pushRun(server, admin, COMMUNES[nextCommune++], "canbo.nhanh2", FULL_SPEED);
    out(`| the same pull / push with no throttling (1 run each: the app's, browser's and server's own time) | ${s1(pull.marks.syncDone - pull.marks.syncStart)} / ${s1(push.marks.pushed - push.marks.syncStart)} until the outbox is empty (${s1(push.marks.syncDone - push.marks.syncStart)} the whole round) |`);
    out(`| … where the time went, pull / push round | ${spent(pull.spent)} / ${spent(push.spent)} |`);
  }

  if (ONLY.has("whatif")) {
    // What compressing the API's answers would save: the pull pages (500 operations, as
    // the app asks) of the last commune's delta, as the server sends them today and
    // gzip'd / brotli'd; and a push batch (200 operations) likewise.
    const commune = `commune:${COMMUNES[nextCommune > 0 ? nextCommune - 1 : nextCommune++]}:2025`;
    const seeded = nextCommune > 1 || ONLY.has("pull") || ONLY.has("push") ? null : await seedCommune(server.base, admin.token, commune, { hamlets: Math.ceil(DELTA_PEOPLE / 1000), people: Math.min(1000, DELTA_PEOPLE) });
    if (seeded) await pushEvaluations(server.base, admin.token, seeded.hamlets);
    const officer = await invite(server.base, admin.token, { role: "commune_officer", unit: commune, display_name: "Cán bộ" });
    const session = await (await fetch(`${server.base}/api/v1/invitations/${officer.token}/accept`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "canbo.nen", password: "mat-khau-dai-du" }) })).json();
    const sizes = { identity: 0, gzip: 0, br: 0, ops: 0, pages: 0 };
    let batch = null;
    for (let after = 0; ; ) {
      const answer = await fetch(`${server.base}/api/v1/sync/pull?after=${after}&limit=500`, { headers: { authorization: `Bearer ${session.token}`, "accept-encoding": "gzip, br" } });
      if (answer.headers.get("content-encoding")) throw new Error(`the API answered ${answer.headers.get("content-encoding")}: this what-if (HOCTAP_MEASURE_ONLY=whatif) measured the API before it compressed its answers`);
      const text = await answer.text();
      const page = JSON.parse(text);
      const evaluations = page.ops.filter((op) => op.record.kind === "evaluation");
      if (evaluations.length === page.ops.length && page.ops.length === 500) {
        const c = compressedSizes(text);
        sizes.identity += c.identity;
        sizes.gzip += c.gzip;
        sizes.br += c.br;
        sizes.ops += page.ops.length;
        sizes.pages += 1;
        batch ??= JSON.stringify({ protocol: 1, device: page.ops[0].device, ops: page.ops.slice(0, 200) });
      }
      if (!page.more || page.cursor === after) break;
      after = page.cursor;
    }
    const push = compressedSizes(batch);
    const per = (x) => (x / sizes.ops).toFixed(1).replace(".", ",");
    out(`| pull pages of evaluation operations (${sizes.pages} pages of 500): bytes per operation, as sent / gzip -6 / brotli 4 | ${per(sizes.identity)} / ${per(sizes.gzip)} / ${per(sizes.br)} B |`);
    out(`| push batch of 200 evaluation operations: body as sent / gzip -6 / brotli 4 | ${n(push.identity)} / ${n(push.gzip)} / ${n(push.br)} B |`);
  }

  if (ONLY.has("whatif")) {
    // The slow pull once more, through a proxy that gzips the API's JSON answers (as
    // tower-http's CompressionLayer would): what compressed answers would change.
    const proxy = await compressingProxy(server.base);
    try {
      const result = await pullRun(server, admin, COMMUNES[nextCommune++], "canbo.gzip", SLOW_NETWORK, { base: proxy.base });
      out(`| what if: the same pull with the API's answers gzip'd (through a compressing proxy; 1 run) | ${s1(result.marks.syncDone - result.marks.syncStart)}; ${n(result.api.down)} B down (${(result.api.down / result.delta).toFixed(0)} B per operation), ${result.api.requests} requests; ${spent(result.spent)} |`);
    } finally {
      await proxy.close();
    }
  }
} finally {
  await server.stop();
}
console.log(lines.join("\n"));
process.exit(0);
