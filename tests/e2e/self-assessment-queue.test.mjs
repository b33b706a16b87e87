// Issue 18, requirements 1 and 3, the officers' side: a hamlet officer opens a
// self-assessment campaign in the office app (office.html#tu-danh-gia) and sees its
// link and QR code; citizens' answers arrive through the public API (one sent twice);
// on a 1280×800 PC the officer matches one to the person already in the register, adds
// another as a new person and discards the duplicate with a reason; on a 360×740 phone
// the queue reads the same, and the evaluation the server opened shows the citizen's
// own score beside each indicator once the phone has synced.

import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, png, syncNow } from "./app.mjs";
import { apiOk, login, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

/** A citizen's answer to `set`: full marks (or "met") on the first `count` indicators of their group. */
function answerFor(set, hamlet, { name, birthYear, head = "", phone = "", count = 4 }) {
  const group = set.subject_groups?.[0]?.code ?? null;
  const applies = (i) => !group || !i.groups?.length || i.groups.includes(group);
  const scores = {};
  for (const indicator of set.criteria.flatMap((c) => c.indicators).filter(applies).slice(0, count)) {
    const m = indicator.measure;
    if (m.kind === "points") scores[indicator.code] = Number(m.max);
    else if (m.kind === "met") scores[indicator.code] = true;
  }
  return {
    hamlet,
    name,
    birth_year: birthYear,
    household_head: head,
    address: "",
    phone,
    subject_group: group,
    scores,
    photos: {},
    consent: true,
  };
}

test("a hamlet opens a self-assessment and turns the answers into evaluations", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["phone", "collaborator", "Lò Văn Pá"],
  ]);
  // The register already has Nguyễn Thị Hoa (1985) in Nguyễn Văn An's household.
  const household = randomUUID();
  const hoa = randomUUID();
  const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
  await pushOps(server.base, admin.token, [
    { record: { kind: "household", id: household }, unit: hamlet.unit, body: fields([["ten_chu_ho", "Nguyễn Văn An"]]) },
    {
      record: { kind: "person", id: hoa },
      unit: hamlet.unit,
      body: fields([["name", "Nguyễn Thị Hoa"], ["birth_year", 1985], ["household", household]]),
    },
  ]);

  // The officer follows the home's link to the office screen and opens a campaign.
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  const { page } = pc;
  await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
  await page.getByRole("link", { name: /Tự đánh giá của người dân/ }).click();
  await page.waitForURL(/\/office\.html#tu-danh-gia$/);
  await page.getByRole("heading", { name: "Tự đánh giá của người dân" }).waitFor();
  await page.getByText("Chưa có đợt tự đánh giá nào.").waitFor();
  assert.equal(await page.getByLabel("Số phiếu tối đa").inputValue(), "1000");
  assert.equal(await page.getByLabel("Năm đánh giá").inputValue(), String(new Date().getFullYear()));
  const setNames = await page.locator("#campaign-set option").allInnerTexts();
  assert.ok(setNames.length >= 1 && setNames.every((n) => /Công dân học tập/i.test(n)), setNames.join(" | "));
  await page.getByRole("button", { name: "Mở đợt" }).click();
  await page.getByText("Đã mở đợt tự đánh giá.").waitFor();
  // The form folds away once the campaign is listed.
  await page.locator("details.open-campaign:not([open])").waitFor({ state: "attached" });
  const card = page.locator("li.campaign").first();
  await card.getByText(/^Đang nhận phiếu đến hết ngày/).waitFor();
  const link = await card.getByLabel("Liên kết cho người dân").inputValue();
  const token = link.match(/\/c\/([0-9a-f]{32})$/)?.[1];
  assert.ok(token && link.startsWith(server.base), link);
  assert.ok(!(await page.locator("main").innerText()).includes(token), "the token shows only in the link field");
  const qr = card.locator("svg.qr");
  assert.ok((await qr.boundingBox()).width >= 200, "a QR code large enough to scan from the screen");
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "self-assessment-campaign-qr-pc");

  // The printable sheet.
  await card.getByRole("button", { name: "In mã QR" }).click();
  const sheet = page.locator(".print-sheet");
  await sheet.getByRole("heading", { name: /Tự đánh giá “Công dân học tập” năm \d{4}/ }).waitFor();
  assert.match(await sheet.innerText(), /Đông Hạ[\s\S]*quét mã QR[\s\S]*Nhận phiếu đến hết ngày/);
  assert.equal(await sheet.locator(".print-link").innerText(), link);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header.office-top").isVisible(), false, "no header on paper");
  await page.emulateMedia({ media: "screen" });
  await sheet.getByRole("button", { name: "← Quay lại" }).click();

  // Citizens answer from the link: Hoa, a newcomer, and the newcomer again.
  const campaign = await apiOk(server.base, `/c/${token}`);
  const hamletId = campaign.hamlets[0].id;
  const send = async (answer) =>
    apiOk(server.base, `/c/${token}/answers`, { body: { id: randomUUID(), answer } });
  // Hoa sends a photo for her first answer.
  const photo = png(64, 48);
  const sha = createHash("sha256").update(photo).digest("hex");
  const put = await fetch(`${server.base}/api/v1/c/${token}/photos/${sha}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: photo,
  });
  assert.equal(put.status, 204, await put.text());
  const hoaAnswer = answerFor(campaign.set, hamletId, { name: "Nguyen Thi Hoa", birthYear: 1985, head: "Nguyễn Văn An", phone: "0912 345 678" });
  hoaAnswer.photos = { [Object.keys(hoaAnswer.scores)[0]]: sha };
  const hoaReceipt = (await send(hoaAnswer)).receipt;
  const newReceipt = (await send(answerFor(campaign.set, hamletId, { name: "Phạm Văn Mới", birthYear: 1990, count: 6 }))).receipt;
  const againReceipt = (await send(answerFor(campaign.set, hamletId, { name: "Phạm Văn Mới", birthYear: 1990, count: 2 }))).receipt;
  const show = (r) => `${r.slice(0, 4)}-${r.slice(4)}`;

  // The queue, on a PC.
  await page.reload();
  await page.locator("li.campaign").first().getByRole("button", { name: "Xem phiếu (3 chờ xem)" }).click();
  const answers = page.locator("li.answer");
  await answers.nth(2).waitFor();
  assert.equal(await answers.count(), 3);
  const hoaCard = page.locator(`li.answer[data-receipt="${show(hoaReceipt)}"]`);
  const newCard = page.locator(`li.answer[data-receipt="${show(newReceipt)}"]`);
  const againCard = page.locator(`li.answer[data-receipt="${show(againReceipt)}"]`);
  assert.match(await hoaCard.innerText(), /Nguyen Thi Hoa[\s\S]*sinh 1985 · chủ hộ Nguyễn Văn An[\s\S]*Đông Hạ[\s\S]*0912 345 678/);
  const candidate = hoaCard.locator("li.match").first();
  assert.match(await candidate.innerText(), /Nguyễn Thị Hoa[\s\S]*Trùng khớp[\s\S]*cùng họ tên, năm sinh 1985/);
  await againCard.getByText(`Có thể trùng với phiếu ${show(newReceipt)}`).waitFor();
  assert.match(await newCard.innerText(), /Không thấy ai trùng/);
  await screenshot(page, "self-assessment-queue-pc", { fullPage: true });
  // The same queue on a phone-sized screen: one column, the buttons within reach.
  await page.setViewportSize(PHONE);
  await hoaCard.evaluate((e) => e.scrollIntoView({ block: "start" }));
  assert.ok((await candidate.getByRole("button", { name: "Đúng người này" }).boundingBox()).width <= PHONE.width);
  await screenshot(page, "self-assessment-queue-phone");
  await page.setViewportSize(DESKTOP);
  await hoaCard.locator("details.self-scores summary").click();
  assert.match(await hoaCard.locator("details.self-scores").innerText(), /Người dân tự chấm 4 chỉ số, có 1 ảnh[\s\S]*(điểm|Đạt)/);
  const thumb = hoaCard.locator(".self-photo img");
  await thumb.waitFor();
  await page.waitForFunction((img) => img.complete && img.naturalWidth === 64, await thumb.elementHandle());

  // Hoa is the person in the register; the newcomer is added; the duplicate is discarded.
  await candidate.getByRole("button", { name: "Đúng người này" }).click();
  await hoaCard.getByText("Đã ghép.").waitFor();
  const evaluationHref = await hoaCard.getByRole("link", { name: "Mở phiếu để chấm điểm" }).getAttribute("href");
  assert.match(evaluationHref, /^\/#danh-gia\/[^/]+$/);
  await newCard.getByRole("button", { name: "Thêm người mới" }).click();
  await newCard.getByText("Đã ghép.").waitFor();
  await againCard.getByRole("button", { name: "Không hợp lệ" }).click();
  await againCard.getByLabel("Lý do loại phiếu").selectOption("Trùng phiếu");
  await againCard.getByLabel("Ghi thêm (không bắt buộc)").fill("gửi hai lần");
  await againCard.getByRole("button", { name: "Loại phiếu" }).click();
  await againCard.getByText("Đã loại: Trùng phiếu: gửi hai lần").waitFor();
  await page.getByRole("button", { name: "Chờ xem (0)" }).click();
  await page.getByText("Không có phiếu nào ở đây.").waitFor();
  await page.getByRole("button", { name: "Đã ghép (2)" }).waitFor();
  await page.getByRole("button", { name: "Đã loại (1)" }).waitFor();
  // The server agrees.
  const lan = await login(server.base, "lan.dongha", "mat-khau-dai-du-1");
  const queue = await apiOk(server.base, `/campaigns/${token}/answers`, { token: lan.token });
  const byReceipt = Object.fromEntries(queue.map((a) => [a.receipt, a.state]));
  assert.equal(byReceipt[hoaReceipt].state, "linked");
  assert.equal(byReceipt[hoaReceipt].person, hoa, "matched to the person in the register");
  assert.equal(byReceipt[newReceipt].state, "linked");
  assert.notEqual(byReceipt[newReceipt].person, hoa);
  assert.deepEqual([byReceipt[againReceipt].state, byReceipt[againReceipt].reason], ["discarded", "Trùng phiếu: gửi hai lần"]);

  // Closing the campaign, after a confirmation: the link takes no more answers.
  await page.getByRole("button", { name: "← Các đợt tự đánh giá" }).click();
  const closing = page.locator("li.campaign").first();
  // The list is read again on the way back: the counts follow.
  await closing.locator(".campaign-counts", { hasText: /Đã loại\s*1/ }).waitFor();
  assert.match(await closing.locator(".campaign-counts").innerText(), /Đã nhận\s*3\/1000\s*Chờ xem\s*0\s*Đã ghép\s*2\s*Đã loại\s*1/);
  page.once("dialog", (dialog) => {
    assert.match(dialog.message(), /^Đóng đợt tự đánh giá của Thôn Đông Hạ\?/);
    dialog.accept();
  });
  await closing.getByRole("button", { name: "Đóng đợt" }).click();
  await closing.getByText("Đã đóng", { exact: true }).waitFor();
  assert.equal(await closing.locator("svg.qr").count(), 0, "no QR code for a closed campaign");
  assert.equal((await apiOk(server.base, `/c/${token}`)).open, false);
  assert.deepEqual(pc.errors, []);

  // On a phone: the queue reads, and the evaluation shows the citizen's own scores.
  const phone = await device(PHONE);
  t.after(() => phone.context.close());
  await acceptInBrowser(phone.page, server.base, links.phone, "pa.dongha");
  await phone.page.goto(`${server.base}/office.html#tu-danh-gia`);
  await phone.page.locator("li.campaign").first().getByRole("button", { name: /Xem phiếu/ }).click();
  await phone.page.getByRole("button", { name: /^Tất cả \(3\)$/ }).click();
  const phoneCard = phone.page.locator(`li.answer[data-receipt="${show(newReceipt)}"]`);
  await phoneCard.getByText("Đã ghép.").waitFor();

  await phone.page.goto(`${server.base}/`);
  await syncNow(phone.page);
  await phone.page.goto(`${server.base}${evaluationHref}`);
  await phone.page.getByText(`Phiếu tự đánh giá của người dân, mã ${show(hoaReceipt)}`).waitFor();
  const own = phone.page.locator(".self-score");
  await own.first().waitFor();
  assert.equal(await own.count(), 4, "one self-score per indicator the citizen answered");
  assert.match(await own.first().innerText(), /^Người dân tự chấm: (\d+(,\d+)? điểm|Đạt)$/);
  await own.first().scrollIntoViewIfNeeded();
  await screenshot(phone.page, "self-assessment-evaluation-phone");
  assert.deepEqual(phone.errors, []);
});

test("a commune opens a campaign for one of its hamlets or for the whole commune", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [["xa", "commune_officer", "Trần Văn Xã"]]);
  const { context, page, errors } = await device(PHONE);
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, links.xa, "xa.cuuan");
  await page.getByRole("link", { name: /Tự đánh giá của người dân/ }).click();
  await page.getByRole("heading", { name: "Tự đánh giá của người dân" }).waitFor();
  const place = page.getByLabel("Thôn", { exact: true });
  await place.locator("option", { hasText: "Thôn Đông Hạ" }).waitFor({ state: "attached" });
  assert.deepEqual(await place.locator("option").allInnerTexts(), ["Cả xã (người dân chọn thôn của mình)", "Thôn Đông Hạ"]);
  await place.selectOption({ label: "Thôn Đông Hạ" });
  await page.getByRole("button", { name: "Mở đợt" }).click();
  await page.locator("li.campaign").getByRole("heading", { name: /^Thôn Đông Hạ · năm \d{4}$/ }).waitFor();
  // And one for the whole commune, whose citizens choose their hamlet.
  await page.getByText("Mở đợt tự đánh giá mới").click();
  await place.selectOption({ index: 0 });
  await page.getByRole("button", { name: "Mở đợt" }).click();
  await page.locator("li.campaign").nth(1).waitFor();
  const titles = await page.locator("li.campaign h3").allInnerTexts();
  assert.equal(titles.length, 2);
  assert.ok(titles.some((title) => /^Xã Cửu An · năm/.test(title)), titles.join(" | "));
  assert.ok(titles.some((title) => /^Thôn Đông Hạ · năm/.test(title)), titles.join(" | "));
  assert.deepEqual(errors, []);
});
