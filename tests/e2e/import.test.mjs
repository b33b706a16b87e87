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

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

const FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò"];
const MEN = ["An", "Bình", "Cường", "Dũng", "Hùng"];
const WOMEN = ["Hoa", "Lan", "Mai", "Nga", "Thu", "Yến", "Hằng"];
const CHILDREN = ["Minh", "Khoa", "Linh", "Trang", "Phúc", "Ngọc"];
const HAMLETS = ["Thôn Đông Hạ", "Thôn Tây Thượng"];
const HEADER = [
  "STT",
  "Thôn, tổ dân phố",
  "Mã hộ",
  "Họ tên chủ hộ",
  "Địa chỉ",
  "Họ và tên",
  "Năm sinh",
  "Giới tính",
  "Quan hệ với chủ hộ",
  "Kỹ năng số",
  "Đang đi học",
  "Ghi chú",
];

/** The 50 households: code, hamlet, head, address, and their four members. */
function households() {
  return Array.from({ length: 50 }, (_, i) => {
    const family = FAMILIES[i % 10];
    const head = `${family} Văn ${MEN[Math.floor(i / 10)]}`;
    const wife = `${FAMILIES[(i + 3) % 10]} Thị ${WOMEN[i % 7]}`;
    const code = `HD-${String(i + 1).padStart(3, "0")}`;
    const hamlet = HAMLETS[i % 2];
    const address = `Xóm ${(i % 5) + 1}, nhà ${i + 1}`;
    const born = 1960 + (i % 20);
    const members = [
      [head, born, "Nam", "Chủ hộ", "Cơ bản", "Không"],
      [wife, born + 2, "Nữ", "Vợ/Chồng", "Chưa có", "Không"],
      [`${family} Văn ${CHILDREN[i % 6]}`, born + 25, "Nam", "Con", "Thành thạo", "Có"],
      [`${family} Thị ${CHILDREN[(i + 1) % 6]}`, born + 28, "Nữ", "Con", "Cơ bản", "Có"],
    ];
    return { code, hamlet, head, address, members };
  });
}

/**
 * The ten rows with a problem each, as [broken, fixed] person cells of a household
 * (index), and the column the preview must name. The fifth is a household of its own
 * (its head) in a hamlet the commune does not have.
 */
const PROBLEMS = [
  { household: 0, column: "Họ và tên", broken: ["", 2001, "Nam", "Con"], fixed: ["Nguyễn Văn Tài", 2001, "Nam", "Con"] },
  { household: 2, column: "Năm sinh", broken: ["Lê Thị Xuân", 1850, "Nữ", "Con"], fixed: ["Lê Thị Xuân", 1950, "Nữ", "Bố/Mẹ"] },
  { household: 3, column: "Năm sinh", broken: ["Phạm Văn Tới", 2099, "Nam", "Cháu"], fixed: ["Phạm Văn Tới", 2019, "Nam", "Cháu"] },
  { household: 5, column: "Năm sinh", broken: ["Vũ Thị Sen", "năm ngoái", "Nữ", "Cháu"], fixed: ["Vũ Thị Sen", 2024, "Nữ", "Cháu"] },
  { household: -1, column: "Thôn, tổ dân phố", broken: ["Hà Văn Mới", 1990, "Nam", "Chủ hộ"], fixed: ["Hà Văn Mới", 1990, "Nam", "Chủ hộ"] },
  { household: 7, column: "Giới tính", broken: ["Bùi Văn Khánh", 2010, "X", "Con"], fixed: ["Bùi Văn Khánh", 2010, "Nam", "Con"] },
  { household: 9, column: "Quan hệ với chủ hộ", broken: ["Lò Thị Ơn", 1940, "Nữ", "Hàng xóm"], fixed: ["Lò Thị Ơn", 1940, "Nữ", "Bố/Mẹ"] },
  { household: 11, column: "Kỹ năng số", broken: ["Trần Văn Sáu", 2008, "Nam", "Con", "Rất giỏi"], fixed: ["Trần Văn Sáu", 2008, "Nam", "Con", "Cơ bản"] },
  { household: 13, column: "Đang đi học", broken: ["Hoàng Thị Bảy", 2012, "Nữ", "Con", "", "Có lẽ"], fixed: ["Hoàng Thị Bảy", 2012, "Nữ", "Con", "", "Có"] },
  { household: 14, column: "Thôn, tổ dân phố", broken: ["Vũ Văn Tám", 2015, "Nam", "Cháu"], fixed: ["Vũ Văn Tám", 2015, "Nam", "Cháu"], noHamlet: true },
];

/** A CSV field, quoted when it must be. */
function field(value) {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The list as CSV, with the problem rows broken or fixed. Resolves to the bytes and,
 * for each problem, the sheet row it is on (the header is row 1), and the repeated row's
 * number and the row it repeats.
 */
function registerCsv({ fixed }) {
  const list = households();
  const rows = [];
  const problemRows = [];
  let repeat;
  const person = (h, [name, year, gender, relation, skill = "", learner = ""], hamlet = h.hamlet) => [
    hamlet,
    h.code,
    h.head,
    h.address,
    name,
    year,
    gender,
    relation,
    skill,
    learner,
    "",
  ];
  list.forEach((h, i) => {
    for (const member of h.members) rows.push(person(h, member));
    PROBLEMS.forEach((p, k) => {
      if (p.household !== i && !(p.household === -1 && i === 4)) return;
      const cells = fixed ? p.fixed : p.broken;
      if (p.household === -1) {
        const own = { code: "HD-090", hamlet: fixed ? "Thôn Đông Hạ" : "Thôn Bắc Sơn", head: "Hà Văn Mới", address: "Xóm 9" };
        rows.push(person(own, cells));
      } else {
        rows.push(person(h, cells, p.noHamlet && !fixed ? "" : h.hamlet));
      }
      problemRows[k] = rows.length + 1;
    });
    if (i === 20) {
      // The same person as on an earlier row (the third member, two rows up): imported
      // once, this row skipped. Sheet rows are numbered from 2 (the header is row 1).
      const earlier = rows.length - 2;
      rows.push(person(h, h.members[2]));
      repeat = { row: rows.length + 1, of: earlier + 2 };
    }
  });
  const lines = [HEADER, ...rows.map((cells, i) => [i + 1, ...cells])].map((cells) => cells.map(field).join(","));
  return { bytes: Buffer.from(lines.join("\r\n") + "\r\n", "utf8"), problemRows, repeat, rows: rows.length };
}

/** The texts of a table's body rows, cell by cell. */
async function tableRows(locator) {
  return locator.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent.trim())),
  );
}

/** Chooses `file` and presses "Xem trước" (or "Xem trước lại"), then waits for the preview. */
async function previewFile(page, name, bytes) {
  await page.getByLabel("Tệp danh sách").setInputFiles({ name, mimeType: "text/csv", buffer: bytes });
  await page.getByRole("button", { name: /^Xem trước/ }).click();
  await page.getByRole("heading", { name: "Kết quả xem trước" }).waitFor();
}

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
  await job.getByText("Đã ghi 211 dòng / 211 (100%)").waitFor();
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
