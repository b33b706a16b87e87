// Bad input as an officer would type it: each is refused with a clear Vietnamese
// message, nothing is stored, and what was already saved stays.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, addRecord, chooseGroup, device, hamletWithPeople, scoreAll, startEvaluation, syncNow } from "./app.mjs";
import { serverWithAdmin } from "./lib.mjs";

test("bad input gets a clear message and stores nothing", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Lan"], ["binh", "commune_approver", "Bình"]]);
  const { context, page, errors } = await device();
  t.after(() => context.close());
  // Waits for the message, then checks it is exactly one of those shown.
  const shown = async (expected, where = page) => {
    const messages = where.locator("[role=alert], .form-error, .indicator-error, .hint[role=status]");
    await messages.filter({ hasText: expected }).first().waitFor();
    assert.ok((await messages.allInnerTexts()).includes(expected));
  };
  const base = server.base;
  await page.goto(`${base}/#moi/${links.lan.token}`);
  await page.getByLabel("Tên đăng nhập").fill("lan");
  await page.getByLabel("Mật khẩu", { exact: true }).fill("abc");
  await page.getByLabel("Nhập lại mật khẩu").fill("abd");
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await shown("Hai lần nhập mật khẩu không giống nhau.");
  await page.getByLabel("Nhập lại mật khẩu").fill("abc");
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await shown("Mật khẩu phải có ít nhất 10 ký tự");
  await page.goto(`${base}/#moi/deadbeef`);
  await shown("Lời mời không tồn tại hoặc đã được dùng. Vui lòng xin quản trị viên một lời mời mới.");
  await acceptInBrowser(page, base, links.lan, "lan.dongha");
  await page.goto(`${base}/#moi/${links.lan.token}`);
  await shown("Lời mời không tồn tại hoặc đã được dùng. Vui lòng xin quản trị viên một lời mời mới.");
  await page.goto(`${base}/#them/nguoi`);
  await page.getByLabel("Năm sinh").fill("19a5");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await shown("Cần nhập họ và tên. Năm sinh: cần một năm như 1985");
  assert.equal(await page.locator(".sync-waiting").getAttribute("data-waiting"), "0", "nothing saved");
  
  await page.getByLabel("Năm sinh").fill("1988");
  await addRecord(page, base, "nguoi", { "Họ và tên *": "Lê Thị Mai" });
  await page.getByLabel("Năm đánh giá").fill("năm nay");
  await page.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await shown("Năm đánh giá cần là một năm như 2026");
  await page.getByLabel("Năm đánh giá").fill("2026");
  await startEvaluation(page);
  await chooseGroup(page);
  await page.locator("input.points[inputmode=decimal]").first().fill("11");
  await page.locator("input.points[inputmode=decimal]").nth(1).fill("7,5");
 
  await shown("Chỉ số 1.2: 7,5 điểm không đúng bước chấm 1");
  assert.deepEqual(await page.locator(".indicator-error:not(:empty)").allInnerTexts(), [
    "Chỉ số 1.1: 11 điểm nằm ngoài thang 0–10",
    "Chỉ số 1.2: 7,5 điểm không đúng bước chấm 1",
  ]);
  assert.ok(await page.getByRole("button", { name: "Gửi xét duyệt" }).isDisabled());
  await page.locator("input[type=file]").first().setInputFiles({ name: "anh.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not an image at all") });
 
  const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3 * 1024 * 1024, 65)]);
  await page.locator("input[type=file]").first().setInputFiles({ name: "to.pdf", mimeType: "application/pdf", buffer: big });
 
  assert.equal(await page.locator(".evidence-list li").count(), 0, "nothing attached");
  
  await scoreAll(page, 8);
  await page.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await page.locator('[data-status="submitted"]').waitFor();
  // wrong login on a second device
  const d2 = await device({ width: 1280, height: 800 });
  t.after(() => d2.context.close());
  await d2.page.goto(`${base}/#dang-nhap`);
  await d2.page.getByLabel("Tên đăng nhập").fill("lan.dongha");
  await d2.page.getByLabel("Mật khẩu").fill("sai-mat-khau-123");
  await d2.page.getByRole("button", { name: "Đăng nhập" }).click();
  await shown("Tên đăng nhập hoặc mật khẩu không đúng.", d2.page);
  assert.deepEqual(await d2.page.locator(".form-error").allInnerTexts(), ["Tên đăng nhập hoặc mật khẩu không đúng."]);
  // approver: empty comment, bad date
  const p = d2.page;
  await p.goto(`${base}/#moi/${links.binh.token}`);
  await p.getByLabel("Tên đăng nhập").fill("binh.xa");
  await p.getByLabel("Mật khẩu", { exact: true }).fill("mat-khau-dai-du-1");
  await p.getByLabel("Nhập lại mật khẩu").fill("mat-khau-dai-du-1");
  await p.getByRole("button", { name: "Tạo tài khoản" }).click();
  await p.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  await syncNow(p);
  await p.goto(`${base}/#duyet`);
  await p.locator(".review-table td.name a").first().click();
  const item = p.locator(".review-actions");
  await item.getByRole("button", { name: "Trả lại để sửa" }).click();
  await shown("Hãy ghi lý do trả lại để người chấm biết cần sửa gì.", item);
  assert.deepEqual(await item.locator(".form-error").allInnerTexts(), ["Hãy ghi lý do trả lại để người chấm biết cần sửa gì."]);
  await item.getByRole("button", { name: "Duyệt", exact: true }).click();
  await item.getByLabel("Số quyết định").fill("15/QĐ-UBND");
  await item.getByLabel("Ngày quyết định (ngày/tháng/năm)").fill("31/02/2026");
  await item.getByLabel("Cơ quan ban hành").fill("UBND xã");
  await item.getByRole("button", { name: "Công nhận" }).click();
  await shown("Ngày quyết định cần viết dạng ngày/tháng/năm, ví dụ 15/11/2026.", item);
  assert.deepEqual(await item.locator(".form-error").allInnerTexts(), ["Ngày quyết định cần viết dạng ngày/tháng/năm, ví dụ 15/11/2026."]);
  // A district body, abolished on 1 July 2025, signs no decision of 2026.
  await item.getByLabel("Ngày quyết định (ngày/tháng/năm)").fill("20/11/2026");
  await item.getByLabel("Cơ quan ban hành").fill("Ủy ban nhân dân huyện Đông Hà");
  await item.getByRole("button", { name: "Công nhận" }).click();
  await shown("Từ ngày 01/07/2025 không còn cấp huyện: quyết định ngày 20/11/2026 không thể do “Ủy ban nhân dân huyện Đông Hà” ban hành. Hãy ghi cơ quan cấp xã hoặc cấp tỉnh.", item);
  await p.locator('[data-status="approved"]').waitFor(); // still approved, not recognised
  assert.deepEqual([...errors, ...d2.errors], []);
});
