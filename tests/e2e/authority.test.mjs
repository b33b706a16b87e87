// Issue 14 ("The server is the authority") as an officer and an approver meet it in the
// app, on the real server and the built app in Debian's headless Chromium:
// (a) a phone whose clock is a year fast saves scores; the server refuses their clock,
//     the app says the phone's date is wrong and keeps the work; once the clock is set
//     right and sync runs again, the work is stamped again and stored exactly once;
// (b) an approver recognises an evaluation the criteria set's rules do not recognise:
//     the app shows the rules' reasons and asks for a written reason, refuses without
//     one, accepts with one; the record, its history and the decision's list show it.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, hamletWithPeople, openForReview, pullAll, scoreAll, startEvaluation, syncNow } from "./app.mjs";
import { COMMUNE, acceptInvitation, api, apiOk, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";

const DAY = 24 * 60 * 60 * 1000;
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
/** The Learning Citizen set's ten points indicators (pass mark 80, each at least 5). */
const CITIZEN_SET = "cdht-244-2022";
const CITIZEN_INDICATORS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2"];

test("(a) a phone a year fast: told to set its date, work kept, then accepted exactly once", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Nguyễn Thị Lan"]]);
  const { context, page, errors } = await device(PHONE);
  t.after(() => context.close());
  // The phone's clock runs a year ahead of the server's (timers keep running).
  await context.clock.install({ time: Date.now() + 365 * DAY });

  await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
  await addRecord(page, server.base, "nguoi", { "Họ và tên *": "Lê Văn Tâm", "Năm sinh": "1985" });
  const evaluationId = await startEvaluation(page);
  const scored = await scoreAll(page, 9);
  await page.getByRole("button", { name: "Lưu trên máy" }).click();
  await page.getByText(/Đã lưu trên máy/).waitFor();

  // The save asks for a sync: the server refuses the clock, and the app says so plainly.
  const warning = page.locator(".clock-warning").first();
  await warning.waitFor({ timeout: 60_000 });
  const text = await warning.innerText();
  assert.match(text, /Ngày giờ trên điện thoại bị sai/);
  const nextYear = new Date(Date.now() + 365 * DAY).getFullYear();
  assert.match(text, new RegExp(`Điện thoại đang ghi \\d\\d/\\d\\d/${nextYear} \\d\\d:\\d\\d, còn máy chủ là \\d\\d/\\d\\d/${nextYear - 1} \\d\\d:\\d\\d`));
  assert.match(text, /Hãy chỉnh lại ngày giờ của điện thoại/);
  assert.match(text, /thay đổi vẫn được giữ trên máy/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "clock-wrong-phone");
  const waiting = Number(await page.locator(".sync-waiting").getAttribute("data-waiting"));
  assert.ok(waiting >= scored + 2, `the work stays in the outbox (${waiting})`);
  // Not a refusal of the work: nothing in the refusals, and nothing on the server.
  await page.goto(`${server.base}/#thiet-bi`);
  await page.locator("main .clock-warning").waitFor();
  assert.equal(await page.getByText(/bị máy chủ từ chối/).count(), 0);
  await screenshot(page, "clock-wrong-device-phone");
  const before = (await pullAll(api, server.base, admin.token)).filter((op) => op.record.kind !== "hamlet");
  assert.deepEqual(before, []);
  // While the clock is wrong, a new evaluation's year defaults to the server's year,
  // not the phone's.
  await page.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await page.getByRole("link", { name: /Lê Văn Tâm/ }).first().click();
  await page.locator("#new-year").waitFor();
  assert.equal(await page.locator("#new-year").inputValue(), String(new Date().getFullYear()));

  // The officer sets the clock right and syncs: the work goes, once.
  await context.clock.setSystemTime(Date.now());
  await syncNow(page);
  assert.equal(await page.locator(".clock-warning").count(), 0);
  assert.equal(await page.getByText(/bị máy chủ từ chối/).count(), 0);
  const ops = (await pullAll(api, server.base, admin.token)).filter((op) => op.record.kind !== "hamlet");
  assert.equal(ops.length, waiting, "every saved operation is on the server");
  assert.equal(new Set(ops.map((op) => op.id)).size, ops.length, "each once");
  for (const op of ops) {
    assert.ok(Math.abs(op.hlc.wall_ms - Date.now()) < DAY, `stamped from the right clock: ${JSON.stringify(op.hlc)}`);
  }
  const scores = ops.filter((op) => op.record.id === evaluationId && op.body.type === "set_score");
  assert.equal(scores.length, scored);
  const view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(view.fields["score:1.1"].value, 9);
  // Work saved after the fix is stamped from the right clock too (the stored clock was reset).
  await page.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await page.locator("input.points[inputmode=decimal]").first().fill("10");
  await page.getByRole("button", { name: "Lưu trên máy" }).click();
  await page.getByText(/Đã lưu trên máy/).waitFor();
  await syncNow(page);
  const after = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(after.fields["score:1.1"].value, 10);
  assert.ok(Math.abs(after.last.wall_ms - Date.now()) < DAY, JSON.stringify(after.last));
  assert.deepEqual(errors, []);
});

test("(b) recognising what the rules do not recognise needs a written reason, shown everywhere", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  // The officer's evaluation, pushed as her phone would: 50 points of 100, submitted.
  const lan = await acceptInvitation(server.base, links.lan.token, "lan.dongha", "mat-khau-dai-du-1");
  const person = randomUUID();
  const evaluationId = randomUUID();
  const evaluation = { kind: "evaluation", id: evaluationId };
  const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
  await pushOps(server.base, lan.token, [
    { record: { kind: "person", id: person }, unit: hamlet.unit, body: fields([["name", "Hà Văn Khó"], ["birth_year", 1968]]) },
    {
      record: evaluation,
      unit: hamlet.unit,
      body: fields([["set", CITIZEN_SET], ["year", 2026], ["subject", { kind: "person", id: person }]]),
    },
    ...CITIZEN_INDICATORS.map((indicator) => ({
      record: evaluation,
      unit: hamlet.unit,
      body: { type: "set_score", indicator, answer: 5, base: [] },
    })),
    { record: evaluation, unit: hamlet.unit, body: { type: "transition", transition: { action: "submit" } } },
  ]);

  const { context, page, errors } = await device(DESKTOP);
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, links.binh, "binh.xa");
  await page.goto(`${server.base}/#duyet`);
  // Complete, so it may be approved; the row says what the rules decide.
  await page.locator(`tr[data-record="${evaluationId}"]`).getByText(/Chưa đủ điều kiện/).first().waitFor();
  const item = await openForReview(page, server.base, evaluationId);
  await item.getByRole("button", { name: "Duyệt", exact: true }).click();
  await item.getByLabel("Số quyết định").fill("21/QĐ-UBND");
  await item.getByLabel("Ngày quyết định (ngày/tháng/năm)").fill("25/11/2026");
  await item.getByLabel("Cơ quan ban hành").fill("Ủy ban nhân dân xã Cửu An");
  await item.getByText("Theo bộ tiêu chí, phiếu này chưa đủ điều kiện công nhận:").waitFor();
  assert.ok((await item.locator(".not-eligible li").count()) >= 1, "the rules' reasons are listed");

  // Without a reason: refused on the device, nothing saved.
  await item.getByRole("button", { name: "Công nhận", exact: true }).click();
  await item.getByRole("alert").getByText(/hãy ghi lý do công nhận ngoại lệ/).waitFor();
  await screenshot(page, "recognise-override-desktop");
  await page.setViewportSize(PHONE);
  await item.getByLabel("Lý do công nhận ngoại lệ (bắt buộc)").scrollIntoViewIfNeeded();
  await screenshot(page, "recognise-override-phone");
  await page.setViewportSize(DESKTOP);
  await syncNow(page);
  let view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(view.status, "approved");

  // With a reason: recognised, and the reason travels with the decision.
  const reason = "Thương binh, tự học vượt khó, là tấm gương của thôn";
  await item.getByLabel("Lý do công nhận ngoại lệ (bắt buộc)").fill(reason);
  await item.getByRole("button", { name: "Công nhận", exact: true }).click();
  await page.locator('[data-status="recognised"]').waitFor();
  await syncNow(page);
  view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(view.status, "recognised");
  assert.equal(view.decision.override_reason, reason);
  assert.deepEqual(view.refused, []);

  // The record's page and its history show it.
  await page.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await page.getByText(`Công nhận ngoại lệ: ${reason}`, { exact: true }).waitFor();
  await page.locator("details.history summary").click();
  await page
    .locator("details.history .event")
    .getByText(new RegExp(`Công nhận: Quyết định số 21/QĐ-UBND ngày 25/11/2026 .* — Công nhận ngoại lệ: ${reason}`))
    .waitFor();
  await screenshot(page, "recognised-override-desktop");
  await page.setViewportSize(PHONE);
  await screenshot(page, "recognised-override-phone");
  await page.goto(`${server.base}/#ho-so/nguoi/${person}`);
  await page.getByText(/Công nhận ngoại lệ/).waitFor();

  // The decision's list, printed and as a spreadsheet, notes the exception.
  const reports = `/reports/${encodeURIComponent(COMMUNE)}/2026`;
  const printed = await fetch(
    `${server.base}/api/v1${reports}/decisions/print?number=${encodeURIComponent("21/QĐ-UBND")}&date=2026-11-25`,
    { headers: { authorization: `Bearer ${admin.token}` } },
  );
  assert.equal(printed.status, 200);
  const html = await printed.text();
  assert.match(html, /<th>Ghi chú<\/th>/);
  assert.ok(html.includes(`Công nhận ngoại lệ: ${reason}`));
  const csv = await fetch(`${server.base}/api/v1${reports}/recognised.csv`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  assert.equal(csv.status, 200);
  assert.ok((await csv.text()).includes(`Công nhận ngoại lệ: ${reason}`));
  assert.deepEqual(errors, []);
});
