// Issue 15, requirement 1 ("Staff in the app") as a commune approver meets it: signed in
// in the main app, the approver follows "Cán bộ" to the office app (office.html), invites
// a hamlet collaborator, reads the one-time link and sees its QR code; the collaborator
// opens the link on a phone and creates the account; the approver's page then lists the
// account, shows its devices and signs one out, disables the account (its sessions end)
// and restores it. Offline, the office page says it needs the network. Screenshots of
// the staff page on a phone and a PC.
//
// The office app is a download of its own: the main app's first visit does not fetch it
// (shell.test.mjs measures that visit), and it reads the session the main app keeps.

import assert from "node:assert/strict";
import { test } from "node:test";

import { device } from "./app.mjs";
import {
  COMMUNE,
  acceptInvitation,
  api,
  createHamlet,
  invite,
  login,
  screenshot,
  serverWithAdmin,
  setOffline,
  waitForServiceWorker,
} from "./lib.mjs";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const PASSWORD = "mat-khau-dai-du-1";

/** Whether the page scrolls sideways (something wider than the screen). */
async function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

test("a commune approver invites a collaborator from the staff page, then disables and restores the account", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  await createHamlet(server.base, admin.token, COMMUNE, "Đông Hạ");
  await createHamlet(server.base, admin.token, COMMUNE, "Tây Thượng");
  const approverInvitation = await invite(server.base, admin.token, {
    role: "commune_approver",
    unit: COMMUNE,
    display_name: "Trần Văn Bình",
  });
  await acceptInvitation(server.base, approverInvitation.token, "binh.cuuan", PASSWORD);

  // Signed out, the office page sends the visitor to the app to sign in.
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await phone.page.goto(`${server.base}/office.html#can-bo`);
  await phone.page.getByText("Hãy đăng nhập trong ứng dụng trước").waitFor();
  assert.equal(await phone.page.getByRole("link", { name: "Mở ứng dụng để đăng nhập" }).getAttribute("href"), "/");

  // The approver signs in in the main app and follows "Cán bộ".
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  const { page } = pc;
  await page.goto(`${server.base}/`);
  await page.getByLabel("Tên đăng nhập").fill("binh.cuuan");
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  await page.getByRole("link", { name: /^Cán bộ/ }).click();
  await page.waitForURL(/\/office\.html#can-bo$/);
  await page.getByRole("heading", { name: "Cán bộ · Xã Cửu An" }).waitFor();
  assert.match(await page.locator("header").innerText(), /hoctap · Văn phòng[\s\S]*Trần Văn Bình · Lãnh đạo xã phê duyệt[\s\S]*← Về ứng dụng/);
  await page.getByText("Không có lời mời nào đang chờ.").waitFor();

  // The form offers what a commune approver may invite: viewers of the commune and
  // collaborators of its hamlets, by name.
  const roles = await page.getByLabel("Vai trò").locator("option").allInnerTexts();
  assert.deepEqual(roles.sort(), ["Chỉ xem", "Cộng tác viên thôn"]);
  await page.getByLabel("Vai trò").selectOption({ label: "Cộng tác viên thôn" });
  const hamlets = await page.getByLabel("Thôn").locator("option").allInnerTexts();
  // In Vietnamese alphabetical order (Đ with D, before T).
  assert.deepEqual(hamlets, ["Thôn Đông Hạ", "Thôn Tây Thượng"]);
  await page.getByLabel("Thôn").selectOption({ label: "Thôn Đông Hạ" });
  assert.equal(await page.getByLabel("Liên kết dùng được trong").inputValue(), "72");

  // A missing name is caught before anything is sent.
  await page.getByRole("button", { name: "Tạo lời mời" }).click();
  await page.getByText("Hãy nhập họ tên người được mời.").waitFor();

  await page.getByLabel("Họ tên người được mời").fill("Lò Văn Minh");
  await page.getByRole("button", { name: "Tạo lời mời" }).click();
  await page.getByText("Đã tạo lời mời cho Lò Văn Minh. Liên kết ở dưới.").waitFor();
  const link = await page.getByLabel("Liên kết", { exact: true }).inputValue();
  assert.match(link, new RegExp(`^${server.base.replace(/[.]/g, "\\.")}/#moi/[0-9a-f]{32,}$`), link);
  const qr = page.getByRole("img", { name: "Mã QR của liên kết mời Lò Văn Minh" });
  await qr.waitFor();
  assert.ok((await qr.locator("path").getAttribute("d")).length > 500, "the QR code has its modules");
  const box = await qr.boundingBox();
  assert.ok(box.width >= 200 && Math.abs(box.width - box.height) < 1, `a square big enough to scan: ${JSON.stringify(box)}`);
  await page.getByText(/Liên kết dùng được một lần, đến \d\d\/\d\d\/\d{4} \d\d:\d\d\./).waitFor();
  await page.getByRole("button", { name: "Sao chép liên kết" }).click();
  await page.getByText(/Đã sao chép liên kết\.|liên kết đã được chọn/).waitFor();
  await page.getByRole("heading", { name: "Lời mời đang chờ (1)", exact: true }).waitFor();
  assert.match(await page.locator('[data-state="pending"]').innerText(), /Lò Văn Minh[\s\S]*Cộng tác viên thôn · Thôn Đông Hạ/);
  await screenshot(page, "staff-invited-pc", { fullPage: true });
  // The same page on a phone: nothing wider than the screen.
  await page.setViewportSize(PHONE);
  assert.equal(await overflowsSideways(page), false, "the staff page fits a 360 px screen");
  await screenshot(page, "staff-invited-phone", { fullPage: true });
  // What the officer shows the invited person: the link and its QR code.
  await page.locator(".invite-link").scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector(".invite-link").scrollIntoView({ block: "start" }));
  await screenshot(page, "staff-phone");
  await page.setViewportSize(DESKTOP);

  // The collaborator opens the link on the phone and creates the account.
  await phone.page.goto(link);
  await phone.page.getByText(/Bạn được mời làm cộng tác viên thôn của Thôn Đông Hạ/).waitFor();
  await phone.page.getByLabel("Tên đăng nhập").fill("minh.dongha");
  await phone.page.getByLabel("Mật khẩu", { exact: true }).fill(PASSWORD);
  await phone.page.getByLabel("Nhập lại mật khẩu").fill(PASSWORD);
  await phone.page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await phone.page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  // A second session of the account, as from another device.
  const second = await login(server.base, "minh.dongha", PASSWORD);

  // The approver's page, read again, lists the account and the accepted invitation.
  await page.getByRole("button", { name: "Tải lại danh sách" }).click();
  // The approver's own invitation, and the collaborator's.
  await page.getByRole("heading", { name: "Lời mời đang chờ (0)", exact: true }).waitFor();
  await page.getByRole("heading", { name: "Đã nhận lời (2)", exact: true }).waitFor();
  const row = page.locator('[data-account="minh.dongha"]');
  await row.waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /Lò Văn Minh \(minh\.dongha\)/);
  assert.match(rowText, /Đang hoạt động/);
  assert.match(rowText, /Cộng tác viên thôn · Thôn Đông Hạ/);
  assert.match(rowText, /2 thiết bị đang đăng nhập/);
  assert.doesNotMatch(rowText, /hamlet:|commune:/, "no unit ids on screen");

  // Its devices: two sessions; one is signed out.
  await row.getByRole("button", { name: "Thiết bị" }).click();
  const signOut = row.getByRole("button", { name: "Đăng xuất thiết bị này" });
  await signOut.nth(1).waitFor();
  assert.equal(await signOut.count(), 2);
  await signOut.first().click();
  await row.getByText("Đã đăng xuất thiết bị.").waitFor();
  await page.waitForFunction(
    () => document.querySelectorAll('[data-account="minh.dongha"] .devices li').length === 1,
  );
  await screenshot(page, "staff-pc", { fullPage: true });

  // Disabled, with a confirmation first: its sessions end and it cannot sign in.
  await row.getByRole("button", { name: "Khóa tài khoản" }).click();
  await row.getByText(/Khóa tài khoản Lò Văn Minh\? Người này bị đăng xuất khỏi mọi thiết bị/).waitFor();
  await row.getByRole("button", { name: "Khóa", exact: true }).click();
  await row.getByText(/Đã khóa tài khoản Lò Văn Minh; 1 phiên đăng nhập đã kết thúc\./).waitFor();
  await page.locator('[data-account="minh.dongha"][data-disabled="true"]').waitFor();
  assert.match(await row.innerText(), /Đã khóa/);
  assert.equal((await api(server.base, "/auth/me", { token: second.token })).status, 401, "its sessions ended");
  assert.equal((await api(server.base, "/auth/login", { body: { username: "minh.dongha", password: PASSWORD } })).status >= 400, true);
  await page.setViewportSize(PHONE);
  assert.equal(await overflowsSideways(page), false, "the account list fits a 360 px screen");
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, "staff-disabled-phone");
  await page.setViewportSize(DESKTOP);

  // Restored: it signs in again.
  await row.getByRole("button", { name: "Mở khóa" }).click();
  await row.getByText("Đã mở khóa tài khoản Lò Văn Minh.").waitFor();
  await page.locator('[data-account="minh.dongha"][data-disabled="false"]').waitFor();
  await login(server.base, "minh.dongha", PASSWORD);

  // No id of a unit anywhere on the page.
  assert.doesNotMatch(await page.locator("main").innerText(), /hamlet:|commune:|province:/);

  // Offline, the office page still opens (the app's service worker kept it once opened)
  // and says it needs the network.
  await waitForServiceWorker(page);
  await setOffline(pc.context, true);
  await page.reload();
  await page.getByText(/Máy đang không có mạng\. Trang văn phòng làm việc trực tiếp với máy chủ nên cần có mạng/).waitFor();
  await setOffline(pc.context, false);

  // No script error on either device.
  assert.deepEqual(pc.errors, []);
  assert.deepEqual(phone.errors, []);
});

test("a province administrator finds a commune by name and opens its staff page", async (t) => {
  const { server } = await serverWithAdmin({ username: "quantri.tinh", password: PASSWORD });
  t.after(() => server.stop());
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  const { page } = pc;
  await page.goto(`${server.base}/`);
  await page.getByLabel("Tên đăng nhập").fill("quantri.tinh");
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  await page.goto(`${server.base}/office.html#can-bo`);
  await page.getByRole("heading", { name: /^Cán bộ · Tỉnh Gia Lai/ }).waitFor();
  await page.getByLabel("Cán bộ của một xã, phường").fill("cuu an");
  await page.getByRole("link", { name: "Xã Cửu An" }).click();
  await page.waitForURL(new RegExp(`#can-bo/${COMMUNE}$`));
  await page.getByRole("heading", { name: "Cán bộ · Xã Cửu An" }).waitFor();
  // A province administrator invites the commune's officials there.
  const roles = await page.getByLabel("Vai trò").locator("option").allInnerTexts();
  for (const role of ["Cán bộ xã", "Lãnh đạo xã phê duyệt", "Chỉ xem"]) assert.ok(roles.includes(role), roles.join(", "));
  await page.getByRole("link", { name: "← Cán bộ của đơn vị mình" }).click();
  await page.getByRole("heading", { name: /^Cán bộ · Tỉnh Gia Lai/ }).waitFor();
  assert.deepEqual(pc.errors, []);
});
