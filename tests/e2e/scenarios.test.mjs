// The three scenarios of issue 4, on the real server and the built app in Debian's
// headless Chromium:
// (a) an officer scores a Learning Citizen with a photo while the server is down,
//     reloads offline, and the app syncs by itself when the server returns;
// (b) two devices edit the same household offline; the conflict shows both values and
//     resolving it leaves one agreed state on both;
// (c) the commune returns a record with a comment, the officer corrects and resubmits,
//     and it is recognised.
// Screenshots of the main screens are taken on the way (docs/screenshots/ with
// HOCTAP_SCREENSHOTS=1).

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  acceptInBrowser,
  addRecord,
  device,
  hamletWithPeople,
  openForReview,
  png,
  pullAll,
  scoreAll,
  startEvaluation,
  syncNow,
  waitSynced,
} from "./app.mjs";
import { api, apiOk, screenshot, serverWithAdmin, setOffline, startServer, waitForServiceWorker } from "./lib.mjs";

const DESKTOP = { width: 1280, height: 800 };

test("(a) scored offline with a photo, kept through an offline reload, synced exactly once", async (t) => {
  let { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Nguyễn Thị Lan"]]);
  const { context, page, errors } = await device();
  t.after(() => context.close());

  await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
  await waitForServiceWorker(page);
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();

  // The server goes away; the officer keeps working.
  const { dataDir, port, base } = server;
  assert.equal(await server.stop(), 0);
  const personId = await addRecord(page, base, "nguoi", { "Họ và tên *": "Nguyễn Văn Ân", "Năm sinh": "1979" });
  const evaluationId = await startEvaluation(page);
  const scored = await scoreAll(page, 9);
  assert.ok(scored >= 5, `the Learning Citizen form has points indicators (${scored})`);
  const photo = png(2400, 1800);
  await page.locator("input[type=file]").first().setInputFiles({ name: "lop-hoc.png", mimeType: "image/png", buffer: photo });
  await page.locator(".evidence-list li").first().waitFor();
  await page.getByRole("button", { name: "Lưu trên máy" }).click();
  await page.getByText(/Đã lưu trên máy/).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "evaluation-phone");
  const waiting = Number(await page.locator(".sync-waiting").getAttribute("data-waiting"));
  assert.ok(waiting >= scored + 2, `operations wait in the outbox (${waiting})`);

  // A reload with no network at all: the shell comes from the service worker, the
  // record from IndexedDB.
  await setOffline(context, true);
  await page.reload();
  assert.ok(page.url().endsWith(`#danh-gia/${evaluationId}`));
  await page.getByRole("heading", { name: "Nguyễn Văn Ân" }).waitFor();
  assert.equal(await page.locator("input.points[inputmode=decimal]").first().inputValue(), "9");
  assert.equal(await page.locator(".evidence-list li").count(), 1);
  assert.equal(Number(await page.locator(".sync-waiting").getAttribute("data-waiting")), waiting);

  // The server returns and the network with it: the app syncs by itself.
  server = await startServer({ dataDir, port });
  await setOffline(context, false);
  await waitSynced(page);
  await page.locator('.state[data-state="confirmed"]').first().waitFor();
  await page.goto(`${base}/#so/nguoi`);
  await page.getByLabel("Tìm kiếm").fill("nguyen van an");
  await page.getByText("Nguyễn Văn Ân").waitFor();
  await screenshot(page, "register-phone");
  await page.goto(`${base}/#`);
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  await screenshot(page, "home-phone");

  // The server holds the record and the photo exactly once.
  const ops = await pullAll(api, server.base, admin.token);
  const ids = ops.map((op) => op.id);
  assert.equal(new Set(ids).size, ids.length, "no operation twice in the log");
  const evaluationOps = ops.filter((op) => op.record.id === evaluationId);
  // The person's two are the others: the record, and the subject group it remembers.
  assert.equal(evaluationOps.length, waiting - 2, "every operation of the evaluation arrived");
  const attached = evaluationOps.filter((op) => op.body.type === "attach_evidence");
  assert.equal(attached.length, 1, "the photo was attached once");
  const view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(view.status, "draft");
  const evidence = Object.values(view.evidence).flat();
  assert.equal(evidence.length, 1);
  assert.equal(evidence[0].media_type, "image/jpeg", "the photo was re-encoded as JPEG in the browser");
  assert.ok(evidence[0].size < photo.length, `resized before upload (${evidence[0].size} < ${photo.length} bytes)`);
  const file = await fetch(`${server.base}/api/v1/evidence/${evidence[0].sha256}`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  assert.equal(file.status, 200);
  const person = await apiOk(server.base, `/records/person/${personId}`, { token: admin.token });
  assert.equal(person.fields.name.value, "Nguyễn Văn Ân");
  assert.deepEqual(errors, []);
});

test("(b) two devices edit one household offline; the conflict is resolved to one state on both", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["minh", "collaborator", "Lê Văn Minh"],
  ]);
  const a = await device();
  const b = await device(DESKTOP);
  t.after(() => a.context.close());
  t.after(() => b.context.close());
  await acceptInBrowser(a.page, server.base, links.lan, "lan.dongha");
  await acceptInBrowser(b.page, server.base, links.minh, "minh.dongha");

  const household = await addRecord(a.page, server.base, "ho", { "Tên chủ hộ *": "Phạm Văn Ba", "Địa chỉ": "Xóm 1" });
  await waitSynced(a.page);
  await syncNow(b.page);
  await b.page.goto(`${server.base}/#ho-so/ho/${household}`);
  await b.page.getByRole("heading", { name: "Phạm Văn Ba" }).waitFor();
  await screenshot(b.page, "record-desktop");

  // Both offline, both change the address.
  await setOffline(a.context, true);
  await setOffline(b.context, true);
  for (const [side, address] of [
    [a, "Xóm 2, thôn Đông Hạ"],
    [b, "Xóm 3, thôn Đông Hạ"],
  ]) {
    await side.page.goto(`${server.base}/#ho-so/ho/${household}`);
    await side.page.getByLabel("Địa chỉ", { exact: true }).fill(address);
    await side.page.getByRole("button", { name: "Lưu", exact: true }).click();
    await side.page.getByText("Đã lưu trên máy").waitFor();
    await side.page.locator('.state[data-state="saved"]').first().waitFor();
  }
  await setOffline(a.context, false);
  await setOffline(b.context, false);
  await syncNow(a.page);
  await syncNow(b.page);
  await syncNow(a.page);

  // Both values side by side on both devices.
  for (const side of [a, b]) {
    await side.page.goto(`${server.base}/#xung-dot/ho/${household}`);
    await side.page.getByText("Xóm 2, thôn Đông Hạ").waitFor();
    await side.page.getByText("Xóm 3, thôn Đông Hạ").waitFor();
  }
  await screenshot(b.page, "conflict-desktop");
  await screenshot(a.page, "conflict-phone");

  // Device B writes the combined value.
  await b.page.getByLabel("Hoặc nhập giá trị gộp").fill("Xóm 2–3, thôn Đông Hạ");
  await b.page.getByRole("button", { name: "Lưu giá trị gộp" }).click();
  await b.page.getByText(/Không còn xung đột/).waitFor();
  await syncNow(b.page);
  await syncNow(a.page);

  for (const side of [a, b]) {
    await side.page.goto(`${server.base}/#ho-so/ho/${household}`);
    await side.page.getByRole("heading", { name: "Phạm Văn Ba" }).waitFor();
    assert.equal(await side.page.getByLabel("Địa chỉ", { exact: true }).inputValue(), "Xóm 2–3, thôn Đông Hạ");
    assert.equal(await side.page.locator('.state[data-state="conflict"]').count(), 0);
    await side.page.goto(`${server.base}/#xung-dot`);
    await side.page.getByText("Không có xung đột nào.").waitFor();
  }
  const view = await apiOk(server.base, `/records/household/${household}`, { token: admin.token });
  assert.equal(view.fields.dia_chi.value, "Xóm 2–3, thôn Đông Hạ");
  assert.deepEqual([...a.errors, ...b.errors], []);
});

test("(c) returned with a comment, corrected, resubmitted and recognised", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  const officer = await device();
  const approver = await device(DESKTOP);
  t.after(() => officer.context.close());
  t.after(() => approver.context.close());
  await acceptInBrowser(officer.page, server.base, links.lan, "lan.dongha");
  await acceptInBrowser(approver.page, server.base, links.binh, "binh.xa");

  const o = officer.page;
  await addRecord(o, server.base, "nguoi", { "Họ và tên *": "Đỗ Thị Hoa", "Năm sinh": "1990" });
  const evaluationId = await startEvaluation(o);
  await scoreAll(o, 8);
  await o.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await o.locator('[data-status="submitted"]').waitFor();
  await waitSynced(o);

  // The commune returns it with a comment.
  const p = approver.page;
  await syncNow(p);
  await p.goto(`${server.base}/#duyet`);
  await p.locator(`tr[data-record="${evaluationId}"]`).waitFor();
  await screenshot(p, "review-desktop");
  const item = await openForReview(p, server.base, evaluationId);
  await item.getByLabel(/Lý do trả lại/).fill("Thiếu ảnh minh chứng lớp học; chỉ số 1.1 cần chấm lại.");
  await item.getByRole("button", { name: "Trả lại để sửa" }).click();
  await p.locator('[data-status="returned"]').waitFor();
  await syncNow(p);

  // The officer sees it after the next sync, corrects and resubmits.
  await syncNow(o);
  await o.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await o.getByText("Xã trả lại để sửa: Thiếu ảnh minh chứng lớp học; chỉ số 1.1 cần chấm lại.").waitFor();
  await o.locator('.state[data-state="returned"]').waitFor();
  await screenshot(o, "returned-phone");
  await o.locator("input.points[inputmode=decimal]").first().fill("10");
  await o.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await o.locator('[data-status="submitted"]').waitFor();
  await waitSynced(o);

  // Approved, then recognised with the decision.
  await syncNow(p);
  await openForReview(p, server.base, evaluationId);
  await item.getByRole("button", { name: "Duyệt", exact: true }).click();
  await item.getByLabel("Số quyết định").fill("15/QĐ-UBND");
  await item.getByLabel("Ngày quyết định (ngày/tháng/năm)").fill("20/11/2026");
  await item.getByLabel("Cơ quan ban hành").fill("Ủy ban nhân dân xã");
  await item.getByRole("button", { name: "Công nhận" }).click();
  await p.locator('[data-status="recognised"]').waitFor();
  await syncNow(p);

  await syncNow(o);
  await o.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await o.getByText(/Đã công nhận: Quyết định số 15\/QĐ-UBND ngày 20\/11\/2026/).waitFor();
  await screenshot(o, "recognised-phone");
  const view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(view.status, "recognised");
  assert.equal(view.decision.number, "15/QĐ-UBND");
  assert.deepEqual(
    view.history.map((h) => h.status),
    ["submitted", "returned", "submitted", "approved", "recognised"],
  );

  // The commune's figures, as the approver sees them.
  await p.goto(`${server.base}/#tong-hop`);
  await p.getByRole("heading", { name: "Số liệu tổng hợp" }).waitFor();
  await p.locator("svg").first().waitFor();
  await screenshot(p, "report-desktop");
  assert.deepEqual([...officer.errors, ...approver.errors], []);
});
