// Measures the web app on the real server in Debian's headless Chromium at 360×640 (a
// benchmark, not a test: run by scripts/bench.sh, results in docs/benchmarks.md):
// - the first visit's bytes on the wire (fresh profile; wasm, JS, CSS and the rest);
// - with a hamlet of 1,000 people (250 households, 1,000 scored evaluations) on the
//   server: the first sync of a new device, the register's first render, a
//   diacritics-insensitive search, and the evaluation form's open time after a tap.
// Times are medians of several runs, measured inside the page (performance.now(), up
// to the next animation frame after the screen is in the DOM).

import { randomUUID } from "node:crypto";

import { acceptInBrowser, device, hamletWithPeople } from "./app.mjs";
import { firstPage, launchBrowser, measureFirstVisit, pushOps, serverWithAdmin, tempDir, testDevice } from "./lib.mjs";

const PEOPLE = Number(process.env.HOCTAP_MEASURE_PEOPLE || 1000);
const RUNS = 7;

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
const MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"];
const GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1).replace(".", ",")} ms`;

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

const { server, admin } = await serverWithAdmin();
try {
  // The first visit, fresh profile.
  const fresh = await launchBrowser(await tempDir("hoctap-measure-"));
  const visit = await measureFirstVisit(await firstPage(fresh), `${server.base}/`);
  await fresh.close();
  const byPath = (p) => visit.resources.filter((r) => r.path === p && r.by === "page").reduce((a, r) => a + r.bytes, 0);

  const { hamlet, links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Nguyễn Thị Lan"]]);
  const seeded = await seed(server.base, admin.token, hamlet.unit);
  const { context, page } = await device();
  const t0 = Date.now();
  await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
  const firstSync = Date.now() - t0;

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
  await context.close();

  console.log(`| first visit, bytes on the wire (fresh profile) | ${visit.total.toLocaleString("en")} B total; wasm ${byPath("/hoctap_frontend_bg.wasm").toLocaleString("en")} B, JS ${byPath("/hoctap_frontend.js").toLocaleString("en")} B, CSS ${byPath("/style.css").toLocaleString("en")} B |`);
  console.log(`| first sync of a new device (${PEOPLE} people, ${seeded.ops.toLocaleString("en")} operations) | ${(firstSync / 1000).toFixed(1).replace(".", ",")} s (login included) |`);
  console.log(`| register of ${PEOPLE} people, first render (median of ${RUNS}) | ${ms(median(register))} |`);
  console.log(`| search "nguyen van …" without diacritics (median of ${RUNS}, Playwright round trip included) | ${ms(median(search))} |`);
  console.log(`| evaluation form open after a tap (median of ${RUNS}; runs: ${formOpen.map((x) => x.toFixed(0)).join(", ")} ms) | ${ms(median(formOpen))} |`);
} finally {
  await server.stop();
}
process.exit(0);
