// Measures the commune's review (issue 16, requirement 8) on the real server in Debian's
// headless Chromium at 1280×800 (a benchmark, not a test: run by scripts/bench.sh,
// results in docs/benchmarks.md):
// - the review table's first render with 1,000 submitted evaluations once the data is
//   on the device: from the tap on "Duyệt" (the address changing to #duyet) to the
//   frame after its 1,000 rows are in the DOM, and the same after a reload (the
//   replica read from IndexedDB first);
// - a bulk recognition of 500 subjects on the slow network of docs/benchmarks.md
//   (1.6 Mbps down, 750 kbps up, 150 ms round trip; throttle.mjs): from the tap on
//   "Công nhận 500 phiếu" to every operation on the server (the outbox empty and the
//   round done), checked through the API.
// Environment: HOCTAP_MEASURE_REVIEW_RUNS (5: table renders), HOCTAP_BIN (the release
// server by default).

import { randomUUID } from "node:crypto";

import { acceptInBrowser, device, waitSynced } from "./app.mjs";
import { apiOk, COMMUNE, createHamlet, invite, login, pushOps, serverWithAdmin, testDevice } from "./lib.mjs";
import { CITIZEN_INDICATORS, CITIZEN_SET, throttle } from "./throttle.mjs";

const RUNS = Number(process.env.HOCTAP_MEASURE_REVIEW_RUNS || 5);
const PEOPLE = 1000;
const RECOGNISED = 500;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1).replace(".", ",")} ms`;
const s1 = (x) => `${(x / 1000).toFixed(1).replace(".", ",")} s`;
const out = (line) => console.log(`  ${line}`);

/** Rows the table draws at first (`PAGE` in screens/review.rs); the rest on request. */
const DRAWN = 100;

/** Frames from `action` until the table says it holds all 1,000 and draws its first page. */
async function tableTime(page, action) {
  return page.evaluate(
    (args) =>
      new Promise((resolve) => {
        const [action, count, drawn] = args;
        const t0 = performance.now();
        // eslint-disable-next-line no-new-func
        new Function(action)();
        const check = () => {
          const counted = document.querySelector(".review-count")?.textContent.startsWith(`${count} phiếu`);
          if (counted && document.querySelectorAll(".review-table tbody tr").length >= drawn) {
            requestAnimationFrame(() => resolve(performance.now() - t0));
          } else requestAnimationFrame(check);
        };
        check();
      }),
    [action, PEOPLE, DRAWN],
  );
}

async function main() {
  const { server, admin } = await serverWithAdmin();
  try {
    const base = server.base;
    const hamlet = await createHamlet(base, admin.token, COMMUNE, "Đông Hạ");
    // A thousand people, each with an evaluation scored 8 of 10 everywhere (the rules
    // recognise it) and sent for review.
    const ops = [];
    const evaluations = [];
    for (let p = 0; p < PEOPLE; p += 1) {
      const person = randomUUID();
      const evaluation = { kind: "evaluation", id: randomUUID() };
      evaluations.push(evaluation);
      const set = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
      ops.push({ record: { kind: "person", id: person }, unit: hamlet.unit, body: set([["name", `Người ${p + 1}`], ["birth_year", 1950 + (p % 60)]]) });
      ops.push({ record: evaluation, unit: hamlet.unit, body: set([["set", CITIZEN_SET], ["year", 2026], ["subject", { kind: "person", id: person }]]) });
      for (const indicator of CITIZEN_INDICATORS) {
        ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "set_score", indicator, answer: 8, base: [] } });
      }
      ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "transition", transition: { action: "submit" } } });
    }
    const seeder = testDevice();
    for (let i = 0; i < ops.length; i += 1000) await pushOps(base, admin.token, ops.slice(i, i + 1000), seeder);

    const link = await invite(base, admin.token, { role: "commune_approver", unit: COMMUNE, display_name: "Trần Văn Bình" });
    const { context, page } = await device({ width: 1280, height: 800 });
    try {
      await acceptInBrowser(page, base, link, "binh.xa");
      const binh = await login(base, "binh.xa", "mat-khau-dai-du-1");
      out(`${PEOPLE} submitted evaluations (${ops.length} operations) on the device`);

      // The table's first render, from the tap on "Duyệt" and after a reload.
      const taps = [];
      for (let r = 0; r < RUNS; r += 1) {
        await page.goto(`${base}/#`);
        await page.locator(".registers .register-card").first().waitFor();
        taps.push(await tableTime(page, 'location.hash = "#duyet"'));
      }
      out(`review table, tap to its first ${DRAWN} of 1,000 rows: median ${ms(median(taps))} (runs: ${taps.map(ms).join(", ")}; goal ≤ 200 ms)`);
      const more = [];
      for (let r = 0; r < RUNS; r += 1) {
        await page.goto(`${base}/#`);
        await page.locator(".registers .register-card").first().waitFor();
        await tableTime(page, 'location.hash = "#duyet"');
        more.push(
          await page.evaluate(
            (drawn) =>
              new Promise((resolve) => {
                const t0 = performance.now();
                document.querySelector(".more-rows").click();
                const check = () => {
                  if (document.querySelectorAll(".review-table tbody tr").length >= 2 * drawn) requestAnimationFrame(() => resolve(performance.now() - t0));
                  else requestAnimationFrame(check);
                };
                check();
              }),
            DRAWN,
          ),
        );
      }
      out(`"Hiện thêm" (the next ${DRAWN} rows): median ${ms(median(more))}`);
      const reloads = [];
      for (let r = 0; r < RUNS; r += 1) {
        await page.goto(`${base}/#duyet`);
        await page.reload();
        reloads.push(
          await page.evaluate(
            ([count, drawn]) =>
              new Promise((resolve) => {
                const check = () => {
                  const counted = document.querySelector(".review-count")?.textContent.startsWith(`${count} phiếu`);
                  if (counted && document.querySelectorAll(".review-table tbody tr").length >= drawn) requestAnimationFrame(() => resolve(performance.now()));
                  else requestAnimationFrame(check);
                };
                check();
              }),
            [PEOPLE, DRAWN],
          ),
        );
      }
      out(`review table after a reload (navigation start to its first ${DRAWN} of 1,000 rows, the replica read from IndexedDB): median ${ms(median(reloads))}`);

      // Half approved through the API (as another reviewer's device would), then
      // recognised from the table in one decision, on the slow network.
      const approver = testDevice();
      const approve = evaluations.slice(0, RECOGNISED).map((record) => ({
        record,
        unit: hamlet.unit,
        body: { type: "transition", transition: { action: "approve" } },
      }));
      for (let i = 0; i < approve.length; i += 1000) await pushOps(base, binh.token, approve.slice(i, i + 1000), approver);
      await page.goto(`${base}/#duyet`);
      await page.getByRole("button", { name: "Đồng bộ ngay" }).click();
      await waitSynced(page);
      await page.getByLabel("Trạng thái").selectOption({ label: "Đã duyệt, chờ công nhận" });
      await page.locator(".review-count").getByText(`${RECOGNISED} phiếu`).waitFor();
      await page.getByLabel(new RegExp(`Chọn tất cả \\(${RECOGNISED}\\)`)).check();
      await page.locator("summary", { hasText: `Công nhận theo quyết định (${RECOGNISED} phiếu đủ điều kiện)` }).click();
      const bar = page.locator(".bulk-bar");
      await bar.getByLabel("Số quyết định", { exact: true }).fill("40/QĐ-UBND");
      await bar.getByLabel("Ngày quyết định (ngày/tháng/năm)", { exact: true }).fill("25/11/2026");
      await bar.getByLabel("Cơ quan ban hành", { exact: true }).fill("Ủy ban nhân dân xã Cửu An");
      const network = await throttle(page);
      const before = Number(await page.locator(".sync-bar").getAttribute("data-rounds"));
      const t0 = Date.now();
      await page.getByRole("button", { name: `Công nhận ${RECOGNISED} phiếu` }).click();
      await page.getByText(`Đã công nhận ${RECOGNISED} phiếu trên máy`).waitFor();
      const saved = Date.now() - t0;
      await page.waitForFunction(
        (before) =>
          Number(document.querySelector(".sync-bar")?.dataset.rounds) > before &&
          document.querySelector('.sync-waiting[data-waiting="0"]') &&
          document.querySelector(".sync-bar")?.dataset.sync === "done",
        before,
        { timeout: 600_000, polling: 50 },
      );
      const synced = Date.now() - t0;
      const pushes = network.requests().filter((r) => r.url?.includes("/sync/push"));
      await network.detach();
      let onServer = 0;
      for (const record of evaluations.slice(0, RECOGNISED)) {
        const view = await apiOk(base, `/records/evaluation/${record.id}`, { token: binh.token });
        if (view.status === "recognised" && view.decision?.number === "40/QĐ-UBND") onServer += 1;
      }
      out(
        `bulk recognition of ${RECOGNISED} on the slow network: saved on the device ${s1(saved)}, all on the server ${s1(synced)} after the tap (${pushes.length} push request(s); ${onServer} of ${RECOGNISED} recognised on the server)`,
      );
      if (onServer !== RECOGNISED) throw new Error(`only ${onServer} of ${RECOGNISED} recognised on the server`);
    } finally {
      await context.close();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
