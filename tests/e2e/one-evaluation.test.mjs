// Issue 15, requirement 6 ("one evaluation per subject, set and year") in the app: an
// officer who taps "Bắt đầu đánh giá" twice for the same person and year gets the same
// evaluation back, under the id every device computes from the person, the set and the
// year, and the server ends up with one evaluation record.

import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptInBrowser, addRecord, device, hamletWithPeople, pullAll, scoreAll, startEvaluation, syncNow } from "./app.mjs";
import { api, serverWithAdmin } from "./lib.mjs";

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
  assert.equal(first, `cdht-244-2022:${year}:person:${person}`, "the id of person, set and year");

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

  await syncNow(page);
  const evaluations = new Set(
    (await pullAll(api, server.base, admin.token))
      .filter((op) => op.record.kind === "evaluation")
      .map((op) => op.record.id),
  );
  assert.deepEqual([...evaluations].sort(), [`cdht-244-2022:${year - 1}:person:${person}`, first].sort());
  assert.deepEqual(errors, []);
});
