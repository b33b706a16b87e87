// A commune's register as a spreadsheet would hold it, for the import tests: households
// of four in the hamlets Thôn Đông Hạ and Thôn Tây Thượng, ten rows with a problem each
// (broken, or fixed as an officer would correct them) and one repeated row; and the
// steps of the import screen that read its preview.

export const FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò"];
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
export function households(count = 50) {
  return Array.from({ length: count }, (_, i) => {
    const family = FAMILIES[i % 10];
    const head = `${family} Văn ${MEN[Math.floor(i / 10) % MEN.length]}`;
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
export const PROBLEMS = [
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
export function registerCsv({ fixed, count = 50 }) {
  const list = households(count);
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
        const own = { code: "HD-MOI", hamlet: fixed ? "Thôn Đông Hạ" : "Thôn Bắc Sơn", head: "Hà Văn Mới", address: "Xóm 9" };
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
export async function tableRows(locator) {
  return locator.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent.trim())),
  );
}

/** Chooses `file` and presses "Xem trước" (or "Xem trước lại"), then waits for the preview. */
export async function previewFile(page, name, bytes) {
  await page.getByLabel("Tệp danh sách").setInputFiles({ name, mimeType: "text/csv", buffer: bytes });
  await page.getByRole("button", { name: /^Xem trước/ }).click();
  await page.getByRole("heading", { name: "Kết quả xem trước" }).waitFor();
}

