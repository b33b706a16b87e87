// Issue 17, requirement 5, the province's side: a province administrator adapts the
// shipped "Gia đình học tập" set in the office app (office.html#bo-tieu-chi-tinh):
// rewords an indicator and moves points, sees the loader's diagnostic appear beside the
// criterion whose points no longer add up and go when fixed, previews the officer's
// form, publishes with the date it takes effect, and sees it listed; a commune officer's
// list of the province's sets includes it. On a 1280×800 PC and a 360×740 phone.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, pullAll, scoreAll, syncNow, waitSynced } from "./app.mjs";
import {
  COMMUNE,
  acceptInvitation,
  adminInvite,
  api,
  apiOk,
  createHamlet,
  invite,
  login,
  screenshot,
  startServer,
  tempDir,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const NEW_TEXT = "Trẻ em trong độ tuổi đi học của gia đình đều được đến trường, học hết chương trình phổ cập.";

test("a province administrator adapts a shipped set, publishes it, and a commune sees it", async (t) => {
  const dataDir = await tempDir("hoctap-e2e-province-criteria-");
  const adminInvitation = await adminInvite(dataDir, { displayName: "Trần Thị Quản Trị" });
  const officerInvitation = await adminInvite(dataDir, { unit: COMMUNE, role: "commune_officer", displayName: "Cán bộ xã" });
  // A second administrator's invitation for the phone (the data directory is the
  // server's once it runs).
  const phoneInvitation = await adminInvite(dataDir, { displayName: "Quản trị 2" });
  const server = await startServer({ dataDir });
  t.after(() => server.stop());
  const officer = await acceptInvitation(server.base, officerInvitation.token, "canbo.cuuan", "mat-khau-dai-du");

  const { context, page, errors } = await device(DESKTOP);
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, adminInvitation, "quantri.gialai");
  await page.goto(`${server.base}/office.html#can-bo`);
  await page.getByRole("link", { name: "Bộ tiêu chí của tỉnh" }).click();
  await page.getByRole("heading", { name: "Bộ tiêu chí của tỉnh" }).waitFor();
  await page.getByText("Tỉnh chưa ban hành bộ tiêu chí riêng nào").waitFor();
  await screenshot(page, "province-criteria-list-pc");

  // Start from the shipped set: its file is read in the browser and fills the form.
  await page.locator('.national-sets li[data-set="gdht-448-2016"]').getByRole("button", { name: "Soạn từ bộ này" }).click();
  const field = (path) => page.locator(`[data-path="${path}"]`);
  const problemsOf = (path) => page.locator(".editor-field", { has: field(path) }).locator(".field-diagnostics li");
  await field("criteria[0].indicators[0].text").waitFor();
  assert.equal(await field("id").inputValue(), "gdht-448-2016-t52");
  await page.getByText("Không có lỗi").first().waitFor();

  // Reword 1.1 and give it 15 points: criterion 1 no longer adds up to 30.
  await field("criteria[0].indicators[0].text").fill(NEW_TEXT);
  await field("criteria[0].indicators[0].max").fill("15");
  await problemsOf("criteria[0].points").first().waitFor();
  const problem = await problemsOf("criteria[0].points").first().innerText();
  assert.match(problem, /^Lỗi: tiêu chí 1: các chỉ số cộng lại 35 điểm, khác 30 điểm đã khai báo/);
  assert.equal(await field("criteria[0].points").getAttribute("aria-invalid"), "true");
  await page.getByText("1 lỗi: sửa hết lỗi mới ban hành được.").first().waitFor();
  assert.ok(await page.getByRole("button", { name: "Ban hành…" }).isDisabled(), "no publishing with errors");
  await problemsOf("criteria[0].points").first().scrollIntoViewIfNeeded();
  await screenshot(page, "province-criteria-error-pc");

  // 1.2 gives up five points: it adds up again.
  await field("criteria[0].indicators[1].max").fill("5");
  await page.getByText("Không có lỗi").first().waitFor();
  assert.equal(await problemsOf("criteria[0].points").count(), 0);
  await field("effective_from").fill("2027-01-01");
  await field("version").fill("2027.1");
  await field("name").fill("Bộ tiêu chí “Gia đình học tập” của tỉnh Gia Lai");

  // The officer's form as it will be.
  await page.getByRole("button", { name: "Xem trước phiếu của cán bộ" }).click();
  const preview = page.locator(".criteria-preview");
  await preview.getByText(NEW_TEXT).waitFor();
  await preview.scrollIntoViewIfNeeded();
  await screenshot(page, "province-criteria-preview-pc");

  // Publish, after a confirmation that says what officers see and from when.
  await page.getByRole("button", { name: "Ban hành…" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Xác nhận ban hành" });
  await confirm.waitFor();
  assert.match(
    await confirm.innerText(),
    /Từ ngày 01\/01\/2027, cán bộ các xã, thôn trong tỉnh sẽ thấy bộ “Bộ tiêu chí “Gia đình học tập” của tỉnh Gia Lai” \(phiên bản 2027\.1\) khi đánh giá “Gia đình học tập”/,
  );
  await confirm.scrollIntoViewIfNeeded();
  await screenshot(page, "province-criteria-confirm-pc");
  await confirm.getByRole("button", { name: "Xác nhận ban hành" }).click();
  await page.getByText("Đã ban hành “Bộ tiêu chí “Gia đình học tập” của tỉnh Gia Lai”, phiên bản 2027.1, áp dụng từ 01/01/2027.").waitFor();
  const row = page.locator('.province-sets li[data-set="gdht-448-2016-t52"]');
  await row.waitFor();
  assert.match(await row.innerText(), /phiên bản 2027\.1 · áp dụng từ 01\/01\/2027/);
  assert.match(await row.innerText(), /bởi Trần Thị Quản Trị/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "province-criteria-published-pc");

  // The same version again is refused by the server, in Vietnamese.
  await row.getByRole("button", { name: "Soạn phiên bản mới" }).click();
  await field("version").waitFor();
  assert.equal(await field("version").inputValue(), "2027.2");
  await field("version").fill("2027.1");
  await page.getByRole("button", { name: "Ban hành…" }).click();
  await page.getByRole("button", { name: "Xác nhận ban hành" }).click();
  await page.getByText(/Chưa ban hành được\. Phiên bản 2027\.1 của bộ gdht-448-2016-t52 đã được ban hành/).waitFor();

  // The spreadsheet door: the set's XLSX template, filled (here unchanged) and uploaded,
  // opens in the same form.
  await page.getByRole("button", { name: "Bỏ, quay lại danh sách" }).click();
  const template = await fetch(
    `${server.base}/api/v1/units/${encodeURIComponent(COMMUNE)}/criteria/gdht-448-2016-t52/template.xlsx`,
    { headers: { authorization: `Bearer ${officer.token}` } },
  );
  assert.equal(template.status, 200);
  await page.locator("#criteria-file").setInputFiles({
    name: "mau.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.from(await template.arrayBuffer()),
  });
  await field("criteria[0].indicators[0].max").waitFor();
  assert.equal(await field("criteria[0].indicators[0].max").inputValue(), "15");
  assert.equal(await field("criteria[0].indicators[0].text").inputValue(), NEW_TEXT);
  assert.equal(await field("version").inputValue(), "2027.1");
  assert.deepEqual(errors, []);

  // A commune officer's list includes it, named by who published it.
  const list = await apiOk(server.base, `/units/${encodeURIComponent(COMMUNE)}/criteria`, { token: officer.token });
  assert.equal(list.sets.length, 1);
  assert.equal(list.sets[0].set.id, "gdht-448-2016-t52");
  assert.equal(list.sets[0].set.criteria[0].indicators[0].text, NEW_TEXT);
  assert.equal(list.sets[0].set.effective_from, "2027-01-01");
  assert.equal(list.sets[0].published_by, "Trần Thị Quản Trị");
  const unchanged = await fetch(`${server.base}/api/v1/units/${encodeURIComponent(COMMUNE)}/criteria`, {
    headers: { authorization: `Bearer ${officer.token}`, "if-none-match": list.etag },
  });
  assert.equal(unchanged.status, 304);
  const refused = await api(server.base, `/units/${encodeURIComponent(COMMUNE)}/criteria`, { token: officer.token, body: {} });
  assert.equal(refused.status, 403);

  // On a phone: the list and the editor fit the width.
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, server.base, phoneInvitation, "quantri.hai");
  await phone.page.goto(`${server.base}/office.html#bo-tieu-chi-tinh`);
  await phone.page.locator('.province-sets li[data-set="gdht-448-2016-t52"]').waitFor();
  await screenshot(phone.page, "province-criteria-list-phone");
  await phone.page.locator('.province-sets li[data-set="gdht-448-2016-t52"]').getByRole("button", { name: "Soạn phiên bản mới" }).click();
  await phone.page.locator('[data-path="criteria[0].indicators[0].max"]').fill("16");
  await phone.page.locator(".field-diagnostics li").first().waitFor();
  await phone.page.locator(".field-diagnostics li").first().scrollIntoViewIfNeeded();
  await screenshot(phone.page, "province-criteria-editor-phone");
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  assert.deepEqual(phone.errors, []);

  // A hamlet officer's phone receives the set by sync and scores a household with it
  // for 2027, the year it takes effect; the evaluation keeps the set and its version.
  const admin = await login(server.base, "quantri.gialai", "mat-khau-dai-du-1");
  const hamlet = await createHamlet(server.base, admin.token, COMMUNE, "Thôn Đông");
  const link = await invite(server.base, admin.token, { role: "collaborator", unit: hamlet.unit, display_name: "Cán bộ thôn" });
  const hamletPhone = await device(PHONE);
  t.after(() => hamletPhone.context.close());
  const h = hamletPhone.page;
  await acceptInBrowser(h, server.base, link, "canbo.thondong");
  await syncNow(h);
  await addRecord(h, server.base, "ho", { "Tên chủ hộ *": "Rơ Châm Hyun", "Địa chỉ": "Thôn Đông" });
  await h.getByLabel("Năm đánh giá").fill("2027");
  const offered = await h.locator("#new-set option").allInnerTexts();
  assert.match(offered[0], /^Bộ tiêu chí/, offered.join(" | "));
  assert.equal(await h.locator("#new-set").inputValue(), "gdht-448-2016-t52", "the province's set, newest in force, first");
  await h.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await h.waitForURL(/#danh-gia\//);
  await h.getByText(NEW_TEXT).waitFor();
  await scoreAll(h, 5);
  await h.getByRole("button", { name: "Lưu trên máy" }).click();
  await h.getByText(/Đã lưu trên máy/).waitFor();
  await screenshot(h, "province-criteria-scored-phone");
  await syncNow(h);
  await waitSynced(h);
  const ops = await pullAll(api, server.base, officer.token);
  const fields = ops.flatMap((op) => (op.body.type === "set_fields" ? op.body.fields : []));
  assert.ok(fields.some((f) => f.field === "set" && f.value === "gdht-448-2016-t52"), "scored with the province's set");
  assert.ok(fields.some((f) => f.field === "set_version" && f.value === "2027.1"), "and keeps its version");
  assert.deepEqual(hamletPhone.errors, []);
});

