// Issue 16, requirement 7: a commune's afternoon of review. Three hamlets submit 30
// evaluations, each with a photo. The commune leader, on a PC, works from the review
// table: filters by hamlet, sorts, searches without diacritics, opens a record and its
// photo full-screen, returns two with comments walking the queue with "Phiếu sau",
// approves 25 at once, recognises the 20 the rules grant under one decision typed once,
// prints it (exactly those 20 names with birth years) and reopens one with a reason. The
// hamlet officer sees the returns and the reopening on a phone, and each record's history
// shows every step. Screenshots of the table (PC and phone), the viewer (phone) and the
// decision (A4) — in docs/screenshots/ with HOCTAP_SCREENSHOTS=1.

import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, png, syncNow } from "./app.mjs";
import {
  acceptInvitation,
  apiOk,
  COMMUNE,
  createHamlet,
  invite,
  login,
  pushOps,
  screenshot,
  serverWithAdmin,
  setOffline,
} from "./lib.mjs";
import { CITIZEN_INDICATORS } from "./throttle.mjs";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const PASSWORD = "mat-khau-dai-du-1";
const DECISION = "31/QĐ-UBND";

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"];
const GIVEN = ["Thị Hằng", "Văn Nam", "Thị Thu", "Văn Tư", "Thị Mai", "Văn Hải", "Thị Lan", "Văn Đức", "Thị Hoa", "Văn Bình"];

/** Uploads `bytes` as evidence with `token`; resolves to its attach operation's body. */
async function photo(base, token, bytes, indicator, name) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const response = await fetch(`${base}/api/v1/evidence/${sha256}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: bytes,
  });
  assert.ok(response.status === 201 || response.status === 200, `evidence upload: ${response.status}`);
  return { type: "attach_evidence", indicator, sha256, media_type: "image/png", size: bytes.length, name };
}

/** The transitions of a record's history, in order, as the commune leader reads it. */
async function steps(base, token, evaluation) {
  const page = await apiOk(base, `/records/evaluation/${evaluation}/history`, { token });
  return page.events.flatMap((e) => e.changes.filter((c) => c.what === "transition").map((c) => c.transition.action));
}

test("a commune reviews three hamlets' thirty evaluations from the table in one afternoon", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const base = server.base;
  const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });

  // The hamlet officer of Đông Hạ works on a phone; the other two push from theirs.
  const names = ["Đông Hạ", "Tây Sơn", "Bắc Bình"];
  const officers = ["Nguyễn Thị Lan", "Trần Văn Hải", "Lê Thị Mai"];
  const hamlets = [];
  for (const [i, name] of names.entries()) {
    const hamlet = await createHamlet(base, admin.token, COMMUNE, name);
    const link = await invite(base, admin.token, { role: "collaborator", unit: hamlet.unit, display_name: officers[i] });
    hamlets.push({ ...hamlet, name: `Thôn ${name}`, link, username: `can-bo-${i + 1}` });
  }
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, base, hamlets[0].link, hamlets[0].username);
  hamlets[0].token = (await login(base, hamlets[0].username, PASSWORD)).token;
  for (const hamlet of hamlets.slice(1)) {
    hamlet.token = (await acceptInvitation(base, hamlet.link.token, hamlet.username, PASSWORD)).token;
  }

  // Thirty people, ten a hamlet, each scored with a photo and submitted. Five (the last of
  // Tây Sơn and Bắc Bình's, and three more) score 5 of 10 everywhere: the rules do not
  // recognise them.
  const people = [];
  for (const [h, hamlet] of hamlets.entries()) {
    const ops = [];
    for (let i = 0; i < 10; i += 1) {
      const n = h * 10 + i;
      const person = {
        name: `${FAMILY[i]} ${GIVEN[(i + h * 3) % 10]}`,
        year: 1960 + n,
        points: [7, 15, 22, 25, 29].includes(n) ? 5 : 8 + (n % 3),
        hamlet: h,
        person: randomUUID(),
        evaluation: randomUUID(),
      };
      people.push(person);
      const evaluation = { kind: "evaluation", id: person.evaluation };
      ops.push({ record: { kind: "person", id: person.person }, unit: hamlet.unit, body: fields([["name", person.name], ["birth_year", person.year]]) });
      ops.push({
        record: evaluation,
        unit: hamlet.unit,
        body: fields([["set", "cdht-244-2022"], ["year", 2026], ["subject", { kind: "person", id: person.person }]]),
      });
      for (const indicator of CITIZEN_INDICATORS) {
        ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "set_score", indicator, answer: person.points, base: [] } });
      }
      const attach = await photo(base, hamlet.token, png(320 + n, 240), CITIZEN_INDICATORS[0], `lop-hoc-${n + 1}.png`);
      ops.push({ record: evaluation, unit: hamlet.unit, body: attach });
      ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "transition", transition: { action: "submit" } } });
    }
    await pushOps(base, hamlet.token, ops);
  }

  // The commune leader, on a PC.
  const binhLink = await invite(base, admin.token, { role: "commune_approver", unit: COMMUNE, display_name: "Trần Văn Bình" });
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  const p = pc.page;
  await acceptInBrowser(p, base, binhLink, "binh.xa");
  const binh = await login(base, "binh.xa", PASSWORD);
  await p.goto(`${base}/#duyet`);
  const count = p.locator(".review-count");
  await count.getByText("30 phiếu").waitFor();
  const rows = p.locator(".review-table tbody tr");
  // Who sent it, from the server: the hamlets' officers.
  await p.locator("tbody td", { hasText: "Trần Văn Hải" }).first().waitFor();
  await screenshot(p, "review-table-pc");

  // Filter by hamlet, sort by score, search without diacritics.
  await p.getByLabel("Thôn", { exact: true }).selectOption({ label: "Thôn Tây Sơn" });
  await count.getByText("10 phiếu").waitFor();
  const hamletCells = await p.locator('.review-table td[data-label="Thôn"]').allInnerTexts();
  assert.deepEqual([...new Set(hamletCells)], ["Thôn Tây Sơn"]);
  await p.getByRole("button", { name: "Điểm, mức" }).click();
  const totals = (await p.locator('.review-table td[data-label="Điểm, mức"]').allInnerTexts()).map((s) => Number(s.split("/")[0].replace(",", ".")));
  assert.deepEqual(totals, [...totals].sort((a, b) => a - b), "sorted by score, lowest first");
  assert.equal(await p.locator('th[aria-sort="ascending"]').innerText(), "Điểm, mức ▲");
  await p.getByLabel("Tìm theo tên").fill("nguyen");
  const found = await p.locator('.review-table td[data-label="Họ tên"]').allInnerTexts();
  assert.ok(found.length >= 1 && found.every((name) => name.startsWith("Nguyễn")), `${found}`);
  await p.getByLabel("Tìm theo tên").fill("");
  await p.getByLabel("Thôn", { exact: true }).selectOption({ label: "Thôn Đông Hạ" });
  await count.getByText("10 phiếu").waitFor();
  await p.getByRole("button", { name: "Họ tên" }).click();

  // Open the first; its photo full-screen; return it and the next with comments.
  const queue = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.record));
  const returned = queue.filter((id) => people.find((x) => x.evaluation === id).points >= 8).slice(0, 2);
  assert.equal(returned.length, 2);
  await p.locator(`tr[data-record="${returned[0]}"] td.name a`).click();
  await p.waitForURL(new RegExp(`#danh-gia/${returned[0]}$`));
  await p.locator(".queue-nav").first().getByText(/Danh sách duyệt \(\d+\/10\)/).waitFor();
  await p.locator(".thumb img").first().click();
  await p.locator(".viewer img").waitFor();
  await p.keyboard.press("Escape");
  await p.locator(".viewer").waitFor({ state: "detached" });
  const actions = p.locator(".review-actions");
  await actions.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await screenshot(p, "review-record-pc");
  for (const [i, id] of returned.entries()) {
    if (i > 0) {
      await p.goto(`${base}/#danh-gia/${id}`);
    }
    await actions.getByRole("button", { name: "Trả lại để sửa" }).click();
    await actions.getByText("Hãy ghi lý do trả lại để người chấm biết cần sửa gì.").waitFor();
    await actions.getByLabel(/Lý do trả lại/).fill(`Ảnh minh chứng số ${i + 1} bị mờ, chụp lại giúp.`);
    await actions.getByRole("button", { name: "Trả lại để sửa" }).click();
    await p.locator('[data-status="returned"]').waitFor();
  }
  // Previous and next walk the filtered queue.
  const at = queue.indexOf(returned[1]);
  if (at + 1 < queue.length) {
    await p.locator(".queue-nav").last().getByRole("link", { name: "Phiếu sau ›" }).click();
    await p.waitForURL(new RegExp(`#danh-gia/${queue[at + 1]}$`));
  }
  await p.locator(".queue-nav a.back").first().click();
  await p.waitForURL(/#duyet$/);
  // The table is as it was left: Đông Hạ, by name.
  assert.equal(await p.locator("#review-hamlet option:checked").innerText(), "Thôn Đông Hạ");
  await syncNow(p);

  // Approve 25 at once — with no network (the commune hall's signal): every waiting one
  // but three. The 25 steps wait on the device and leave as one batch once online.
  await setOffline(pc.context, true);
  await p.getByLabel("Thôn", { exact: true }).selectOption({ label: "Mọi thôn" });
  await p.getByLabel("Trạng thái").selectOption({ label: "Chờ duyệt" });
  await count.getByText("28 phiếu").waitFor();
  await p.getByLabel(/Chọn tất cả \(28\)/).check();
  const leftWaiting = people.filter((x) => x.points >= 8 && !returned.includes(x.evaluation)).slice(-3);
  for (const x of leftWaiting) {
    await p.locator(`tr[data-record="${x.evaluation}"] td.choose input`).uncheck();
  }
  await p.getByText("Đã chọn 25 phiếu").waitFor();
  await p.getByRole("button", { name: "Duyệt 25 phiếu" }).click();
  await p.getByText("Đã duyệt 25 phiếu trên máy; máy sẽ gửi lên máy chủ một lần.").waitFor();
  await p.locator('.sync-waiting[data-waiting="25"]').waitFor();
  let pushes = 0;
  p.on("request", (request) => request.url().includes("/sync/push") && (pushes += 1));
  await setOffline(pc.context, false);
  await syncNow(p);
  assert.equal(pushes, 1, "the 25 approvals left as one batch (one push)");

  // Recognise the twenty the rules grant, under one decision typed once.
  await p.getByLabel("Trạng thái").selectOption({ label: "Đã duyệt, chờ công nhận" });
  await count.getByText("25 phiếu").waitFor();
  await p.getByLabel(/Chọn tất cả \(25\)/).check();
  await p.locator("summary", { hasText: "Công nhận theo quyết định (20 phiếu đủ điều kiện)" }).click();
  const bar = p.locator(".bulk-bar");
  await bar.getByLabel("Số quyết định", { exact: true }).fill(DECISION);
  await bar.getByLabel("Ngày quyết định (ngày/tháng/năm)", { exact: true }).fill("25/11/2026");
  await bar.getByLabel("Cơ quan ban hành", { exact: true }).fill("Ủy ban nhân dân xã Cửu An");
  await bar.getByLabel("Theo đề nghị của", { exact: true }).fill("Hội Khuyến học xã Cửu An");
  await p.getByRole("button", { name: "Công nhận 20 phiếu" }).click();
  await p.getByText("Đã công nhận 20 phiếu trên máy; máy sẽ gửi lên máy chủ một lần.").waitFor();
  await p.getByText("Bỏ qua 5 phiếu:").waitFor();
  await syncNow(p);

  const approvedOnly = people.filter((x) => x.points < 8);
  const recognised = people.filter((x) => x.points >= 8 && !returned.includes(x.evaluation) && !leftWaiting.includes(x));
  assert.equal(recognised.length, 20);
  for (const x of people) {
    const view = await apiOk(base, `/records/evaluation/${x.evaluation}`, { token: admin.token });
    const expected = returned.includes(x.evaluation)
      ? "returned"
      : leftWaiting.includes(x)
        ? "submitted"
        : approvedOnly.includes(x)
          ? "approved"
          : "recognised";
    assert.equal(view.status, expected, x.name);
  }

  // The decision is a record of its own: its page (office app) and its printout list
  // exactly those twenty, each with birth year.
  await p.getByRole("link", { name: "Xem, in quyết định và danh sách kèm theo" }).click();
  await p.waitForURL(/office\.html#quyet-dinh\/2026\?/);
  await p.getByRole("heading", { name: `Quyết định số ${DECISION}` }).waitFor();
  assert.equal(await p.locator(".decision-count").getAttribute("data-count"), "20");
  const expected = recognised.map((x) => `${x.name} ${x.year}`).sort();
  const [tab] = await Promise.all([pc.context.waitForEvent("page"), p.getByRole("button", { name: "In quyết định (A4)" }).click()]);
  await tab.locator("table.annex-list").waitFor();
  const printed = await tab
    .locator("table.annex-list tbody tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
  assert.deepEqual(printed.map((cells) => `${cells[1]} ${cells[2]}`).sort(), expected);
  assert.match(await tab.content(), /Theo đề nghị của Hội Khuyến học xã Cửu An\./);
  await tab.setViewportSize({ width: 794, height: 1123 });
  await screenshot(tab, "review-decision-a4");
  await tab.close();

  // Reopen one of Đông Hạ's, with a reason.
  const reopened = recognised.find((x) => x.hamlet === 0);
  const reason = "Sai năm sinh trong danh sách; thôn kiểm tra lại.";
  const answers = ["", reason];
  p.on("dialog", (dialog) => dialog.accept(answers.shift() ?? ""));
  await p.goto(`${base}/#danh-gia/${reopened.evaluation}`);
  await p.getByText(new RegExp(`Đã công nhận: Quyết định số ${DECISION.replace("/", "\\/")}`)).waitFor();
  await p.getByRole("button", { name: "Mở lại hồ sơ" }).click();
  await p.locator('[data-status="returned"]').waitFor();
  await syncNow(p);

  // The table on a phone: the same rows as cards.
  await p.setViewportSize(PHONE);
  await p.goto(`${base}/#duyet`);
  await p.getByLabel("Trạng thái").selectOption({ label: "Mọi trạng thái" });
  await count.getByText("30 phiếu").waitFor();
  await p.locator("#review-state").evaluate((e) => e.scrollIntoView());
  await screenshot(p, "review-table-phone");
  await p.setViewportSize(DESKTOP);

  // The hamlet officer, on the phone: the returns and the reopening, each with why.
  const o = phone.page;
  await syncNow(o);
  await o.goto(`${base}/#`);
  const list = o.locator(".returned-list");
  for (const id of [...returned, reopened.evaluation]) {
    const x = people.find((y) => y.evaluation === id);
    await list.getByText(`${x.name} · năm 2026`).waitFor();
  }
  await list.getByText(`Mở lại để sửa: ${reason}`).waitFor();
  await list.getByText("Xã trả lại: Ảnh minh chứng số 2 bị mờ, chụp lại giúp.").waitFor();
  await screenshot(o, "review-returned-home-phone");
  await o.goto(`${base}/#danh-gia/${returned[0]}`);
  await o.getByText("Xã trả lại để sửa: Ảnh minh chứng số 1 bị mờ, chụp lại giúp.").waitFor();
  await o.locator(".thumb img").first().click();
  await o.locator(".viewer img").waitFor();
  await screenshot(o, "review-viewer-phone");
  await o.keyboard.press("Escape");

  // Every record's history shows every step.
  for (const x of people) {
    const expected = returned.includes(x.evaluation)
      ? ["submit", "return"]
      : leftWaiting.includes(x)
        ? ["submit"]
        : approvedOnly.includes(x)
          ? ["submit", "approve"]
          : x === reopened
            ? ["submit", "approve", "recognise", "reopen"]
            : ["submit", "approve", "recognise"];
    assert.deepEqual(await steps(base, binh.token, x.evaluation), expected, x.name);
  }
  // And on the page, in words.
  await p.goto(`${base}/#danh-gia/${reopened.evaluation}`);
  await p.locator("details.history summary").click();
  const events = p.locator("details.history .event");
  await events.getByText(/Mở lại: Sai năm sinh trong danh sách/).waitFor();
  await events.getByText(new RegExp(`Công nhận: Quyết định số ${DECISION.replace("/", "\\/")} ngày 25\\/11\\/2026`)).waitFor();
  await events.getByText(/Duyệt \(đã gửi duyệt → đã duyệt\)/).waitFor();
  await events.getByText(/Gửi xét duyệt \(nháp → đã gửi duyệt\)/).waitFor();

  assert.deepEqual([...pc.errors, ...phone.errors], [], "no errors in the pages");
});
