// The citizen's page (issue 18): a commune officer opens a self-assessment campaign on a
// hamlet; a citizen opens its link on a cheap phone (360×740, no account), agrees, says
// who they are, picks the subject group, answers a few indicators with a photo, loses
// the network and presses "Gửi": the answer waits on the phone ("sẽ tự gửi") and goes
// when the network returns, exactly once, and the receipt stays on the phone, offline
// too. A closed campaign and a wrong link show a clear page.

import assert from "node:assert/strict";
import { test } from "node:test";

import { png } from "./app.mjs";
import { openCampaign, waitForCitizenForm } from "./campaign.mjs";
import { apiOk, firstPage, launchBrowser, screenshot, serverWithAdmin, setOffline, tempDir } from "./lib.mjs";

const PHONE = { width: 360, height: 740 };

async function phone(t) {
  const context = await launchBrowser(await tempDir("hoctap-e2e-citizen-"), { viewport: PHONE, hasTouch: true, isMobile: true });
  t.after(() => context.close());
  return { context, page: await firstPage(context) };
}

/** Nothing is wider than the phone's screen. */
async function assertNoSideScroll(page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `the page scrolls sideways by ${wide} px`);
}

test("a citizen answers from the link offline, the answer arrives once, the receipt stays", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { campaign, officer, link } = await openCampaign(server, admin);

  const { context, page } = await phone(t);
  await page.goto(link);
  await waitForCitizenForm(page);
  await page.getByRole("heading", { name: /Đông Hạ/ }).waitFor();
  await page.getByText("Tôi đã đọc và đồng ý").waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  // Sending without consent or a name is refused beside the button, in Vietnamese.
  await page.getByRole("button", { name: "Gửi", exact: true }).click();
  await page.getByText("Cần đồng ý với việc thu thập thông tin trước khi gửi").waitFor();
  await page.getByText("Cần nhập Họ và tên").waitFor();

  await page.locator("#consent").check();
  await page.getByLabel("Họ và tên").fill("Nguyễn Thị Hoa");
  await page.getByLabel("Năm sinh").fill("1985");
  await page.getByLabel("Chủ hộ (họ tên người đứng tên hộ)").fill("Nguyễn Văn An");
  await page.getByLabel("Số điện thoại (không bắt buộc)").fill("0912 345 678");
  await page.getByText("Thôn Đông Hạ").first().waitFor();
  await page.getByLabel("Bạn thuộc nhóm nào?").selectOption({ label: "Người dân trong xã" });
  await page.locator('input.score[data-code="1.1"]').fill("8");
  await page.locator('input.score[data-code="1.2"]').fill("9");
  await page.locator('input.score[data-code="2.1"]').fill("7");
  // A score above the indicator's maximum, or between the set's steps, is refused
  // before sending.
  await page.locator('input.score[data-code="1.3"]').fill("25");
  await page.locator('input.score[data-code="1.4"]').fill("7,5");
  await page.locator('input[type=file][data-code="1.1"]').setInputFiles({
    name: "sach.png",
    mimeType: "image/png",
    buffer: png(1600, 1200),
  });
  await page.getByText(/Đã có ảnh \(\d+ KB\)/).waitFor();
  await assertNoSideScroll(page);
  await page.getByRole("button", { name: "Gửi", exact: true }).click();
  await page.getByText(/Chỉ số 1\.3: điểm cần từ 0 đến 10/).waitFor();
  await page.getByText("Chỉ số 1.4: điểm cần là số tròn, không có phần lẻ").waitFor();
  await page.locator('input.score[data-code="1.3"]').fill("6");
  await page.locator('input.score[data-code="1.4"]').fill("");
  // The picture: the group, the first criterion, an answer with its photo.
  await page.evaluate(() => {
    document.querySelector("#group").scrollIntoView({ block: "start" });
    window.scrollBy(0, -40);
  });
  await screenshot(page, "citizen-form-phone");

  // Offline: "Gửi" keeps the answer on the phone.
  await setOffline(context, true);
  await page.getByRole("button", { name: "Gửi", exact: true }).click();
  await page.getByText("Đã lưu trên máy, sẽ tự gửi khi có mạng").waitFor();
  await screenshot(page, "e2e-citizen-waiting-phone");
  const waiting = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("hoctap-c-outbox-")));
  assert.equal(waiting.length, 1, "the answer waits in the phone's storage");

  // Back online: it goes by itself and the receipt is shown big.
  await setOffline(context, false);
  await page.locator("#receipt").waitFor({ timeout: 60_000 });
  const shown = (await page.locator(".receipt").textContent()).trim();
  assert.match(shown, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const receipt = shown.replace("-", "");
  await page.getByText("Hãy chép mã này ra giấy hoặc chụp màn hình", { exact: false }).waitFor();
  await screenshot(page, "e2e-citizen-receipt-phone");

  // Exactly one answer on the server, with what was typed.
  const status = await apiOk(server.base, `/receipts/${receipt}`);
  assert.equal(status.status, "received");
  const answers = await apiOk(server.base, `/campaigns/${campaign.id}/answers`, { token: officer.token });
  assert.equal(answers.length, 1, JSON.stringify(answers));
  const [answer] = answers;
  assert.equal(answer.receipt, receipt);
  assert.equal(answer.answer.name, "Nguyễn Thị Hoa");
  assert.equal(answer.answer.birth_year, 1985);
  assert.equal(answer.answer.household_head, "Nguyễn Văn An");
  assert.equal(answer.answer.phone, "0912 345 678");
  assert.equal(answer.answer.subject_group, "nguoi_dan");
  assert.equal(answer.answer.consent, true);
  assert.deepEqual(Object.keys(answer.answer.scores).sort(), ["1.1", "1.2", "1.3", "2.1"]);
  assert.equal(answer.answer.scores["1.2"], 9);
  assert.deepEqual(Object.keys(answer.answer.photos), ["1.1"]);
  await page.getByText("Đã nhận, đang chờ thôn xem xét").first().waitFor();

  // Offline again, a reload still opens the page with its receipt, from the phone.
  await setOffline(context, true);
  await page.reload();
  await page.locator("#receipt").waitFor();
  assert.equal((await page.locator(".receipt").textContent()).trim(), shown);
  await screenshot(page, "e2e-citizen-offline-reload-phone");

  // Another answer from the same phone starts a fresh form (and a fresh id), offline too.
  await page.getByRole("button", { name: "Gửi phiếu cho người khác trên máy này" }).click();
  await waitForCitizenForm(page);
  // And the form itself reopens offline, from the worker and the campaign kept.
  await page.reload();
  await waitForCitizenForm(page);
  await page.getByText("Bạn thuộc nhóm nào?").waitFor();
  assert.equal(await page.locator("#name").inputValue(), "", "a fresh form");
  await setOffline(context, false);

  // Looking a receipt up by hand, as a citizen types it.
  await page.getByLabel("Tra cứu mã biên nhận").fill(shown.toLowerCase());
  await page.getByRole("button", { name: "Xem", exact: true }).click();
  await page.locator(".looked").getByText("Đã nhận, đang chờ thôn xem xét").waitFor();
  await page.getByLabel("Tra cứu mã biên nhận").fill("ZZZZ-ZZZZ");
  await page.getByRole("button", { name: "Xem", exact: true }).click();
  await page.getByText("Không có phiếu nào với mã này.").waitFor();
});

test("a closed campaign and a wrong link show a clear page", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { campaign, officer, link } = await openCampaign(server, admin);
  await apiOk(server.base, `/campaigns/${campaign.id}/close`, { token: officer.token, method: "POST" });

  const { page } = await phone(t);
  await page.goto(link);
  await page.getByText("Đợt tự đánh giá này không còn nhận câu trả lời").waitFor();
  assert.equal(await page.locator("#name").count(), 0, "no form on a closed campaign");
  await assertNoSideScroll(page);
  await screenshot(page, "e2e-citizen-closed-phone");

  await page.goto(`${server.base}/c/0123456789abcdef0123456789abcdef`);
  await page.getByRole("heading", { name: "Đường dẫn không đúng hoặc đã hết hạn" }).waitFor();
  await screenshot(page, "e2e-citizen-wrong-link-phone");
});
