// The app shell on a phone: a first visit to the real server with a fresh profile stays
// within the 500 KB budget, compressed; the service worker takes the page over; and with
// the server stopped and the browser offline, a reload still opens the app. The
// citizen's page (a campaign's link, /c/<token>) has its own, smaller budget: 150 KB.

import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";

import { openCampaign, waitForCitizenForm } from "./campaign.mjs";
import {
  FIRST_VISIT_BUDGET,
  firstPage,
  formatMeasurement,
  launchBrowser,
  measureFirstVisit,
  screenshot,
  serverWithAdmin,
  setOffline,
  startServer,
  tempDir,
  waitForApp,
  waitForServiceWorker,
} from "./lib.mjs";

test("first visit within budget, then the app opens offline", async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const context = await launchBrowser(await tempDir("hoctap-e2e-profile-"), { viewport: { width: 360, height: 640 } });
  t.after(() => context.close());
  const page = await firstPage(context);

  const visit = await measureFirstVisit(page, `${server.base}/`);
  console.log(`first visit, bytes on the wire (compressed, headers included):\n${formatMeasurement(visit)}`);

  // Downloads of the wasm (the worker's install only revalidates it: no body).
  const wasm = visit.resources.filter((r) => r.path === "/hoctap_frontend_bg.wasm" && r.body > 0 && !r.cached);
  assert.ok(wasm.length > 0, "the page downloaded the wasm");
  for (const download of wasm) {
    assert.ok(
      ["br", "gzip"].includes(download.encoding),
      `the wasm was sent compressed (${download.by}: Content-Encoding ${download.encoding})`,
    );
  }
  assert.ok(
    visit.total <= FIRST_VISIT_BUDGET,
    `the first visit transferred ${visit.total} bytes, over the budget of ${FIRST_VISIT_BUDGET}`,
  );
  await screenshot(page, "e2e-shell-first-visit-phone");

  // The worker is active; once it controls the page, the page can come from it.
  await waitForServiceWorker(page);
  await waitForApp(page);

  assert.equal(await server.stop(), 0, `the server stopped cleanly:\n${server.log()}`);
  await setOffline(context, true);
  await page.reload();
  await waitForApp(page);
  const title = await page.locator("h1").first().textContent();
  assert.match(title, /hoctap/i);
  const offline = await page.evaluate(() => navigator.onLine);
  assert.equal(offline, false, "the browser is offline");
  const shot = await screenshot(page, "e2e-shell-offline-phone");
  console.log(`screenshots: ${path.dirname(shot)}`);
});

/** The citizen's page's first visit, compressed, headers included: 150 KB at most. */
const CITIZEN_BUDGET = 150 * 1024;

test("the citizen's page: first visit within 150 KB, the form included", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { link } = await openCampaign(server, admin);
  const context = await launchBrowser(await tempDir("hoctap-e2e-profile-"), { viewport: { width: 360, height: 740 } });
  t.after(() => context.close());
  const page = await firstPage(context);

  // Everything until the form can be filled and the worker has kept the offline copy:
  // the page, its JS, wasm and stylesheet, the campaign (with its set) and the worker.
  const visit = await measureFirstVisit(page, link, { waitForReady: waitForCitizenForm });
  const table = formatMeasurement(visit).replace(/budget \d+/, `budget ${CITIZEN_BUDGET}`);
  console.log(`citizen's first visit, bytes on the wire (compressed, headers included):\n${table}`);
  const paths = visit.resources.map((r) => r.path);
  assert.ok(paths.includes("/hoctap_citizen_bg.wasm"), `the page downloaded its wasm: ${paths}`);
  for (const heavy of ["/hoctap_frontend_bg.wasm", "/hoctap_office_bg.wasm", "/style.css"]) {
    assert.ok(!paths.includes(heavy), `the citizen's page does not download ${heavy}`);
  }
  assert.ok(
    visit.total <= CITIZEN_BUDGET,
    `the citizen's first visit transferred ${visit.total} bytes, over the budget of ${CITIZEN_BUDGET}`,
  );
});
