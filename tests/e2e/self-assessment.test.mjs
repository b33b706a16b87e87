// Issue 18, requirement 6: a hamlet's self-assessment from beginning to end. The hamlet
// officer opens a campaign in the office app and takes its link; twenty citizens answer
// from it on phone-sized browsers (three with no network, their answers going later by
// themselves); two answers repeat a citizen and one is junk. The officer matches the
// seventeen genuine answers (nine to people already in the register, eight added as new
// people) and discards the three with a reason, then scores each evaluation on the
// phone app — where the citizen's own score shows beside each indicator — and sends it
// for review; the commune recognises them. A citizen's page then says "recognised" with
// the receipt code; the hamlet's report counts them; and the campaign's link, used as a
// key, reads and writes nothing else.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, scoreAll, syncNow, waitSynced } from "./app.mjs";
import { vietnamDay, waitForCitizenForm } from "./campaign.mjs";
import { api, apiOk, firstPage, launchBrowser, login, pushOps, screenshot, serverWithAdmin, setOffline, tempDir } from "./lib.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const step = (transition) => ({ type: "transition", transition });
const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
const show = (receipt) => `${receipt.slice(0, 4)}-${receipt.slice(4)}`;

// Nine people of the register; the first nine citizens are they (some typed without
// diacritics, one a year off), the next eight are not registered yet.
const REGISTERED = [
  ["Nguyễn Thị Hoa", 1985],
  ["Trần Văn Bình", 1962],
  ["Lê Thị Cúc", 1990],
  ["Phạm Văn Dũng", 1978],
  ["Hoàng Thị Én", 2001],
  ["Vũ Văn Giang", 1955],
  ["Đặng Thị Hằng", 1988],
  ["Bùi Văn Khoa", 1970],
  ["Đỗ Thị Liên", 1995],
];
const CITIZENS = [
  ["Nguyen Thi Hoa", 1985],
  ["Trần Văn Bình", 1962],
  ["lê thị cúc", 1990],
  ["Phạm Văn Dũng", 1978],
  ["Hoàng Thị Én", 2001],
  ["Vũ Văn Giang", 1956],
  ["Đặng Thị Hằng", 1988],
  ["Bùi Văn Khoa", 1970],
  ["Đỗ Thị Liên", 1995],
  ["Ngô Văn Minh", 1983],
  ["Dương Thị Nga", 1992],
  ["Lý Văn Phúc", 1967],
  ["Mai Thị Quyên", 1999],
  ["Trịnh Văn Sơn", 1975],
  ["Đinh Thị Thu", 1986],
  ["Lò Văn Uy", 2003],
  ["Hà Thị Vân", 1980],
  // Two answers repeating a citizen (the same person pressing "Gửi" on two phones).
  ["Ngô Văn Minh", 1983],
  ["Lý Văn Phúc", 1967],
  // Junk.
  ["asdf asdf", 2020],
];
const DUPLICATES = new Set([17, 18]);
const JUNK = 19;
const OFFLINE = new Set([2, 10, 15]);

/** A citizen's phone: opens the link, fills the form, presses "Gửi" (offline or not). */
async function answerOnPhone(link, [name, year], n, offline) {
  const context = await launchBrowser(await tempDir("hoctap-e2e-citizen-"), { viewport: PHONE, hasTouch: true, isMobile: true });
  const page = await firstPage(context);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(link);
  await waitForCitizenForm(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.locator("#consent").check();
  await page.getByLabel("Họ và tên").fill(name);
  await page.getByLabel("Năm sinh").fill(String(year));
  await page.getByLabel("Bạn thuộc nhóm nào?").selectOption({ label: "Người dân trong xã" });
  await page.locator('input.score[data-code="1.1"]').fill(String(5 + (n % 5)));
  await page.locator('input.score[data-code="1.2"]').fill("8");
  if (n === 0) await screenshot(page, "self-assessment-citizen-form-phone");
  if (offline) await setOffline(context, true);
  await page.getByRole("button", { name: "Gửi", exact: true }).click();
  if (offline) {
    await page.getByText("Đã lưu trên máy, sẽ tự gửi khi có mạng").waitFor();
    return { context, page, errors, receipt: null };
  }
  await page.locator("#receipt").waitFor({ timeout: 60_000 });
  const receipt = (await page.locator(".receipt").textContent()).trim().replace("-", "");
  return { context, page, errors, receipt };
}

test("a hamlet runs a self-assessment from a link to recognised titles", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const base = server.base;
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  const register = REGISTERED.map(([name, year]) => ({ id: randomUUID(), name, year }));
  await pushOps(
    base,
    admin.token,
    register.map((p) => ({ record: { kind: "person", id: p.id }, unit: hamlet.unit, body: fields([["name", p.name], ["birth_year", p.year]]) })),
  );

  // The officer opens the campaign in the office app and copies its link.
  const pc = await device(DESKTOP);
  t.after(() => pc.context.close());
  await acceptInBrowser(pc.page, base, links.lan, "lan.dongha");
  const lan = await login(base, "lan.dongha", "mat-khau-dai-du-1");
  await pc.page.goto(`${base}/office.html#tu-danh-gia`);
  await pc.page.getByRole("button", { name: "Mở đợt" }).click();
  await pc.page.getByText("Đã mở đợt tự đánh giá.").waitFor();
  const link = await pc.page.locator("li.campaign").first().getByLabel("Liên kết cho người dân").inputValue();
  const token = link.match(/\/c\/([0-9a-f]{32})$/)[1];

  // Twenty citizens answer from their phones; three have no network when they press "Gửi".
  const phones = [];
  for (const [n, citizen] of CITIZENS.entries()) {
    const phone = await answerOnPhone(link, citizen, n, OFFLINE.has(n));
    t.after(() => phone.context.close().catch(() => {}));
    phones.push(phone);
    if (!OFFLINE.has(n) && n !== 0) {
      await phone.context.close();
      assert.deepEqual(phone.errors, [], `citizen ${n}`);
    }
  }
  // The network returns: the three waiting answers go by themselves, once each.
  for (const n of OFFLINE) {
    await setOffline(phones[n].context, false);
    await phones[n].page.locator("#receipt").waitFor({ timeout: 90_000 });
    phones[n].receipt = (await phones[n].page.locator(".receipt").textContent()).trim().replace("-", "");
    await phones[n].context.close();
  }
  const queue = await apiOk(base, `/campaigns/${token}/answers`, { token: lan.token });
  assert.equal(queue.length, 20, "every answer arrived, none twice");
  assert.deepEqual(new Set(queue.map((a) => a.receipt)), new Set(phones.map((p) => p.receipt)));

  // The officer works the queue on the PC: matches, adds, discards.
  await pc.page.reload();
  await pc.page.locator("li.campaign").first().getByRole("button", { name: "Xem phiếu (20 chờ xem)" }).click();
  await pc.page.locator("li.answer").nth(19).waitFor();
  await screenshot(pc.page, "self-assessment-matching-pc");
  const card = (n) => pc.page.locator(`li.answer[data-receipt="${show(phones[n].receipt)}"]`);
  for (const n of DUPLICATES) {
    await card(n).getByText(/Có thể trùng với phiếu/).waitFor();
  }
  for (const [n] of CITIZENS.entries()) {
    const answer = card(n);
    if (DUPLICATES.has(n) || n === JUNK) {
      await answer.getByRole("button", { name: "Không hợp lệ" }).click();
      await answer.getByLabel("Lý do loại phiếu").selectOption(n === JUNK ? "Thử nghiệm" : "Trùng phiếu");
      await answer.getByRole("button", { name: "Loại phiếu" }).click();
      await answer.getByText(/^Đã loại/).waitFor();
    } else if (n < REGISTERED.length) {
      const match = answer.locator("li.match").first();
      assert.match(await match.innerText(), new RegExp(REGISTERED[n][0]));
      await match.getByRole("button", { name: "Đúng người này" }).click();
      await answer.getByText("Đã ghép.").waitFor();
    } else {
      await answer.getByRole("button", { name: "Thêm người mới" }).click();
      await answer.getByText("Đã ghép.").waitFor();
    }
  }
  const worked = await apiOk(base, `/campaigns/${token}/answers`, { token: lan.token });
  const linked = worked.filter((a) => a.state.state === "linked");
  assert.equal(linked.length, 17);
  assert.equal(worked.filter((a) => a.state.state === "discarded").length, 3);
  for (const [n, p] of register.entries()) {
    const answer = worked.find((a) => a.receipt === phones[n].receipt);
    assert.equal(answer.state.person, p.id, `${p.name} is matched to the registered person`);
  }
  assert.deepEqual(pc.errors, []);

  // On her phone the officer syncs, scores each evaluation beside the citizen's own
  // score and sends it for review.
  const officerPhone = await device(PHONE);
  t.after(() => officerPhone.context.close());
  const { page } = officerPhone;
  const collaborator = await apiOk(base, "/invitations", {
    token: admin.token,
    body: { role: "collaborator", unit: hamlet.unit, display_name: "Nguyễn Thị Lan (điện thoại)" },
  });
  await acceptInBrowser(page, base, collaborator, "lan.dienthoai");
  await syncNow(page);
  for (const [i, answer] of linked.entries()) {
    await page.goto(`${base}/#danh-gia/${answer.state.evaluation}`);
    await page.getByText(`Phiếu tự đánh giá của người dân, mã ${show(answer.receipt)}`).waitFor();
    await page.locator(".self-score").first().waitFor();
    await scoreAll(page, 10);
    if (i === 0) {
      await page.locator(".self-score").first().scrollIntoViewIfNeeded();
      await screenshot(page, "self-assessment-scoring-phone");
    }
    await page.getByRole("button", { name: "Gửi xét duyệt" }).click();
    await page.locator('[data-status="submitted"]').waitFor();
  }
  await waitSynced(page);
  assert.deepEqual(officerPhone.errors, []);

  // The commune recognises them (its review screens are tested elsewhere).
  const approver = await apiOk(base, `/invitations/${links.binh.token}/accept`, {
    body: { username: "binh.xa", password: "mat-khau-dai-du-1" },
  });
  const decision = { number: "31/QĐ-UBND", date: vietnamDay(), authority: "Ủy ban nhân dân xã Cửu An", proposer: "Hội Khuyến học xã Cửu An" };
  await pushOps(
    base,
    approver.token,
    linked.flatMap((a) => {
      const record = { kind: "evaluation", id: a.state.evaluation };
      return [
        { record, unit: hamlet.unit, body: step({ action: "approve" }) },
        { record, unit: hamlet.unit, body: step({ action: "recognise", decision }) },
      ];
    }),
  );

  // The first citizen looks at her page again: recognised, with her receipt.
  const first = phones[0];
  await first.page.reload();
  await first.page.locator("#receipt").waitFor();
  await first.page.getByText("Đã được công nhận Công dân học tập").first().waitFor({ timeout: 30_000 });
  assert.match(await first.page.locator("main").innerText(), new RegExp(show(first.receipt)));
  await screenshot(first.page, "self-assessment-recognised-phone");
  const discarded = await apiOk(base, `/receipts/${phones[JUNK].receipt}`);
  assert.deepEqual(discarded, { status: "discarded", comment: "Thử nghiệm" });

  // The campaign's link, as a key from the citizen's browser, opens nothing else.
  const tried = await first.page.evaluate(async (token) => {
    const out = {};
    const paths = [
      "/api/v1/sync/pull",
      `/api/v1/campaigns/${token}/answers`,
      `/api/v1/units/${token}/campaigns`,
      "/api/v1/auth/me",
      `/api/v1/records/person/${token}`,
    ];
    for (const path of paths) {
      const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
      out[path] = response.status;
    }
    const write = await fetch("/api/v1/sync/push", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ protocol: 1, device: "x", ops: [] }),
    });
    out.push = write.status;
    return out;
  }, token);
  assert.ok(Object.values(tried).every((status) => status === 401), JSON.stringify(tried));
  await first.context.close();

  // The hamlet's report counts them.
  const report = await apiOk(base, `/reports/${encodeURIComponent(hamlet.unit)}/${vietnamDay().slice(0, 4)}`, { token: lan.token });
  assert.deepEqual(report.report.self_assessment, { self_assessed: 17, matched: 17, reviewed: 17, recognised: 17 });
  const unknown = await api(base, "/receipts/0000-0000");
  assert.equal(unknown.status, 404);
});
