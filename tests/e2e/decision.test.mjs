// Issue 16, requirement 3: a recognition decision is a record of its own. After a commune
// approver recognises several people of two hamlets under one decision (in one batch, as
// the review screen sends it) and one more under another decision, the office app's
// decision page (office.html#quyet-dinh/2026?so=…&ngay=…) lists exactly the people of
// that decision, each with birth year, household and hamlet, on a PC and on a phone; its
// print button opens the A4 page with the same names; the year's list shows both
// decisions; the evaluation page's decision number leads to the decision's page; and a
// decision that does not exist says so.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, syncNow } from "./app.mjs";
import { COMMUNE, createHamlet, login, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";
import { CITIZEN_INDICATORS } from "./throttle.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const NUMBER = "27/QĐ-UBND";
const DECISION_HASH = `#quyet-dinh/2026?so=${encodeURIComponent(NUMBER)}&ngay=2026-11-20`;

test("a recognition decision is a page of its own, printable again, on a PC and a phone", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["binh", "commune_approver", "Trần Văn Bình"],
    ["chi", "commune_officer", "Lê Thị Chi"],
  ]);
  const other = await createHamlet(server.base, admin.token, COMMUNE, "Tây Hạ");
  const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
  const step = (transition) => ({ type: "transition", transition });
  // Two namesakes told apart by birth year and household, one more of Đông Hạ, one of
  // Tây Hạ (all four under decision 27), and one of Đông Hạ under decision 28.
  const people = [
    ["Nguyễn Thị Hằng", 1980, hamlet, "Nguyễn Văn Hải", NUMBER],
    ["Nguyễn Thị Hằng", 1994, hamlet, "Trần Văn Long", NUMBER],
    ["Lê Văn Nam", 1975, hamlet, "Lê Văn Nam", NUMBER],
    ["Phạm Thị Thu", 1988, other, "Phạm Văn Đức", NUMBER],
    ["Hoàng Văn Tư", 1969, hamlet, "Hoàng Văn Tư", "28/QĐ-UBND"],
  ].map(([name, year, where, head, number]) => ({
    name, year, where, head, number, person: randomUUID(), household: randomUUID(), evaluation: randomUUID(),
  }));
  const submitted = [];
  for (const p of people) {
    const evaluation = { kind: "evaluation", id: p.evaluation };
    const unit = p.where.unit;
    submitted.push({ record: { kind: "household", id: p.household }, unit, body: fields([["ten_chu_ho", p.head]]) });
    submitted.push({
      record: { kind: "person", id: p.person },
      unit,
      body: fields([["name", p.name], ["birth_year", p.year], ["household", p.household]]),
    });
    submitted.push({
      record: evaluation,
      unit,
      body: fields([["set", "cdht-244-2022"], ["year", 2026], ["subject", { kind: "person", id: p.person }]]),
    });
    for (const indicator of CITIZEN_INDICATORS) {
      submitted.push({ record: evaluation, unit, body: { type: "set_score", indicator, answer: 9, base: [] } });
    }
    submitted.push({ record: evaluation, unit, body: step({ action: "submit" }) });
  }
  await pushOps(server.base, admin.token, submitted);

  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  await acceptInBrowser(pc.page, server.base, links.binh, "binh.xa");
  // The approver's bulk approval and recognition leave the device as one batch.
  const binh = await login(server.base, "binh.xa", "mat-khau-dai-du-1");
  const decided = people.flatMap((p) => {
    const record = { kind: "evaluation", id: p.evaluation };
    const date = p.number === NUMBER ? "2026-11-20" : "2026-11-25";
    const decision = { number: p.number, date, authority: "Ủy ban nhân dân xã Cửu An", proposer: "Hội Khuyến học xã Cửu An" };
    return [
      { record, unit: p.where.unit, body: step({ action: "approve" }) },
      { record, unit: p.where.unit, body: step({ action: "recognise", decision }) },
    ];
  });
  await pushOps(server.base, binh.token, decided);
  await syncNow(pc.page);
  const listed = people.filter((p) => p.number === NUMBER);
  const expected = listed.map((p) => `${p.name} ${p.year} ${p.head} Thôn ${p.where === hamlet ? "Đông Hạ" : "Tây Hạ"}`).sort();

  // The decision's list as the page shows it, one line per subject.
  const rowsOf = async (page) =>
    (
      await page.locator("tr.decision-subject").evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll("td")].slice(1).map((td) => td.firstChild?.textContent ?? td.textContent)),
      )
    ).map((cells) => cells.join(" "));

  // The year's decisions, newest first, each with its counts.
  const p = pc.page;
  await p.goto(`${server.base}/office.html#quyet-dinh/2026`);
  await p.getByRole("link", { name: "Quyết định", exact: true }).waitFor();
  const items = p.locator(".decision-list .row");
  await items.first().waitFor();
  assert.deepEqual(await items.locator(".row-name").allInnerTexts(), [
    "Quyết định số 28/QĐ-UBND ngày 25/11/2026",
    "Quyết định số 27/QĐ-UBND ngày 20/11/2026",
  ]);
  assert.match(await items.nth(1).innerText(), /Theo đề nghị của Hội Khuyến học xã Cửu An/);
  assert.match(await items.nth(1).innerText(), /Công dân học tập: 4/);
  await screenshot(p, "decisions-year-pc");
  await items.nth(1).click();
  await p.waitForURL((url) => url.hash === DECISION_HASH);

  // One decision on a PC: its header, a table of exactly its four people.
  await p.getByRole("heading", { name: `Quyết định số ${NUMBER}` }).waitFor();
  await p.getByText("Ngày 20/11/2026 · Ủy ban nhân dân xã Cửu An").waitFor();
  await p.getByText("Theo đề nghị của Hội Khuyến học xã Cửu An").waitFor();
  assert.equal(await p.locator(".decision-count").getAttribute("data-count"), "4");
  assert.deepEqual((await rowsOf(p)).sort(), expected);
  assert.equal(await p.locator("table.decision-table thead").isVisible(), true, "a table on a PC");
  await screenshot(p, "decision-pc", { fullPage: true });

  // Printed again: the A4 page lists the same people with their birth years.
  const [tab] = await Promise.all([
    pc.context.waitForEvent("page"),
    p.getByRole("button", { name: "In quyết định (A4)" }).click(),
  ]);
  await tab.waitForURL(/^blob:/);
  await tab.locator("table.annex-list").waitFor();
  const printed = await tab
    .locator("table.annex-list tbody tr")
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent)));
  assert.deepEqual(printed.map((cells) => `${cells[1]} ${cells[2]}`).sort(), listed.map((q) => `${q.name} ${q.year}`).sort());
  assert.match(await tab.content(), /Theo đề nghị của Hội Khuyến học xã Cửu An\./);
  await tab.close();

  // From a row to the evaluation in the app, and from the evaluation's decision number
  // back to the decision's page.
  const hang = listed[0];
  await p.bringToFront();
  await p.locator("tr.decision-subject", { hasText: String(hang.year) }).getByRole("link", { name: hang.name }).click();
  await p.waitForURL(new RegExp(`/#danh-gia/${hang.evaluation}$`));
  const link = p.getByRole("link", { name: `Quyết định số ${NUMBER}` });
  await link.waitFor();
  await link.click();
  await p.waitForURL((url) => url.pathname === "/office.html" && url.hash === DECISION_HASH);
  await p.getByRole("heading", { name: `Quyết định số ${NUMBER}` }).waitFor();
  assert.equal((await rowsOf(p)).length, 4);

  // A decision that does not exist says so.
  await p.goto(`${server.base}/office.html#quyet-dinh/2026?so=99%2FQ%C4%90-UBND&ngay=2026-11-20`);
  await p.locator("[data-missing]").waitFor();
  assert.match(await p.locator("[data-missing]").innerText(), /Không có quyết định số 99\/QĐ-UBND ngày 20\/11\/2026/);

  // On a phone, another officer of the commune reads the same list as stacked rows.
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, server.base, links.chi, "chi.xa");
  await phone.page.goto(`${server.base}/office.html${DECISION_HASH}`);
  await phone.page.getByRole("heading", { name: `Quyết định số ${NUMBER}` }).waitFor();
  await phone.page.locator("tr.decision-subject").first().waitFor();
  assert.deepEqual((await rowsOf(phone.page)).sort(), expected);
  assert.equal(await phone.page.locator("table.decision-table thead").isVisible(), false, "stacked rows on a phone");
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `nothing wider than the phone (${width} px)`);
  await screenshot(phone.page, "decision-phone", { fullPage: true });

  assert.deepEqual(pc.errors, []);
  assert.deepEqual(phone.errors, []);
});
