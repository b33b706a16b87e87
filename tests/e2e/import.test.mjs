// Issue 15, requirement 3 ("import from Excel"), the screen: a commune officer follows
// "Nhập sổ từ Excel" from the app to the office app, downloads the commune's template,
// uploads a list of 211 rows (50 households of four, one repeated row, ten rows with a
// problem each), reads the preview — the ten problems by row and column, the repeat,
// the counts — imports the 200 valid rows and watches the job finish; then uploads the
// corrected file, which creates only the ten fixed people (and the one fixed household)
// and duplicates nothing, and previewing it again says nothing would change. A hamlet
// collaborator's phone then syncs and finds an imported household with its members.
// Screenshots of the preview on a PC and a phone.

import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, pullAll, syncNow } from "./app.mjs";
import { COMMUNE, api, createHamlet, login, screenshot, serverWithAdmin } from "./lib.mjs";
import { PROBLEMS, previewFile, registerCsv, tableRows } from "./registers.mjs";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

test("a commune officer imports the register from a spreadsheet, fixes the problems and imports again", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [
    ["officer", "commune_officer", "Phạm Thị Lan"],
    ["ctv", "collaborator", "Lò Văn Minh"],
  ]);
  await createHamlet(server.base, admin.token, COMMUNE, "Tây Thượng");

  // The officer joins on a PC and follows "Nhập sổ từ Excel" from the home screen.
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  const { page } = pc;
  await acceptInBrowser(page, server.base, links.officer, "lan.cuuan");
  // The device screen names the account's unit (not its id) and links to the import too.
  await page.goto(`${server.base}/#thiet-bi`);
  await page.getByText(/^Đơn vị: Xã Cửu An · Phiên đăng nhập đến/).waitFor();
  assert.equal(await page.getByRole("link", { name: "Nhập sổ từ Excel" }).getAttribute("href"), "/office.html#nhap-so");
  await page.goto(`${server.base}/#`);
  await page.getByRole("link", { name: /^Nhập sổ từ Excel/ }).click();
  await page.waitForURL(/\/office\.html#nhap-so$/);
  await page.getByRole("heading", { name: "Nhập sổ hộ và người dân từ Excel" }).waitFor();
  await page.getByText("Xã Cửu An", { exact: true }).waitFor();
  assert.equal(
    await page.locator(".office-nav a[aria-current=page]").innerText(),
    "Nhập sổ từ Excel",
    "the office's navigation marks the screen",
  );

  // Step 1: the template, an XLSX workbook named after the commune.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Tải mẫu Excel" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "mau-so-ho-xa-cuu-an.xlsx");
  const template = await fs.readFile(await download.path());
  assert.equal(template.subarray(0, 2).toString("latin1"), "PK", "an XLSX (zip) file");
  assert.ok(template.length > 1000, `template of ${template.length} bytes`);
  await page.getByText("Đã tải tệp “mau-so-ho-xa-cuu-an.xlsx”.").waitFor();

  // Step 2: the list with ten problems and one repeated row.
  const broken = registerCsv({ fixed: false });
  assert.equal(broken.rows, 211);
  await previewFile(page, "so-ho-cuu-an.csv", broken.bytes);
  const preview = page.locator(".import-preview");
  await preview.getByText("211 dòng dữ liệu: 200 dòng hợp lệ sẽ được nhập, 11 dòng bỏ qua.").waitFor();
  assert.deepEqual(await tableRows(preview.locator("table.import-counts")), [
    ["Hộ", "50", "0", "0"],
    ["Người", "200", "0", "0"],
  ]);
  await preview.getByRole("heading", { name: "Vấn đề (10)" }).waitFor();
  await preview.getByText(/Các dòng có vấn đề sẽ bị bỏ qua khi nhập/).waitFor();
  const problems = await tableRows(preview.locator("table.problems"));
  assert.deepEqual(
    problems.map(([row, column]) => [Number(row), column]),
    PROBLEMS.map((p, k) => [broken.problemRows[k], p.column]).sort((a, b) => a[0] - b[0]),
    JSON.stringify(problems),
  );
  const message = (row) => problems.find(([r]) => Number(r) === row)[2];
  assert.equal(message(broken.problemRows[0]), "Thiếu họ và tên");
  assert.match(message(broken.problemRows[1]), /^Năm sinh 1850 không thể có/);
  assert.match(message(broken.problemRows[4]), /Không có thôn, tổ dân phố “Thôn Bắc Sơn” trong xã/);
  assert.match(message(broken.problemRows[5]), /Giới tính “X” không có trong danh sách/);
  // The repeated row, as a probable duplicate of the earlier one, skipped.
  await preview.getByRole("heading", { name: "Có thể trùng (1)" }).waitFor();
  const duplicates = await tableRows(preview.locator("table.duplicates"));
  assert.equal(duplicates.length, 1);
  assert.equal(Number(duplicates[0][0]), broken.repeat.row);
  assert.equal(duplicates[0][4], `dòng ${broken.repeat.of} (bỏ qua)`);
  await preview.getByText("Các cột không được nhập: Ghi chú.").waitFor();
  assert.doesNotMatch(await page.locator("main").innerText(), /hamlet:|commune:|nhap-[hp]\./, "no ids on screen");

  // The preview on a PC and on a phone (its problems as cards, nothing sideways).
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "import-preview-pc");
  await screenshot(page, "import-preview-pc-full", { fullPage: true });
  await page.setViewportSize(PHONE);
  await page.evaluate(() => document.getElementById("preview-title").scrollIntoView());
  assert.equal(await preview.locator("table.problems tbody tr").first().evaluate((tr) => getComputedStyle(tr).display), "block");
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1),
    "the phone page does not scroll sideways",
  );
  await screenshot(page, "import-preview-phone");
  await page.setViewportSize(DESKTOP);

  // Step 3: the 200 valid rows imported, with the job's progress and summary.
  await page.getByRole("button", { name: "Nhập 200 dòng hợp lệ" }).click();
  const job = page.locator(".import-job");
  await job.waitFor();
  await page.locator('.import-job[data-state="done"]').waitFor({ timeout: 60_000 });
  const bar = job.locator("progress");
  assert.equal(await bar.getAttribute("max"), "211");
  assert.equal(await bar.getAttribute("value"), "211");
  await job.getByText("Đã ghi 211 dòng / 211 (100 %)").waitFor();
  await job.getByText("Đã nhập xong: thêm mới 250, cập nhật 0 bản ghi (hộ và người).").waitFor();
  const summary = async () =>
    Object.fromEntries(
      await job.locator(".import-summary div").evaluateAll((items) =>
        items.map((d) => [d.querySelector("dt").textContent, d.querySelector("dd").textContent]),
      ),
    );
  assert.deepEqual(await summary(), {
    "Thêm mới": "250",
    "Cập nhật": "0",
    "Không đổi": "0",
    "Dòng bỏ qua": "11",
    "Bị từ chối": "0",
  });
  await screenshot(page, "import-done-pc");

  // The corrected file: only the fixed rows are new.
  const fixed = registerCsv({ fixed: true });
  await previewFile(page, "so-ho-cuu-an-da-sua.csv", fixed.bytes);
  await preview.getByText("211 dòng dữ liệu: 210 dòng hợp lệ sẽ được nhập, 1 dòng bỏ qua.").waitFor();
  assert.deepEqual(await tableRows(preview.locator("table.import-counts")), [
    ["Hộ", "1", "0", "50"],
    ["Người", "10", "0", "200"],
  ]);
  await preview.getByText("Không có vấn đề nào trong tệp.").waitFor();
  await page.getByRole("button", { name: "Nhập 210 dòng hợp lệ" }).click();
  await page.locator('.import-job[data-state="done"]').waitFor({ timeout: 60_000 });
  assert.deepEqual(await summary(), {
    "Thêm mới": "11",
    "Cập nhật": "0",
    "Không đổi": "250",
    "Dòng bỏ qua": "1",
    "Bị từ chối": "0",
  });

  // The same file again: nothing would change.
  await page.getByRole("button", { name: "Xem trước lại" }).click();
  await preview.getByText("Không có thay đổi: mọi hộ và người trong tệp đã có trong sổ đúng như tệp ghi.").waitFor();
  assert.deepEqual(await tableRows(preview.locator("table.import-counts")), [
    ["Hộ", "0", "0", "51"],
    ["Người", "0", "0", "210"],
  ]);

  // On the server: 51 households and 210 people, none twice.
  const officer = await login(server.base, "lan.cuuan", "mat-khau-dai-du-1");
  const ops = await pullAll(api, server.base, officer.token);
  const latest = new Map();
  for (const op of ops) latest.set(`${op.record.kind}/${op.record.id}`, op);
  const ids = (kind) => [...latest.keys()].filter((key) => key.startsWith(`${kind}/`));
  assert.equal(ids("household").length, 51);
  assert.equal(ids("person").length, 210);
  assert.deepEqual(pc.errors, []);

  // A collaborator of Thôn Đông Hạ on a phone: the imported household with its members.
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, server.base, links.ctv, "minh.dongha");
  await syncNow(phone.page);
  await phone.page.goto(`${server.base}/#thiet-bi`);
  await phone.page.getByText(/^Đơn vị: Thôn Đông Hạ · Phiên đăng nhập đến/).waitFor();
  await phone.page.goto(`${server.base}/#so/ho`);
  // Household 1 (Nguyễn Văn An, Thôn Đông Hạ): four members and the fixed fifth.
  await phone.page.locator("ul.rows li", { hasText: "Nguyễn Văn An" }).first().click();
  await phone.page.getByRole("heading", { name: "Thành viên (5)" }).waitFor();
  for (const name of ["Nguyễn Văn An", "Phạm Thị Hoa", "Nguyễn Văn Minh", "Nguyễn Thị Khoa", "Nguyễn Văn Tài"]) {
    await phone.page.getByText(name, { exact: true }).first().waitFor();
  }
  await screenshot(phone.page, "import-household-phone");
  assert.deepEqual(phone.errors, []);
});
