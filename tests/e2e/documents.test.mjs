// The official documents from a fresh data directory with the sample data: a commune
// officer submits the annual report and downloads its XLSX; the printable A4 pages of the
// report, the recognition decision and the five-year review are rendered by headless
// Chromium to PDF and PNG; a province sees its communes' reports with on-time status; the
// 2024 report of the merged commune comes from its predecessors. Issue 17: the province
// administrator sets whom reports go to in the office app, and the commune's 2026
// documents name it — never the abolished town of An Khê — and, once submitted, are the
// submitted version.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs/promises";
import path from "node:path";

import {
  BIN,
  COMMUNE,
  PROVINCE,
  ROOT,
  SCREENSHOT_DIR,
  acceptInvitation,
  adminInvite,
  api,
  apiOk,
  launchBrowser,
  screenshot,
  startServer,
  tempDir,
} from "./lib.mjs";
import { acceptInBrowser, device } from "./app.mjs";

const PASSWORD = "mat-khau-dai-du";
const cleanup = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** The number of pages in a PDF Chromium wrote (its page objects). */
function pdfPages(bytes) {
  return (bytes.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) || []).length;
}

/** Renders a self-contained HTML page on A4 to PNG (first page) and PDF (all pages). */
async function render(context, html, name) {
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: "load" });
  const png = await screenshot(page, name);
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const pdfPath = path.join(SCREENSHOT_DIR, `${name}.pdf`);
  const pdf = await page.pdf({ path: pdfPath, format: "A4", printBackground: true, preferCSSPageSize: true });
  // What the printed page is set in: Times New Roman or a metric twin.
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  await page.close();
  return { png, pdf, pdfPath, font };
}

async function fetchText(base, apiPath, token) {
  const response = await fetch(`${base}/api/v1${apiPath}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `${apiPath}: ${response.status}`);
  return { text: await response.text(), type: response.headers.get("content-type") };
}

test("a commune's report, decision and review as files and printed pages; the province's view", async () => {
  const dataDir = await tempDir("hoctap-e2e-documents-");
  const { stdout } = await promisify(execFile)(BIN, ["sample", "--data-dir", dataDir], { cwd: ROOT });
  assert.match(stdout, /Đã nạp dữ liệu mẫu: \d+ thao tác mới/);
  const officerInvite = await adminInvite(dataDir, { unit: COMMUNE, role: "commune_officer", displayName: "Cán bộ xã" });
  const adminInviteToken = await adminInvite(dataDir);
  const server = await startServer({ dataDir });
  cleanup.push(() => server.stop());
  const officer = await acceptInvitation(server.base, officerInvite.token, "canbo.cuuan", PASSWORD);
  const admin = await acceptInvitation(server.base, adminInviteToken.token, "quantri.gialai", PASSWORD);

  // The annual report, with a narrative, submitted: version 1, frozen.
  const year = 2026;
  const base = `/reports/${encodeURIComponent(COMMUNE)}/${year}`;
  await apiOk(server.base, `${base}/narrative`, {
    token: officer.token,
    method: "PUT",
    body: { achievements: "Ba thôn hoàn thành đánh giá.", difficulties: "", proposals: "", commendations: "" },
  });
  const submitted = await apiOk(server.base, `${base}/submit`, { token: officer.token, method: "POST" });
  assert.equal(submitted.version, 1);
  assert.equal(submitted.report.narrative.achievements, "Ba thôn hoàn thành đánh giá.");

  // The XLSX, as a browser downloads it.
  const xlsx = await fetch(`${server.base}/api/v1${base}/report.xlsx?version=1`, {
    headers: { authorization: `Bearer ${officer.token}` },
  });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get("content-disposition"), /attachment; filename="bao-cao-xa-cuu-an-2026\.xlsx"/);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), "PK");

  // The printed pages.
  const context = await launchBrowser(undefined, { viewport: { width: 794, height: 1123 } });
  cleanup.push(() => context.close());
  const report = await fetchText(server.base, `${base}/print?version=1`, officer.token);
  assert.match(report.type, /^text\/html/);
  const decisions = await apiOk(server.base, `${base}/decisions`, { token: officer.token });
  assert.ok(decisions.length >= 1, "the sample's 2026 titles were recognised by a decision");
  const decision = await fetchText(
    server.base,
    `${base}/decisions/print?number=${encodeURIComponent(decisions[0].number)}&date=${decisions[0].date}`,
    officer.token,
  );
  const review = await fetchText(server.base, `/reviews/${encodeURIComponent(COMMUNE)}/print?from=2021&to=2025`, officer.token);

  const printedReport = await render(context, report.text, "report-a4");
  const printedDecision = await render(context, decision.text, "decision-a4");
  const printedReview = await render(context, review.text, "review-a4");
  for (const printed of [printedReport, printedDecision, printedReview]) {
    assert.equal(printed.pdf.subarray(0, 5).toString(), "%PDF-");
    assert.match(printed.font, /Times New Roman/);
  }
  assert.ok(pdfPages(printedDecision.pdf) >= 2, "the decision, then its attached list on a page of its own");
  assert.ok(pdfPages(printedReport.pdf) >= 2);
  assert.match(decision.text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
  assert.match(decision.text, new RegExp(`Số: ${decisions[0].number}`));

  // The province sees its communes' reports; Cửu An's is in (on time or late by today's date).
  const statuses = await apiOk(server.base, `/reports/${encodeURIComponent(PROVINCE)}/${year}/children`, {
    token: admin.token,
  });
  const cuuAn = statuses.find((s) => s.unit === COMMUNE);
  assert.ok(["on_time", "late"].includes(cuuAn.status), cuuAn.status);
  assert.equal(cuuAn.latest.version, 1);
  assert.ok(statuses.filter((s) => s.unit !== COMMUNE).every((s) => ["missing", "pending"].includes(s.status)));

  // 2024: the merged commune's report comes from its predecessors.
  const merged = await apiOk(server.base, `/reports/${encodeURIComponent(COMMUNE)}/2024`, { token: officer.token });
  assert.deepEqual(
    merged.report.sources.map((s) => s.name).sort(),
    ["Xã Cửu An", "Xã Tú An"],
  );
  const families = merged.report.rows.find((r) => r.indicator === "households_learning_family");
  assert.ok(families.denominator > 0);

  // A version that does not exist is a clear 404 in Vietnamese.
  const missing = await api(server.base, `${base}/versions/9`, { token: officer.token });
  assert.equal(missing.status, 404);
  assert.match(missing.body.error.message, /Không tìm thấy/);
});

test("issue 17: the province sets whom reports go to; the commune's documents name it, as submitted", async (t) => {
  const dataDir = await tempDir("hoctap-e2e-authorities-");
  await promisify(execFile)(BIN, ["sample", "--data-dir", dataDir], { cwd: ROOT });
  const adminInvitation = await adminInvite(dataDir, { unit: PROVINCE, displayName: "Quản trị tỉnh Gia Lai" });
  const officerInvite = await adminInvite(dataDir, { unit: COMMUNE, role: "commune_officer", displayName: "Cán bộ xã" });
  const server = await startServer({ dataDir });
  t.after(() => server.stop());
  const officer = await acceptInvitation(server.base, officerInvite.token, "canbo.cuuan", PASSWORD);

  // The office screen: every row beside its default, the unconfirmed ones marked.
  const { context, page, errors } = await device({ width: 360, height: 640 });
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, adminInvitation, "quantri.gialai");
  await page.goto(`${server.base}/office.html#co-quan`);
  await page.getByRole("heading", { name: "Nơi nhận báo cáo, cơ quan công nhận" }).waitFor();
  await page.getByText("Mặc định (chưa xác nhận): Sở Giáo dục và Đào tạo {tỉnh}; Hội Khuyến học {tỉnh}").waitFor();
  assert.ok((await page.getByText("Đang dùng mặc định").count()) >= 10, "three levels and seven titles, all defaults");
  await page.locator("#recipient-1").fill("Ủy ban nhân dân thị xã An Khê");
  await page.getByRole("button", { name: "Lưu" }).click();
  await page.getByText(/là cơ quan cấp huyện, đã bỏ từ ngày 01\/07\/2025/).waitFor();
  await page.locator("#recipient-1").fill("Ủy ban nhân dân {tỉnh}\nHội Khuyến học {tỉnh}");
  await page.getByRole("button", { name: "Lưu" }).click();
  await page.getByText("Đã lưu. Báo cáo và quyết định làm từ nay dùng các cơ quan này.").waitFor();
  assert.equal(await page.getByText("Tỉnh đã đặt").count(), 1);
  console.log(`screenshot: ${await screenshot(page, "authorities-phone", { fullPage: true })}`);
  assert.deepEqual(errors, []);

  // The commune's draft names them, says it is a draft, and no abolished body.
  const base = `/reports/${encodeURIComponent(COMMUNE)}/2026`;
  const draft = await fetchText(server.base, `${base}/print`, officer.token);
  assert.match(draft.text, /<li>- Ủy ban nhân dân tỉnh Gia Lai;<\/li><li>- Hội Khuyến học tỉnh Gia Lai;<\/li>/);
  assert.match(draft.text, /Bản nháp \(chưa nộp\)/);
  // Submitted: what is printed and downloaded without naming a version is version 1.
  await apiOk(server.base, `${base}/submit`, { token: officer.token, method: "POST" });
  const printed = await fetchText(server.base, `${base}/print`, officer.token);
  assert.match(printed.text, /Bản nộp lần 1, ngày \d\d\/\d\d\/\d{4}/);
  assert.doesNotMatch(printed.text, /Bản nháp/);
  const decisions = await apiOk(server.base, `${base}/decisions`, { token: officer.token });
  const decision = await fetchText(
    server.base,
    `${base}/decisions/print?number=${encodeURIComponent(decisions[0].number)}&date=${decisions[0].date}`,
    officer.token,
  );
  assert.match(decision.text, /<li>- Ủy ban nhân dân tỉnh Gia Lai \(để báo cáo\);<\/li>/);
  assert.match(decision.text, /<p>Theo đề nghị của Hội Khuyến học xã Cửu An\.<\/p>/);
  for (const text of [printed.text, decision.text]) {
    assert.doesNotMatch(text, /thị xã An Khê|Ủy ban nhân dân thị xã|huyện/i);
    assert.doesNotMatch(text, /(hamlet|commune|province|district):[\w-]+/);
  }
  const a4 = await launchBrowser(undefined, { viewport: { width: 794, height: 1123 } });
  t.after(() => a4.close());
  await render(a4, printed.text, "report-a4-submitted");
  await render(a4, decision.text, "decision-a4-authorities");
});
