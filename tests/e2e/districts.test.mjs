// Districts before the reform and the plan's deadline, through the web app, on the sample
// data: a Gia Lai province administrator registers Thị xã An Khê (code 623, old province
// Gia Lai, old communes Cửu An and Tú An) on the #sap-nhap screen after the server
// refused a bad code with its Vietnamese message, sees it listed and opens its 2024
// report; offline, the screen says that registering needs the server. Then the province's
// plan gets a deadline on #ke-hoach (after a date that does not exist was refused) and
// the annual report's deadline follows it.
//
// The screen draws from one request (issue 19): from opening #sap-nhap until the form
// lists the old communes, the app asks the server once about lineage and units.
//
// Screenshots go to a temporary directory (never into the repository):
// districts-phone.png, district-form-phone.png, district-report-phone.png, and the
// screen with the registered district at 360×740 and 1280×800 (lineage-phone.png,
// lineage-pc.png, lineage-pc-districts.png).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import { acceptInBrowser, device } from "./app.mjs";
import {
  BIN,
  PROVINCE,
  ROOT,
  adminInvite,
  apiOk,
  login,
  setOffline,
  startServer,
  tempDir,
  waitForServiceWorker,
} from "./lib.mjs";

const OLD_GIA_LAI = "province:64:old";
const OLD_CUU_AN = "commune:23629:old";
const OLD_TU_AN = "commune:23626:old";
const DISTRICT = "district:623:old";
const SHOTS = path.join(os.tmpdir(), "hoctap-e2e-screenshots");

/** A screenshot of the viewport under SHOTS; returns its path. */
async function shot(page, name) {
  await fs.mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

test("a province administrator registers an old district, opens its report, and sets the plan's deadline", async (t) => {
  const dataDir = await tempDir("hoctap-e2e-districts-");
  const { stdout } = await promisify(execFile)(BIN, ["sample", "--data-dir", dataDir], { cwd: ROOT });
  assert.match(stdout, /Đã nạp dữ liệu mẫu/);
  const invitation = await adminInvite(dataDir, { unit: PROVINCE, displayName: "Quản trị tỉnh Gia Lai" });
  const server = await startServer({ dataDir });
  t.after(() => server.stop());
  const { context, page, errors } = await device({ width: 360, height: 640 });
  t.after(() => context.close());

  await acceptInBrowser(page, server.base, invitation, "quantri.gialai");
  await waitForServiceWorker(page);

  // The lineage screen: the old provinces Gia Lai of today came from, none with a district yet.
  // Every API request from opening it until the form lists the old communes is counted.
  const asked = [];
  const onRequest = (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) asked.push(`${request.method()} ${decodeURIComponent(url.pathname)}${url.search}`);
  };
  page.on("request", onRequest);
  const opened = Date.now();
  await page.goto(`${server.base}/office.html#sap-nhap`);
  const section = page.locator("section.districts");
  await section.getByRole("heading", { name: "Huyện trước 01/7/2025" }).waitFor();
  const oldGiaLai = section.locator(`.district-province[data-unit="${OLD_GIA_LAI}"]`);
  await oldGiaLai.getByText("Tỉnh Gia Lai (trước 01/7/2025)").waitFor();
  await oldGiaLai.getByText("Chưa đăng ký huyện nào.").waitFor();

  // The form; the old communes load from the province's communes of today.
  await section.getByRole("button", { name: "Đăng ký huyện" }).click();
  const form = page.locator("#district-form");
  await form.locator(`input[type=checkbox][value="${OLD_TU_AN}"]`).waitFor({ timeout: 60_000 });
  page.off("request", onRequest);
  const listedMs = Date.now() - opened;
  const lineage = asked.filter((r) => /\/lineage|\/units\//.test(r));
  console.log(`lineage screen, opened and the form's communes listed in ${listedMs} ms: ${asked.length} API requests, ` +
    `${lineage.length} about lineage and units; the others: ${JSON.stringify(asked.filter((r) => !lineage.includes(r)))}`);
  assert.deepEqual(lineage, [`GET /api/v1/units/${PROVINCE}/lineage/overview`], "the screen asks once");
  await form.getByLabel("Mã huyện", { exact: true }).fill("62");
  await form.getByLabel("Loại", { exact: true }).selectOption("Thị xã");
  await form.getByLabel("Tên (không kèm loại)", { exact: true }).fill("An Khê");
  await form.getByLabel("Tỉnh trước 01/7/2025", { exact: true }).selectOption(OLD_GIA_LAI);
  // Searched without diacritics.
  await form.getByLabel("Tìm xã (gõ không dấu cũng được)", { exact: true }).fill("tu an");
  await form.locator(`input[value="${OLD_TU_AN}"]`).check();
  assert.equal(await form.locator(`input[value="${OLD_CUU_AN}"]`).count(), 0, "only what matches is shown");
  await form.getByLabel("Tìm xã (gõ không dấu cũng được)", { exact: true }).fill("cuu an");
  await form.locator(`input[value="${OLD_CUU_AN}"]`).check();
  await form.getByText("Đã chọn 2 xã: Xã Tú An, Xã Cửu An.").waitFor();
  await form.evaluate((f) => f.querySelector(".commune-picker").scrollIntoView());
  console.log(`screenshot: ${await shot(page, "district-form-phone")}`);

  // A bad code: the server's refusal, in Vietnamese, as it is.
  await form.getByRole("button", { name: "Lưu huyện" }).click();
  const refusal = section.locator('[role=alert][data-error="refused"]');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /^Không đăng ký được huyện: mã huyện phải gồm 3 chữ số \(nhận "62"\)\.$/);

  await form.getByLabel("Mã huyện", { exact: true }).fill("623");
  await form.getByRole("button", { name: "Lưu huyện" }).click();
  await section
    .getByText("Đã lưu Thị xã An Khê (mã 623, Tỉnh Gia Lai): 2 xã — Xã Cửu An, Xã Tú An.")
    .waitFor();
  const listed = oldGiaLai.locator(`.district[data-unit="${DISTRICT}"]`);
  await listed.getByText("Thị xã An Khê").waitFor();
  await listed.getByText("Mã 623 · 2 xã: Xã Cửu An, Xã Tú An").waitFor();
  // The form started over; the communes now say where they are.
  assert.equal(await form.getByLabel("Mã huyện", { exact: true }).inputValue(), "");
  await form.getByLabel("Tìm xã (gõ không dấu cũng được)", { exact: true }).fill("tu an");
  await form.getByText("đã thuộc Thị xã An Khê").waitFor();

  const admin = await login(server.base, "quantri.gialai", "mat-khau-dai-du-1");
  const registered = await apiOk(server.base, `/lineage/districts?province=${OLD_GIA_LAI}`, { token: admin.token });
  assert.deepEqual(
    registered.map((d) => [d.unit, d.name, d.communes.map((c) => c.unit).sort()]),
    [[DISTRICT, "Thị xã An Khê", [OLD_TU_AN, OLD_CUU_AN].sort()]],
  );

  await listed.scrollIntoViewIfNeeded();
  await section.evaluate((s) => s.scrollIntoView());
  console.log(`screenshot: ${await shot(page, "districts-phone")}`);
  // The whole screen on a phone and on a PC, from the top; and the districts on a PC.
  for (const [name, viewport] of [["lineage-phone", { width: 360, height: 740 }], ["lineage-pc", { width: 1280, height: 800 }]]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    console.log(`screenshot: ${await shot(page, name)}`);
  }
  await section.evaluate((s) => s.scrollIntoView());
  console.log(`screenshot: ${await shot(page, "lineage-pc-districts")}`);
  await page.setViewportSize({ width: 360, height: 640 });

  // Its 2024 report, as recorded under its two old communes, with the district's deadline.
  await listed.getByRole("button", { name: "Xem báo cáo" }).click();
  const report = listed.locator(".district-report");
  await report.getByText("Báo cáo kết quả xây dựng xã hội học tập năm 2024 — Thị xã An Khê").waitFor();
  await report.getByText("Hạn nộp: 20/11/2024").waitFor();
  await report.getByText("Đơn vị trực thuộc: Xã Cửu An, Xã Tú An").waitFor();
  const families = await report.locator('li[data-indicator="households_learning_family"] .district-rate').textContent();
  const [, denominator] = families.match(/\(([\d.]+)\/([\d.]+)\)/).slice(1);
  assert.ok(Number(denominator.replace(/\./g, "")) > 0, `households counted in 2024: ${families}`);
  await report.getByRole("button", { name: "In báo cáo (A4)" }).waitFor();
  await report.evaluate((r) => r.scrollIntoView());
  console.log(`screenshot: ${await shot(page, "district-report-phone")}`);

  // The province's plan: a deadline that does not exist is refused before sending; a
  // real one is saved with the document, and the annual report follows it.
  await page.goto(`${server.base}/#ke-hoach`);
  const editor = page.locator("section.plan-editor");
  await editor.getByRole("heading", { name: "Sửa kế hoạch của đơn vị" }).waitFor();
  await page.getByText(/Hạn báo cáo hằng năm: ngày \d\d\/\d\d — gửi .* \(mặc định theo cấp đơn vị\)/).waitFor();
  await editor.getByLabel("Tên kế hoạch", { exact: true }).fill("Kế hoạch xây dựng xã hội học tập tỉnh Gia Lai");
  await editor.getByLabel("Số hiệu văn bản", { exact: true }).fill("45/KH-UBND");
  await editor.getByLabel("Ngày ban hành", { exact: true }).fill("03/2022");
  await editor.getByLabel("Ngày/tháng nộp báo cáo", { exact: true }).fill("31/11");
  await editor.getByLabel("Gửi đến", { exact: true }).fill("Bộ Giáo dục và Đào tạo");
  await editor.getByRole("button", { name: "Lưu kế hoạch" }).click();
  await editor.getByText("Hạn báo cáo: ngày 31/11 không có thật.").waitFor();
  await editor.getByLabel("Ngày/tháng nộp báo cáo", { exact: true }).fill("15/12");
  await editor.getByRole("button", { name: "Lưu kế hoạch" }).click();
  await editor.getByText("Đã lưu kế hoạch.").waitFor();
  // A plan of 2022 keeps its day, not its recipient: the province's (issue 17).
  await page
    .getByText("Hạn báo cáo hằng năm: ngày 15/12 — gửi Bộ Giáo dục và Đào tạo; Hội Khuyến học Việt Nam (theo kế hoạch)")
    .waitFor();
  await page.getByText("Văn bản số 45/KH-UBND tháng 03/2022 của Tỉnh Gia Lai · Giai đoạn 2021–2030").waitFor();
  assert.equal(await editor.getByLabel("Ngày/tháng nộp báo cáo", { exact: true }).inputValue(), "15/12");

  await page.goto(`${server.base}/#bao-cao/2026`);
  await page
    .locator(".report-deadline", { hasText: "Hạn nộp: 15/12/2026 — gửi Bộ Giáo dục và Đào tạo; Hội Khuyến học Việt Nam" })
    .waitFor();
  const plan = await apiOk(server.base, `/units/${PROVINCE}/plan`, { token: admin.token });
  assert.deepEqual(plan.own.deadline, { day: 15, month: 12, to: "Bộ Giáo dục và Đào tạo" });
  assert.deepEqual(plan.own.document, { number: "45/KH-UBND", date: "2022-03", issuer: "Tỉnh Gia Lai" });

  // Offline, the lineage screen is the copy kept on the device; the district part says
  // it needs the server.
  await page.goto(`${server.base}/office.html#sap-nhap`);
  await section.getByRole("heading", { name: "Huyện trước 01/7/2025" }).waitFor();
  await setOffline(context, true);
  await page.reload();
  await page.getByText(/Không có kết nối mạng: việc xem và đăng ký huyện cần máy chủ/).waitFor();
  assert.ok(await section.getByRole("button", { name: "Đăng ký huyện" }).isDisabled());
  await setOffline(context, false);

  assert.deepEqual(errors, [], "no errors in the page");
});
