// Issue 16, requirements 4 to 6 in Chromium: a hamlet officer (phone) scores and
// submits; the commune approver (PC) finds it by hamlet from the home, returns it with a
// comment; the officer sees the return on the phone's home, corrects and resubmits; the
// approver approves, recognises and then reopens it with a reason from the record's
// page; the officer's home lists it as returned with the reason; the record's "Lịch sử"
// shows every step with names and roles, and says offline that it needs the network.
// Screenshots in /tmp/hoctap-e2e-screenshots/ (docs/screenshots/ with HOCTAP_SCREENSHOTS=1).

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, hamletWithPeople, openForReview, scoreAll, startEvaluation, syncNow, waitSynced } from "./app.mjs";
import { apiOk, screenshot, serverWithAdmin, setOffline, waitForServiceWorker } from "./lib.mjs";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const COMMENT = "Thiếu ảnh minh chứng lớp học; chỉ số 1.1 cần chấm lại.";
const REASON = "Sai năm sinh của người được công nhận; cần sửa rồi xét lại.";

test("a record is returned, recognised, reopened with a reason, and its history shows every step", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  const officer = await device(PHONE);
  const approver = await device(DESKTOP);
  t.after(() => officer.context.close());
  t.after(() => approver.context.close());
  await acceptInBrowser(officer.page, server.base, links.lan, "lan.dongha");
  await acceptInBrowser(approver.page, server.base, links.binh, "binh.xa");
  const o = officer.page;
  const p = approver.page;
  await waitForServiceWorker(o);

  // The officer scores a Learning Citizen and sends it for review.
  await addRecord(o, server.base, "nguoi", { "Họ và tên *": "Đỗ Thị Hoa", "Năm sinh": "1990" });
  const evaluationId = await startEvaluation(o);
  await scoreAll(o, 8);
  // A passing score is only eligible: "Đã công nhận" belongs to a decision.
  await o.locator(".summary-result").getByText("Đủ điều kiện công nhận").waitFor();
  assert.equal(await o.getByText("Đạt danh hiệu").count(), 0);
  await o.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await o.locator('[data-status="submitted"]').waitFor();
  await waitSynced(o);

  // The commune's home counts what waits per hamlet, with a link into the queue.
  await syncNow(p);
  await p.goto(`${server.base}/#`);
  const waiting = p.locator(".waiting-by-hamlet");
  await waiting.getByText("Thôn Đông Hạ").waitFor();
  await waiting.getByText("1 phiếu chờ xét duyệt").waitFor();
  await screenshot(p, "history-home-commune-desktop");
  await waiting.getByText("Thôn Đông Hạ").click();
  await p.waitForURL(/#duyet\?thon=/);
  assert.ok(p.url().endsWith(`#duyet?thon=${hamlet.recordId}`), p.url());
  // The table is filtered to that hamlet.
  assert.equal(await p.locator("#review-hamlet option:checked").innerText(), "Thôn Đông Hạ");
  const row = p.locator(`tr[data-record="${evaluationId}"]`);
  await row.getByText("Đủ điều kiện công nhận", { exact: false }).waitFor();
  await row.locator("td.name a").click();
  const item = p.locator(".review-actions");
  await item.getByLabel(/Lý do trả lại/).fill(COMMENT);
  await item.getByRole("button", { name: "Trả lại để sửa" }).click();
  await p.locator('[data-status="returned"]').waitFor();
  await syncNow(p);

  // The officer's home lists the returned record, with why and a link to it.
  await syncNow(o);
  await o.goto(`${server.base}/#`);
  const returned = o.locator(".returned-list");
  await returned.getByText("Đỗ Thị Hoa · năm 2026").waitFor();
  await returned.getByText(`Xã trả lại: ${COMMENT}`).waitFor();
  await returned.getByText("Đỗ Thị Hoa · năm 2026").click();
  await o.waitForURL(new RegExp(`#danh-gia/${evaluationId}$`));
  await o.getByText(`Xã trả lại để sửa: ${COMMENT}`).waitFor();
  await o.locator("input.points[inputmode=decimal]").first().fill("10");
  await o.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await o.locator('[data-status="submitted"]').waitFor();
  await waitSynced(o);

  // Approved, recognised under a decision.
  await syncNow(p);
  await openForReview(p, server.base, evaluationId);
  await item.getByRole("button", { name: "Duyệt", exact: true }).click();
  await item.getByLabel("Số quyết định").fill("15/QĐ-UBND");
  await item.getByLabel("Ngày quyết định (ngày/tháng/năm)").fill("20/11/2026");
  await item.getByLabel("Cơ quan ban hành").fill("Ủy ban nhân dân xã");
  await item.getByLabel("Theo đề nghị của").fill("Hội Khuyến học xã Đông Hà");
  await item.getByRole("button", { name: "Công nhận" }).click();
  await p.locator('[data-status="recognised"]').waitFor();
  await p.getByText(/Đã công nhận: Quyết định số 15\/QĐ-UBND ngày 20\/11\/2026 của Ủy ban nhân dân xã, theo đề nghị của Hội Khuyến học xã Đông Hà/).waitFor();
  await syncNow(p);

  // Reopened from the record's page: the reason is required.
  await p.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await p.getByText(/Đã công nhận: Quyết định số 15\/QĐ-UBND/).waitFor();
  const answers = ["", REASON];
  const asked = [];
  p.on("dialog", (dialog) => {
    asked.push(dialog.message());
    dialog.accept(answers.shift() ?? "");
  });
  await p.getByRole("button", { name: "Mở lại hồ sơ" }).click();
  await p.locator('[data-status="returned"]').waitFor();
  assert.equal(asked.length, 2, "asked again while the reason was empty");
  assert.match(asked[1], /Cần ghi lý do mở lại/);
  await p.getByText(`Lãnh đạo xã mở lại để sửa: ${REASON}`).waitFor();
  assert.equal(await p.getByText(/Đã công nhận: Quyết định/).count(), 0, "a reopened record shows no decision in force");
  await syncNow(p);

  // On the officer's phone: returned, with the reason, on the home and on the record.
  await syncNow(o);
  await o.goto(`${server.base}/#`);
  await returned.getByText(`Mở lại để sửa: ${REASON}`).waitFor();
  await screenshot(o, "history-home-returned-phone");
  await returned.getByText("Đỗ Thị Hoa · năm 2026").click();
  await o.getByText(`Lãnh đạo xã mở lại để sửa: ${REASON}`).waitFor();
  await o.locator('.state[data-state="returned"]').waitFor();
  assert.equal(await o.getByRole("button", { name: "Mở lại hồ sơ" }).count(), 0, "only approvers reopen");

  // The record's history: every step, with names and roles.
  await o.locator("details.history summary").click();
  const events = o.locator("details.history .event");
  await events.first().waitFor();
  const lan = "Nguyễn Thị Lan (Cộng tác viên thôn)";
  const binh = "Trần Văn Bình (Lãnh đạo xã phê duyệt)";
  const steps = [
    [lan, "Gửi xét duyệt (nháp → đã gửi duyệt)"],
    [binh, `Trả lại để sửa: ${COMMENT} (đã gửi duyệt → bị trả lại)`],
    [lan, "Điểm chỉ số 1.1: 8 → 10"],
    [lan, "Gửi xét duyệt (bị trả lại → đã gửi duyệt)"],
    [binh, "Duyệt (đã gửi duyệt → đã duyệt)"],
    [binh, "Công nhận: Quyết định số 15/QĐ-UBND ngày 20/11/2026 của Ủy ban nhân dân xã (đã duyệt → đã công nhận)"],
    [binh, `Mở lại: ${REASON} (đã công nhận → bị trả lại)`],
  ];
  const texts = await events.allInnerTexts();
  for (const [who, what] of steps) {
    assert.ok(
      texts.some((text) => text.includes(who) && text.includes(what)),
      `"${what}" by ${who} in the history:\n${texts.join("\n---\n")}`,
    );
  }
  // Newest first; each with the device it came from.
  assert.ok(texts[0].includes("Mở lại:"), texts[0]);
  assert.ok(texts.every((text) => /Trên máy .+: \d\d\/\d\d\/\d{4} \d\d:\d\d/.test(text)), texts.join("\n"));
  await o.locator("details.history").scrollIntoViewIfNeeded();
  await screenshot(o, "history-evaluation-phone");

  // The same history on the PC, and the person's own record has one too.
  await p.locator("details.history summary").click();
  await p.locator("details.history .event").first().waitFor();
  await p.locator("details.history").scrollIntoViewIfNeeded();
  await screenshot(p, "history-evaluation-desktop");
  const view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  const personId = view.fields.subject.value.id;
  await p.goto(`${server.base}/#ho-so/nguoi/${personId}`);
  await p.locator("details.history summary").click();
  await p.locator("details.history .event").getByText("Họ và tên: Đỗ Thị Hoa").waitFor();
  await p.locator("details.history .event").getByText(lan).first().waitFor();

  // Offline, the section says that the history comes from the server.
  await setOffline(officer.context, true);
  await o.reload();
  await o.getByText(`Lãnh đạo xã mở lại để sửa: ${REASON}`).waitFor();
  await o.locator("details.history summary").click();
  await o.getByText(/Cần kết nối mạng để xem lịch sử/).waitFor();
  await setOffline(officer.context, false);

  const history = await apiOk(server.base, `/records/evaluation/${evaluationId}/history`, { token: admin.token });
  assert.deepEqual(
    history.events.flatMap((e) => e.changes.filter((c) => c.what === "transition").map((c) => c.to)),
    ["submitted", "returned", "submitted", "approved", "recognised", "returned"],
  );
  assert.deepEqual([...officer.errors, ...approver.errors], []);
});
