// Issue 15, requirement 4 ("households with members") and the hamlet register of
// requirement 2, as a commune officer on a phone does them: the hamlets are a tab with
// their names; a household page lists its members and adds one ("+ Thêm thành viên",
// then "Lưu và thêm người" for the next); a household is chosen by searching its head,
// each match showing address, hamlet and members, so two heads of one name are told
// apart; register rows show birth year, household and hamlet, and a hamlet filter
// narrows them; a person changing household into another hamlet is an explicit move
// the server accepts.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, device, pullAll, syncNow } from "./app.mjs";
import { api, COMMUNE, createHamlet, invite, screenshot, serverWithAdmin } from "./lib.mjs";

test("a commune officer keeps households with their members, told apart by hamlet", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const east = await createHamlet(server.base, admin.token, COMMUNE, "Đông Hạ");
  const west = await createHamlet(server.base, admin.token, COMMUNE, "Tây Thượng");
  const link = await invite(server.base, admin.token, {
    role: "commune_officer",
    unit: COMMUNE,
    display_name: "Trần Văn Xã",
  });
  const { context, page, errors } = await device({ width: 360, height: 740 });
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, link, "tran.xa");

  // The hamlets are a register of their own, by name.
  await page.goto(`${server.base}/#so/nguoi`);
  await page.getByRole("link", { name: "Thôn, tổ dân phố" }).click();
  await page.getByText("Thôn Đông Hạ").waitFor();
  await page.getByText("Thôn Tây Thượng").waitFor();

  // Two households whose heads share a name, one in each hamlet.
  const addHousehold = async (address, hamlet) => {
    await page.goto(`${server.base}/#them/ho`);
    await page.getByLabel("Tên chủ hộ *", { exact: true }).fill("Nguyễn Văn An");
    await page.getByLabel("Địa chỉ", { exact: true }).fill(address);
    await page.getByLabel("Thôn, tổ dân phố", { exact: true }).selectOption({ label: hamlet });
    await page.getByRole("button", { name: "Lưu", exact: true }).click();
    await page.waitForURL(/#ho-so\/ho\//);
    return page.url().split("/").pop();
  };
  const eastHousehold = await addHousehold("Xóm Đông", "Thôn Đông Hạ");
  const westHousehold = await addHousehold("Xóm Tây", "Thôn Tây Thượng");

  // Members added from the household's page, one after another.
  await page.goto(`${server.base}/#ho-so/ho/${eastHousehold}`);
  await page.getByRole("heading", { name: "Thành viên (0)" }).waitFor();
  await page.getByRole("link", { name: "+ Thêm thành viên" }).click();
  await page.getByRole("heading", { name: "Thêm thành viên" }).waitFor();
  assert.match(await page.locator(".picked").innerText(), /Hộ Nguyễn Văn An[\s\S]*Xóm Đông/, "the household is chosen");
  await page.getByLabel("Họ và tên *", { exact: true }).fill("Nguyễn Thị Bình");
  await page.getByLabel("Năm sinh", { exact: true }).fill("1990");
  await page.getByRole("button", { name: "Lưu và thêm người" }).click();
  await page.getByText("Đã lưu Nguyễn Thị Bình. Nhập người tiếp theo.").waitFor();
  assert.equal(await page.getByLabel("Họ và tên *", { exact: true }).inputValue(), "", "the form is empty again");
  assert.match(await page.locator(".picked").innerText(), /Xóm Đông/, "the household stays chosen");
  await page.getByLabel("Họ và tên *", { exact: true }).fill("Nguyễn Văn Cường");
  await page.getByLabel("Năm sinh", { exact: true }).fill("2015");
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.waitForURL(/#ho-so\/nguoi\//);
  const cuong = page.url().split("/").pop();
  await page.getByText("sinh 2015 · hộ Nguyễn Văn An · Thôn Đông Hạ").waitFor();

  await page.goto(`${server.base}/#ho-so/ho/${eastHousehold}`);
  await page.getByRole("heading", { name: "Thành viên (2)" }).waitFor();
  const members = await page.locator("ul.members li").allInnerTexts();
  assert.deepEqual(
    members.map((m) => m.replace(/\s+/g, " ").trim()),
    ["Nguyễn Thị Bình sinh 1990", "Nguyễn Văn Cường sinh 2015"],
  );
  // Its form shows the household's own values, not those of the person shown before.
  assert.equal(await page.getByLabel("Tên chủ hộ *", { exact: true }).inputValue(), "Nguyễn Văn An");
  await screenshot(page, "household-phone", { fullPage: true });

  // A new person chooses a household by searching; namesakes show where they live.
  await page.goto(`${server.base}/#them/nguoi`);
  await page.getByLabel("Họ và tên *", { exact: true }).fill("Lê Thị Dung");
  await page.getByLabel("Hộ gia đình", { exact: true }).fill("nguyen van an");
  const matches = page.locator(".picker .row.pick");
  await matches.nth(1).waitFor();
  const texts = (await matches.allInnerTexts()).map((m) => m.replace(/\s+/g, " "));
  assert.equal(texts.length, 2);
  assert.ok(texts.some((m) => /Xóm Đông · Thôn Đông Hạ · 2 người: Nguyễn Thị Bình, Nguyễn Văn Cường/.test(m)), texts.join(" | "));
  assert.ok(texts.some((m) => /Xóm Tây · Thôn Tây Thượng/.test(m)), texts.join(" | "));
  await screenshot(page, "household-search-phone");
  await matches.filter({ hasText: "Xóm Tây" }).click();
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.waitForURL(/#ho-so\/nguoi\//);
  await page.getByText("hộ Nguyễn Văn An · Thôn Tây Thượng").waitFor();

  // The register tells namesakes apart and filters by hamlet.
  await page.goto(`${server.base}/#so/nguoi`);
  await page.getByText("sinh 1990 · hộ Nguyễn Văn An · Thôn Đông Hạ").waitFor();
  await page.getByLabel("Thôn, tổ dân phố", { exact: true }).selectOption({ label: "Thôn Tây Thượng" });
  assert.deepEqual(
    (await page.locator("ul.rows li .row-name").allInnerTexts()).map((n) => n.trim()),
    ["Lê Thị Dung"],
  );

  // Cường moves to the household in the other hamlet: an explicit move, accepted.
  await page.goto(`${server.base}/#ho-so/nguoi/${cuong}`);
  // The record's details are open while it has no evaluation.
  if (!(await page.locator("details.record-details").evaluate((d) => d.open))) {
    await page.locator("summary", { hasText: "Thông tin hồ sơ" }).click();
  }
  await page.locator(".picked").getByRole("button", { name: "Đổi hộ" }).click();
  await page.getByLabel("Hộ gia đình", { exact: true }).fill("an");
  await page.locator(".picker .row.pick", { hasText: "Xóm Tây" }).click();
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.getByText("Đã lưu trên máy").waitFor();
  await syncNow(page);
  const ops = (await pullAll(api, server.base, admin.token)).filter((op) => op.record.id === cuong);
  const last = ops.at(-1);
  assert.equal(last.unit, west.unit, "the person now belongs to the other hamlet");
  assert.ok(
    last.body.fields.some((f) => f.field === "moved_from" && f.value === east.unit),
    "the move names the hamlet it leaves",
  );
  assert.ok(
    last.body.fields.some((f) => f.field === "household" && f.value === westHousehold),
    "and the new household",
  );
  const refused = await page.locator(".state.refused").count();
  assert.equal(refused, 0, "nothing refused");
  assert.deepEqual(errors, []);
});
