// Issue 15, requirement 9: a commune goes from an empty server and its Excel list to an
// officer scoring on a phone, with nobody using curl or typing a register by hand.
//
// The commune official (invited by the province, the one step before the commune has
// anyone) names its hamlets in the app, imports a 2,011-row register with ten problem
// rows — the preview names each by row and column — fixes them and imports again
// (nothing duplicated), then invites a hamlet officer from the staff page. The officer
// accepts on a 360×740 phone, finds an imported household with its members, scores one
// of them, leaves mid-form (the tab closes) and finds every answer back, and cannot
// start a second evaluation of that person for the same year.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, chooseGroup, device, pullAll, syncNow, waitSynced } from "./app.mjs";
import { COMMUNE, api, invite, login, screenshot, serverWithAdmin } from "./lib.mjs";
import { PROBLEMS, previewFile, registerCsv, tableRows } from "./registers.mjs";

const HOUSEHOLDS = 500;

/** A count as the screens write it, with a dot between thousands ("2.010"). */
const vn = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");

test("a commune sets up from its Excel list to an officer scoring on a phone", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const official = await invite(server.base, admin.token, {
    role: "commune_officer",
    unit: COMMUNE,
    display_name: "Phạm Thị Lan",
  });
  const pc = await device({ width: 1280, height: 800 });
  t.after(() => pc.context.close());
  const { page } = pc;
  await acceptInBrowser(page, server.base, official, "lan.cuuan");

  // The hamlets, named in the app's hamlet register.
  for (const name of ["Đông Hạ", "Tây Thượng"]) {
    await page.goto(`${server.base}/#so/nguoi`);
    await page.getByRole("link", { name: "Thôn, tổ dân phố", exact: true }).click();
    await page.getByRole("link", { name: "+ Thêm thôn" }).click();
    await page.getByLabel("Loại (thôn, tổ dân phố…)", { exact: true }).selectOption("Thôn");
    await page.getByLabel("Tên (không cần ghi chữ “Thôn”) *", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Lưu", exact: true }).click();
    await page.waitForURL(/#ho-so\/thon\//);
    await page.getByRole("heading", { name: `Thôn ${name}` }).waitFor();
  }
  await syncNow(page);

  // The register: 2,011 rows, ten with a problem, named by row and column.
  const broken = registerCsv({ fixed: false, count: HOUSEHOLDS });
  assert.equal(broken.rows, HOUSEHOLDS * 4 + PROBLEMS.length + 1);
  await page.goto(`${server.base}/`);
  await page.getByRole("link", { name: /^Nhập sổ từ Excel/ }).click();
  await page.getByRole("heading", { name: "Nhập sổ hộ và người dân từ Excel" }).waitFor();
  await previewFile(page, "so-ho-cuu-an.xlsx.csv", broken.bytes);
  const preview = page.locator(".import-preview");
  await preview.getByRole("heading", { name: `Vấn đề (${PROBLEMS.length})` }).waitFor();
  const problems = await tableRows(preview.locator("table.problems"));
  assert.deepEqual(
    problems.map(([row, column]) => [Number(row), column]),
    PROBLEMS.map((p, k) => [broken.problemRows[k], p.column]).sort((a, b) => a[0] - b[0]),
  );
  assert.deepEqual(await tableRows(preview.locator("table.import-counts")), [
    ["Hộ", vn(HOUSEHOLDS), "0", "0"],
    ["Người", vn(HOUSEHOLDS * 4), "0", "0"],
  ]);
  await page.getByRole("button", { name: `Nhập ${vn(HOUSEHOLDS * 4)} dòng hợp lệ` }).click();
  await page.locator('.import-job[data-state="done"]').waitFor({ timeout: 120_000 });

  // Fixed and imported again: only the fixed rows are new.
  const fixed = registerCsv({ fixed: true, count: HOUSEHOLDS });
  await previewFile(page, "so-ho-cuu-an-da-sua.csv", fixed.bytes);
  await preview.getByText("Không có vấn đề nào trong tệp.").waitFor();
  assert.deepEqual(await tableRows(preview.locator("table.import-counts")), [
    ["Hộ", "1", "0", vn(HOUSEHOLDS)],
    ["Người", vn(PROBLEMS.length), "0", vn(HOUSEHOLDS * 4)],
  ]);
  await page.getByRole("button", { name: `Nhập ${vn(HOUSEHOLDS * 4 + PROBLEMS.length)} dòng hợp lệ` }).click();
  await page.locator('.import-job[data-state="done"]').waitFor({ timeout: 120_000 });
  const counted = async () => {
    const ops = await pullAll(api, server.base, (await login(server.base, "lan.cuuan", "mat-khau-dai-du-1")).token);
    const records = new Set(ops.map((op) => `${op.record.kind}/${op.record.id}`));
    const of = (kind) => [...records].filter((r) => r.startsWith(`${kind}/`)).length;
    return { households: of("household"), people: of("person") };
  };
  assert.deepEqual(await counted(), { households: HOUSEHOLDS + 1, people: HOUSEHOLDS * 4 + PROBLEMS.length });

  // The hamlet officer, invited from the staff page.
  await page.getByRole("link", { name: "Cán bộ" }).click();
  await page.getByRole("heading", { name: "Cán bộ · Xã Cửu An" }).waitFor();
  await page.getByLabel("Vai trò").selectOption({ label: "Cộng tác viên thôn" });
  await page.getByLabel("Thôn").selectOption({ label: "Thôn Đông Hạ" });
  await page.getByLabel("Họ tên người được mời").fill("Lò Văn Minh");
  await page.getByRole("button", { name: "Tạo lời mời" }).click();
  const link = await page.getByLabel("Liên kết", { exact: true }).inputValue();
  await page.getByRole("img", { name: "Mã QR của liên kết mời Lò Văn Minh" }).waitFor();

  // The officer's phone: the invitation, then the imported household and its members.
  const phone = await device({ width: 360, height: 740 });
  t.after(() => phone.context.close());
  const p = phone.page;
  await acceptInBrowser(p, server.base, { token: new URL(link).hash.replace("#moi/", "") }, "minh.dongha");
  await p.goto(`${server.base}/#so/ho`);
  await p.getByLabel("Tìm kiếm").fill("nguyen van an");
  await p.locator("ul.rows li", { hasText: "Xóm 1, nhà 1 ·" }).click();
  await p.getByRole("heading", { name: "Thành viên (5)" }).waitFor();
  await screenshot(p, "commune-setup-household-phone", { fullPage: true });
  await p.getByRole("link", { name: /^Phạm Thị Hoa/ }).click();
  await p.waitForURL(/#ho-so\/nguoi\//);
  const personPage = p.url();

  // Scoring, left mid-form: the tab closes right after the last answer.
  await p.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await p.waitForURL(/#danh-gia\//);
  const evaluation = p.url();
  await p.locator(".subject-group input[type=radio]").first().waitFor();
  await chooseGroup(p);
  const inputs = p.locator("input.points[inputmode=decimal]");
  await inputs.first().waitFor();
  const typed = ["8", "7", "9"];
  for (const [i, value] of typed.entries()) await inputs.nth(i).fill(value);
  await p.close();

  const again = await phone.context.newPage();
  phone.errors.length = 0;
  again.on("pageerror", (e) => phone.errors.push(e.message));
  await again.goto(`${server.base}/`);
  await again.getByRole("heading", { name: "Bản nháp chưa lưu" }).waitFor();
  await again.getByRole("link", { name: /Phiếu đánh giá: Phạm Thị Hoa/ }).click();
  await again.getByText(/^Đã khôi phục các câu trả lời chưa lưu/).waitFor();
  const back = again.locator("input.points[inputmode=decimal]");
  assert.deepEqual((await back.evaluateAll((all) => all.map((i) => i.value))).slice(0, 3), typed);
  await again.getByRole("button", { name: "Lưu trên máy" }).click();
  await again.getByText(/Đã lưu trên máy/).waitFor();

  // No second evaluation for the same person and year.
  await again.goto(personPage);
  await again.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await again.waitForURL(/#danh-gia\//);
  assert.equal(again.url(), evaluation, "the same evaluation opens");
  await waitSynced(again).catch(() => {});
  await syncNow(again);
  const evaluations = new Set(
    (await pullAll(api, server.base, admin.token)).filter((op) => op.record.kind === "evaluation").map((op) => op.record.id),
  );
  assert.equal(evaluations.size, 1, "one evaluation on the server");

  // The officer signs out another device of its own (say, a shared PC) from the phone;
  // the phone's own session lasts 90 days.
  const shared = await login(server.base, "minh.dongha", "mat-khau-dai-du-1");
  await again.goto(`${server.base}/office.html#thiet-bi`);
  await again.getByRole("heading", { name: "Các thiết bị đang đăng nhập" }).waitFor();
  const devices = again.locator("ul.devices li");
  await devices.nth(1).waitFor();
  assert.match(await devices.filter({ hasText: "máy đang dùng" }).innerText(), /hết hạn/);
  await devices.filter({ hasText: "Trình duyệt (phiên ngắn)" }).getByRole("button", { name: "Đăng xuất thiết bị này" }).click();
  await again.getByText("Đã đăng xuất thiết bị.").waitFor();
  assert.equal((await api(server.base, "/auth/me", { token: shared.token })).status, 401);
  assert.equal((await api(server.base, "/auth/me", { token: (await login(server.base, "minh.dongha", "mat-khau-dai-du-1")).token })).status, 200);
  await screenshot(again, "commune-setup-devices-phone");
  assert.deepEqual(pc.errors, []);
  assert.deepEqual(phone.errors, []);
});
