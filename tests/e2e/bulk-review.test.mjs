// Issue 16, requirement 3 ("decisions for many at once"): a commune approver on a PC
// chooses the submitted evaluations of a hamlet, approves them in one press, then
// recognises the approved ones under one decision typed once, with who proposed it. An
// evaluation the rules do not recognise is left out with its reason. The operations
// leave the device as one batch; the server holds every recognition under the same
// decision, and the printed decision lists exactly those people, each with birth year.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, syncNow } from "./app.mjs";
import { acceptInvitation, api, apiOk, COMMUNE, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";
import { CITIZEN_INDICATORS } from "./throttle.mjs";

const DESKTOP = { width: 1280, height: 800 };

test("a commune approver approves and recognises many evaluations under one decision", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["binh", "commune_approver", "Trần Văn Bình"],
  ]);
  const lan = await acceptInvitation(server.base, links.lan.token, "lan.dongha", "mat-khau-dai-du-1");
  const fields = (pairs) => ({ type: "set_fields", fields: pairs.map(([field, value]) => ({ field, value, base: [] })) });
  // Six people scored and submitted from the hamlet: five pass, one scores 5 of 10 everywhere.
  const people = [
    ["Nguyễn Thị Hằng", 1980, 8],
    ["Nguyễn Thị Hằng", 1994, 9],
    ["Lê Văn Nam", 1975, 8],
    ["Phạm Thị Thu", 1988, 10],
    ["Hoàng Văn Tư", 1969, 8],
    ["Đỗ Văn Kém", 1990, 5],
  ].map(([name, year, points]) => ({ name, year, points, person: randomUUID(), evaluation: randomUUID() }));
  const ops = [];
  for (const p of people) {
    const evaluation = { kind: "evaluation", id: p.evaluation };
    ops.push({ record: { kind: "person", id: p.person }, unit: hamlet.unit, body: fields([["name", p.name], ["birth_year", p.year]]) });
    ops.push({
      record: evaluation,
      unit: hamlet.unit,
      body: fields([["set", "cdht-244-2022"], ["year", 2026], ["subject", { kind: "person", id: p.person }]]),
    });
    for (const indicator of CITIZEN_INDICATORS) {
      ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "set_score", indicator, answer: p.points, base: [] } });
    }
    ops.push({ record: evaluation, unit: hamlet.unit, body: { type: "transition", transition: { action: "submit" } } });
  }
  await pushOps(server.base, lan.token, ops);

  const { context, page, errors } = await device(DESKTOP);
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, links.binh, "binh.xa");
  await page.goto(`${server.base}/#duyet`);
  await page.locator(".review-count").getByText("6 phiếu").waitFor();

  // Approve all six at once: the one that fails the rules is still approvable (its score is complete).
  await page.getByLabel(/Chọn tất cả \(6\)/).check();
  await page.getByText("Đã chọn 6 phiếu").waitFor();
  await page.getByRole("button", { name: "Duyệt 6 phiếu" }).click();
  await page.getByText("Đã duyệt 6 phiếu trên máy; máy sẽ gửi lên máy chủ một lần.").waitFor();
  await syncNow(page);
  for (const p of people) {
    const view = await apiOk(server.base, `/records/evaluation/${p.evaluation}`, { token: admin.token });
    assert.equal(view.status, "approved", p.name);
  }

  // Meanwhile another reviewer returns one of them; this device has not seen it yet, so
  // the server will refuse its recognition and take the others.
  const overtaken = people[3];
  await pushOps(server.base, admin.token, [
    {
      record: { kind: "evaluation", id: overtaken.evaluation },
      unit: hamlet.unit,
      body: { type: "transition", transition: { action: "return", comment: "Cần bổ sung ảnh minh chứng." } },
    },
  ]);

  // Recognise the approved ones under one decision, typed once.
  await page.getByLabel(/Chọn tất cả \(6\)/).check();
  await page.locator("summary", { hasText: "Công nhận theo quyết định (5 phiếu đủ điều kiện)" }).click();
  const bar = page.locator(".bulk-bar");
  await bar.getByLabel("Số quyết định", { exact: true }).fill("27/QĐ-UBND");
  await bar.getByLabel("Ngày quyết định (ngày/tháng/năm)", { exact: true }).fill("20/11/2026");
  // Issue 17: the authority is prefilled from the province's settings (their default here).
  await page.waitForFunction(() => document.querySelector("#bulk-authority")?.value === "Ủy ban nhân dân xã Cửu An");
  await bar.getByLabel("Theo đề nghị của", { exact: true }).fill("Hội Khuyến học xã Cửu An");
  await screenshot(page, "bulk-recognise-pc");
  await page.getByRole("button", { name: "Công nhận 5 phiếu" }).click();
  await page.getByText("Đã công nhận 5 phiếu trên máy; máy sẽ gửi lên máy chủ một lần.").waitFor();
  await page.getByText(/Đỗ Văn Kém: theo bộ tiêu chí chưa đủ điều kiện/).waitFor();
  await syncNow(page);

  const recognised = people.filter((p) => p.points >= 8 && p !== overtaken);
  // The refused one says why, in the table; the rest went through.
  await page.getByLabel("Trạng thái").selectOption({ label: "Mọi trạng thái" });
  await page
    .locator(`tr[data-record="${overtaken.evaluation}"] .refused`)
    .getByText(/Máy chủ không nhận: .+/)
    .waitFor();
  for (const p of people) {
    const view = await apiOk(server.base, `/records/evaluation/${p.evaluation}`, { token: admin.token });
    if (p === overtaken) {
      assert.equal(view.status, "returned", "returned on the server before the recognition arrived");
    } else if (p.points >= 8) {
      assert.equal(view.status, "recognised", p.name);
      assert.equal(view.decision.number, "27/QĐ-UBND");
      assert.equal(view.decision.proposer, "Hội Khuyến học xã Cửu An");
    } else {
      assert.equal(view.status, "approved", "left out: the rules do not recognise it");
    }
  }

  // The decision as printed: exactly those five, each with birth year.
  const printed = await api(
    server.base,
    `/reports/${COMMUNE}/2026/decisions/print?number=${encodeURIComponent("27/QĐ-UBND")}&date=2026-11-20`,
    { token: admin.token },
  );
  assert.equal(printed.status, 200, JSON.stringify(printed.body));
  const html = typeof printed.body === "string" ? printed.body : printed.text;
  assert.match(html, /Theo đề nghị của Hội Khuyến học xã Cửu An\./);
  const rows = [...html.matchAll(/<tr><td class="c">\d+<\/td><td>([^<]+)<\/td><td class="c">(\d{4})<\/td>/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  assert.deepEqual(rows.sort(), recognised.map((p) => `${p.name} ${p.year}`).sort());
  assert.deepEqual(errors, []);
});
