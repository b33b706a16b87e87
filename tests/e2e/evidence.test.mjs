// Issue 16, requirement 1 ("evidence viewer"): a hamlet officer on a phone attaches two
// photos and a PDF to an evaluation and sends it; a commune approver on a PC opens the
// evaluation, sees the photos as thumbnails (fetched on a slow network, with progress),
// opens one full-screen, goes to the next, zooms, reaches the PDF and closes with the
// keyboard; offline, after a reload, the photos already shown still open and the device
// page shows what is kept within its bound. The officer cannot remove a file once the
// evaluation is sent, and can once it is returned.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, hamletWithPeople, png, scoreAll, startEvaluation, syncNow, waitSynced } from "./app.mjs";
import { apiOk, login, pushOps, screenshot, serverWithAdmin, setOffline, testDevice, waitForServiceWorker } from "./lib.mjs";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** A small valid one-page PDF (Chromium's viewer opens it). */
function pdf(text) {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${text.length + 33} >>\nstream\nBT /F1 18 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

test("evidence: thumbnails, the full-screen viewer, fetched once and kept offline; removed only while a draft or returned", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  const officer = await device(PHONE);
  const approver = await device(DESKTOP);
  t.after(() => officer.context.close());
  t.after(() => approver.context.close());
  await acceptInBrowser(officer.page, server.base, links.lan, "lan.dongha");
  await acceptInBrowser(approver.page, server.base, links.binh, "binh.xa");

  // The officer scores an evaluation and attaches two photos and a PDF.
  const o = officer.page;
  await addRecord(o, server.base, "nguoi", { "Họ và tên *": "Đỗ Thị Hoa", "Năm sinh": "1990" });
  const evaluationId = await startEvaluation(o);
  await scoreAll(o, 8);
  const inputs = o.locator("input[type=file]");
  const attach = async (at, file, count) => {
    await inputs.nth(at).setInputFiles(file);
    await o.waitForFunction((n) => document.querySelectorAll(".evidence-list li").length === n, count);
  };
  await attach(0, { name: "lop-hoc.png", mimeType: "image/png", buffer: png(1600, 1200) }, 1);
  await attach(0, { name: "bang-khen.png", mimeType: "image/png", buffer: png(900, 1200) }, 2);
  await attach(1, { name: "bien-ban.pdf", mimeType: "application/pdf", buffer: pdf("Bien ban sinh hoat") }, 3);
  // On the officer's own device every file is there at once: sizes carry their unit.
  await o.locator(".thumb img").nth(1).waitFor();
  await o.locator(".thumb.pdf").waitFor();
  for (const text of await o.locator(".evidence-list li span").allInnerTexts()) {
    assert.match(text, / · \d+(,\d)? (KB|MB)$/, `a size with its unit: ${text}`);
  }
  await o.locator(".thumb img").first().click();
  await o.locator(".viewer img").waitFor();
  assert.match(await o.locator(".viewer-bar span").innerText(), /^1 \/ 3 · .+\.jpg · \d/);
  await screenshot(o, "evidence-viewer-phone");
  await o.keyboard.press("Escape");
  await o.locator(".viewer").waitFor({ state: "detached" });
  assert.equal(await o.getByRole("button", { name: "Gỡ" }).count(), 3, "a draft's files can be removed");
  await o.getByRole("button", { name: "Gửi xét duyệt" }).click();
  await o.locator('[data-status="submitted"]').waitFor();
  await waitSynced(o);
  assert.equal(await o.getByRole("button", { name: "Gỡ" }).count(), 0, "a sent evaluation's files cannot be removed");
  await o.locator(".thumb img").nth(1).waitFor();

  // The server refuses a removal once it was sent, whoever asks.
  const view = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  const files = Object.entries(view.evidence).flatMap(([indicator, list]) => list.map((f) => ({ indicator, ...f })));
  assert.equal(files.length, 3);
  const lan = await login(server.base, "lan.dongha", "mat-khau-dai-du-1");
  const record = { kind: "evaluation", id: evaluationId };
  const detach = (f) => ({ record, unit: hamlet.unit, body: { type: "detach_evidence", indicator: f.indicator, sha256: f.sha256 } });
  const tester = testDevice();
  const refused = await apiOk(server.base, "/sync/push", {
    token: lan.token,
    body: { protocol: 1, device: tester.device, ops: [{ id: randomUUID(), device: tester.device, hlc: tester.hlc(), ...detach(files[0]) }] },
  });
  assert.deepEqual(refused.rejected.map((r) => r.code), ["not_draft"]);

  // The approver opens it on a slow network: the files come one by one, with progress.
  const p = approver.page;
  await waitForServiceWorker(p);
  await syncNow(p);
  const cdp = await approver.context.newCDPSession(p);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 400,
    downloadThroughput: 24 * 1024,
    uploadThroughput: 24 * 1024,
  });
  const fetched = [];
  p.on("request", (request) => request.url().includes("/api/v1/evidence/") && fetched.push(request.url()));
  await p.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await p.locator(".thumb").first().click();
  const progress = p.locator('.viewer [role="status"]');
  await progress.waitFor();
  assert.match(await progress.innerText(), /^Đang tải \d+ KB \/ \d+(,\d)? (KB|MB) \(\d+ %\)$/);
  await p.waitForFunction(() => /\([1-9]\d? %\)$/.test(document.querySelector('.viewer [role="status"]')?.textContent ?? ""));
  await screenshot(p, "evidence-progress-desktop");
  await p.locator(".viewer img").waitFor({ timeout: 60_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await p.keyboard.press("Escape");
  await p.locator(".thumb img").nth(1).waitFor();
  await p.locator(".thumb.pdf").waitFor();
  await screenshot(p, "evidence-thumbnails-desktop");

  // Full screen: the first photo, the next one, zoomed; the PDF; closed with Esc.
  await p.locator(".thumb img").first().click();
  const counter = p.locator(".viewer-bar span");
  await p.locator(".viewer img").waitFor();
  assert.match(await counter.innerText(), /^1 \/ 3 · /);
  await p.getByRole("button", { name: "Sau ›" }).click();
  assert.match(await counter.innerText(), /^2 \/ 3 · /);
  const fitted = (await p.locator(".viewer img").boundingBox()).width;
  assert.ok(fitted <= DESKTOP.width, `the photo fits the screen (${fitted})`);
  await p.getByRole("button", { name: "Phóng to, thu nhỏ" }).click();
  const zoomed = (await p.locator(".viewer img").boundingBox()).width;
  assert.ok(zoomed > DESKTOP.width * 2, `zoomed in (${fitted} → ${zoomed})`);
  await screenshot(p, "evidence-viewer-zoomed-desktop");
  await p.locator(".viewer img").click();
  assert.ok((await p.locator(".viewer img").boundingBox()).width <= DESKTOP.width, "a tap zooms back out");
  await p.locator(".viewer img").click();
  await p.keyboard.press("ArrowLeft");
  assert.match(await counter.innerText(), /^1 \/ 3 · /);
  assert.ok((await p.locator(".viewer img").boundingBox()).width <= DESKTOP.width, "the next file starts unzoomed");
  await p.keyboard.press("ArrowRight");
  await p.keyboard.press("ArrowRight");
  assert.match(await counter.innerText(), /^3 \/ 3 · bien-ban\.pdf · /);
  assert.equal(await p.getByRole("button", { name: "Sau ›" }).isDisabled(), true, "the last file");
  const link = p.getByRole("link", { name: "Mở tệp PDF “bien-ban.pdf”" });
  assert.match(await link.getAttribute("href"), /^blob:/);
  const [tab] = await Promise.all([approver.context.waitForEvent("page"), link.click()]);
  assert.match(tab.url(), /^blob:/, "the PDF opens in the browser's own viewer");
  await tab.close();
  await p.bringToFront();
  await p.locator(".viewer").focus();
  await p.keyboard.press("ArrowLeft");
  assert.match(await counter.innerText(), /^2 \/ 3 · /);
  await p.getByRole("button", { name: "Đóng" }).click();
  await p.locator(".viewer").waitFor({ state: "detached" });
  // Each file crossed the network once, for its thumbnail and the viewer alike, and
  // opening the evaluation again reads them from the device.
  assert.equal(fetched.length, 3, fetched.join("\n"));
  await p.reload();
  await p.locator(".thumb img").nth(1).waitFor();
  await p.locator(".thumb.pdf").waitFor();
  assert.equal(fetched.length, 3, "nothing fetched again");

  // Offline, after a reload: the files shown before open from the device.
  await setOffline(approver.context, true);
  await p.reload();
  await p.locator(".thumb img").nth(1).waitFor();
  await p.locator(".thumb img").nth(1).click();
  await p.locator(".viewer img").waitFor();
  assert.match(await counter.innerText(), /^2 \/ 3 · /);
  await p.keyboard.press("Escape");
  await p.goto(`${server.base}/#thiet-bi`);
  const kept = await p.locator(".evidence-kept", { hasText: "Minh chứng" }).innerText();
  assert.match(kept, /^Minh chứng tải về để xem khi không có mạng: \d+(,\d)? (KB|MB) \/ tối đa 200 MB\./);
  await setOffline(approver.context, false);

  // Returned, the officer can remove a file again.
  const binh = await login(server.base, "binh.xa", "mat-khau-dai-du-1");
  const comment = "Ảnh bằng khen bị mờ, hãy chụp lại.";
  await pushOps(server.base, binh.token, [
    { record, unit: hamlet.unit, body: { type: "transition", transition: { action: "return", comment } } },
  ]);
  await syncNow(o);
  await o.goto(`${server.base}/#danh-gia/${evaluationId}`);
  await o.getByText(`Xã trả lại để sửa: ${comment}`).waitFor();
  assert.equal(await o.getByRole("button", { name: "Gỡ" }).count(), 3);
  o.once("dialog", (dialog) => dialog.accept());
  await o.getByRole("button", { name: "Gỡ" }).first().click();
  await o.waitForFunction(() => document.querySelectorAll(".evidence-list li").length === 2);
  await syncNow(o);
  const after = await apiOk(server.base, `/records/evaluation/${evaluationId}`, { token: admin.token });
  assert.equal(Object.values(after.evidence).flat().length, 2);

  assert.deepEqual([...officer.errors, ...approver.errors], []);
});
