// Issue 15, requirement 2 ("hamlets in the app"), the merger: a commune officer on a PC
// opens a hamlet from the hamlet register, follows "Sáp nhập, giải thể thôn này" to the
// office screen, is told the hamlet cannot simply be archived while it holds a
// household, previews merging it into the other hamlet, confirms, and finds after a
// sync the household and its member in the other hamlet, the merged hamlet named as
// such with the date, and no longer offered for new records. A hamlet officer's phone
// receives the household by sync.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, syncNow } from "./app.mjs";
import { COMMUNE, createHamlet, invite, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";

test("a commune officer merges a hamlet into another; its people follow, its name stays in history", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const east = await createHamlet(server.base, admin.token, COMMUNE, "Đông Hạ");
  const west = await createHamlet(server.base, admin.token, COMMUNE, "Tây Thượng");
  const household = randomUUID();
  const person = randomUUID();
  const set = (fields) => ({
    type: "set_fields",
    fields: Object.entries(fields).map(([field, value]) => ({ field, value, base: [] })),
  });
  await pushOps(server.base, admin.token, [
    { record: { kind: "household", id: household }, unit: east.unit, body: set({ ten_chu_ho: "Hà Văn Lâm", dia_chi: "Xóm Đình" }) },
    { record: { kind: "person", id: person }, unit: east.unit, body: set({ name: "Hà Thị Mai", birth_year: 1988, household }) },
  ]);
  const officerLink = await invite(server.base, admin.token, { role: "commune_officer", unit: COMMUNE, display_name: "Trần Văn Xã" });
  const collaboratorLink = await invite(server.base, admin.token, { role: "collaborator", unit: west.unit, display_name: "Lò Thị Tây" });

  const pc = await device({ width: 1280, height: 800 });
  t.after(() => pc.context.close());
  const page = pc.page;
  await acceptInBrowser(page, server.base, officerLink, "tran.xa");
  await page.goto(`${server.base}/#so/thon`);
  await page.getByRole("link", { name: /Thôn Đông Hạ/ }).click();
  await page.getByRole("link", { name: "Sáp nhập, giải thể thôn này" }).click();

  // The office screen: archiving is refused while the hamlet holds a household.
  await page.getByRole("heading", { name: "Sáp nhập, giải thể thôn" }).waitFor();
  await page.getByText("Thôn Đông Hạ còn 1 hộ, 1 người.", { exact: false }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Xác nhận giải thể" }).isDisabled(), true);
  await page.getByLabel("Sáp nhập vào", { exact: true }).selectOption({ label: "Thôn Tây Thượng" });
  await page.getByText("Chuyển sang Thôn Tây Thượng: 1 hộ, 1 người.").waitFor();
  await screenshot(page, "hamlet-merge-pc");
  await page.setViewportSize({ width: 360, height: 740 });
  await screenshot(page, "hamlet-merge-phone", { fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Xác nhận sáp nhập vào Thôn Tây Thượng" }).click();
  await page.getByText(/Đã sáp nhập Thôn Đông Hạ vào Thôn Tây Thượng từ ngày \d\d\/\d\d\/\d{4}: đã chuyển 1 hộ, 1 người\./).waitFor();

  // Back in the app, after a sync.
  await page.getByRole("link", { name: "Về sổ thôn, tổ dân phố" }).click();
  await page.waitForURL(/\/#so\/thon$/);
  await syncNow(page);
  await page.goto(`${server.base}/#so/thon`);
  await page.getByText("Thôn Đông Hạ (đã sáp nhập)").waitFor();
  await page.getByRole("link", { name: /Thôn Đông Hạ/ }).click();
  await page.getByText(/Đã sáp nhập vào Thôn Tây Thượng từ ngày/).waitFor();
  await page.goto(`${server.base}/#ho-so/nguoi/${person}`);
  await page.getByText("sinh 1988 · hộ Hà Văn Lâm · Thôn Tây Thượng").waitFor();
  // A new household can no longer be put in the merged hamlet.
  await page.goto(`${server.base}/#them/ho`);
  const offered = await page.getByLabel("Thôn, tổ dân phố", { exact: true }).locator("option").allInnerTexts();
  assert.deepEqual(offered.map((o) => o.trim()), ["— chưa chọn thôn —", "Thôn Tây Thượng"]);
  assert.deepEqual(pc.errors, []);

  // The other hamlet's officer finds the household on the phone.
  const phone = await device({ width: 360, height: 740 });
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, server.base, collaboratorLink, "lo.tay");
  await phone.page.goto(`${server.base}/#ho-so/ho/${household}`);
  await phone.page.getByRole("heading", { name: "Hà Văn Lâm" }).waitFor();
  await phone.page.getByRole("heading", { name: "Thành viên (1)" }).waitFor();
  assert.deepEqual(phone.errors, []);
});
