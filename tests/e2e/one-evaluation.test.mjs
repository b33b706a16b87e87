// Issue 15, requirement 6 ("one evaluation per subject, set and year") in the app: an
// officer who taps "Bắt đầu đánh giá" twice for the same person and year gets the same
// evaluation back, under the id every device computes from the person, the set and the
// year, and the server ends up with one evaluation record. Two devices that start it
// offline write that same record: after sync there is one evaluation, whose differing
// scores are one record to resolve on the conflicts screen.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, hamletWithPeople, pullAll, scoreAll, startEvaluation, syncNow } from "./app.mjs";
import { api, serverWithAdmin, setOffline } from "./lib.mjs";

test("starting an evaluation twice for one person and year opens the same one", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [["lan", "collaborator", "Nguyễn Thị Lan"]]);
  const { context, page, errors } = await device();
  t.after(() => context.close());

  await acceptInBrowser(page, server.base, links.lan, "lan.dongha");
  const person = await addRecord(page, server.base, "nguoi", { "Họ và tên *": "Lê Văn Tâm", "Năm sinh": "1985" });
  const recordPage = page.url();
  const year = Number(await page.getByLabel("Năm đánh giá").inputValue());
  const first = await startEvaluation(page);
  assert.equal(first, `cdht-324-2023:${year}:person:${person}`, "the id of person, set (QĐ 324, in force) and year");

  // Tapped again before anything was scored, and again after scoring: the same one.
  await page.goto(recordPage);
  assert.equal(await startEvaluation(page), first);
  await scoreAll(page, 9);
  await page.getByRole("button", { name: "Lưu trên máy" }).click();
  await page.getByText(/Đã lưu trên máy/).waitFor();
  await page.goto(recordPage);
  assert.equal(await page.locator("ul.rows li").count(), 1, "one evaluation listed on the person's page");
  assert.equal(await startEvaluation(page), first);
  // Another year is another evaluation.
  await page.goto(recordPage);
  await page.getByLabel("Năm đánh giá").fill(String(year - 1));
  assert.notEqual(await startEvaluation(page), first);
  // Issue 17: the subject group chosen in the first is remembered on the person.
  assert.ok(await page.getByLabel("Người dân trong xã").isChecked(), "the person's group is filled in");

  await syncNow(page);
  const evaluations = new Set(
    (await pullAll(api, server.base, admin.token))
      .filter((op) => op.record.kind === "evaluation")
      .map((op) => op.record.id),
  );
  assert.deepEqual([...evaluations].sort(), [`cdht-324-2023:${year - 1}:person:${person}`, first].sort());
  assert.deepEqual(errors, []);
});

test("two devices that start the same evaluation offline make one evaluation, one conflict", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { links } = await hamletWithPeople(server, admin, [
    ["lan", "collaborator", "Nguyễn Thị Lan"],
    ["minh", "collaborator", "Lê Văn Minh"],
  ]);
  const a = await device({ width: 360, height: 740 });
  const b = await device({ width: 360, height: 740 });
  t.after(() => a.context.close());
  t.after(() => b.context.close());
  await acceptInBrowser(a.page, server.base, links.lan, "lan.dongha");
  await acceptInBrowser(b.page, server.base, links.minh, "minh.dongha");
  const person = await addRecord(a.page, server.base, "nguoi", { "Họ và tên *": "Lê Văn Tâm", "Năm sinh": "1985" });
  await syncNow(a.page);
  await syncNow(b.page);

  // Both offline, both start the evaluation of the same year and score it differently.
  await setOffline(a.context, true);
  await setOffline(b.context, true);
  const started = [];
  for (const [side, points] of [
    [a, 9],
    [b, 7],
  ]) {
    await side.page.goto(`${server.base}/#ho-so/nguoi/${person}`);
    started.push(await startEvaluation(side.page));
    await scoreAll(side.page, points);
    await side.page.getByRole("button", { name: "Lưu trên máy" }).click();
    await side.page.getByText(/Đã lưu trên máy/).waitFor();
  }
  assert.equal(started[0], started[1], "both devices wrote the evaluation every device computes");
  await setOffline(a.context, false);
  await setOffline(b.context, false);
  await syncNow(a.page);
  await syncNow(b.page);
  await syncNow(a.page);

  // One evaluation on the server and on each device, shown as one record in conflict.
  const evaluations = new Set(
    (await pullAll(api, server.base, admin.token)).filter((op) => op.record.kind === "evaluation").map((op) => op.record.id),
  );
  assert.deepEqual([...evaluations], [started[0]]);
  for (const side of [a, b]) {
    await side.page.goto(`${server.base}/#ho-so/nguoi/${person}`);
    await side.page.getByRole("heading", { name: "Lê Văn Tâm" }).waitFor();
    assert.equal(await side.page.locator("ul.rows li").count(), 1, "one evaluation on the person's page");
    await side.page.goto(`${server.base}/#xung-dot`);
    await side.page.getByRole("heading", { name: "Xung đột cần giải quyết (1)" }).waitFor();
  }
  assert.deepEqual([...a.errors, ...b.errors], []);
});
