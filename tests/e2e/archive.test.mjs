// Issue 15, requirement 7 ("delete and archive, with history"), as a commune officer on
// a phone does it: a person marked deceased leaves the register (shown again on asking)
// and this year's figures while last year's keep them; a draft evaluation deleted is
// neither listed nor counted, and starting it again reopens it with its scores; a
// person entered twice is marked a duplicate of the record kept, and their two
// evaluations count once. Nothing leaves the server's log.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { acceptInBrowser, device, hamletWithPeople, png, pullAll, scoreAll, startEvaluation, syncNow } from "./app.mjs";
import { api, apiOk, COMMUNE, pushOps, screenshot, serverWithAdmin } from "./lib.mjs";

/** Today in Vietnam as the app writes it (dd/mm/yyyy), and its year. */
function today() {
  const [year, month, day] = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10).split("-");
  return { shown: `${day}/${month}/${year}`, year: Number(year) };
}

test("a commune officer archives a person, deletes and reopens a draft, and merges a duplicate", async (t) => {
  const { server, admin } = await serverWithAdmin();
  t.after(() => server.stop());
  const { hamlet, links } = await hamletWithPeople(server, admin, [["officer", "commune_officer", "Trần Văn Xã"]]);
  const people = {
    gone: ["Phạm Văn Mất", 1950],
    draft: ["Trần Thị Hai", 1980],
    kept: ["Lê Văn Ba", 1985],
    twin: ["Lê Văn Ba", 1985],
  };
  const ids = {};
  for (const [key, [name, birthYear]] of Object.entries(people)) {
    ids[key] = randomUUID();
    const fields = [
      { field: "name", value: name, base: [] },
      { field: "birth_year", value: birthYear, base: [] },
    ];
    await pushOps(server.base, admin.token, [
      { record: { kind: "person", id: ids[key] }, unit: hamlet.unit, body: { type: "set_fields", fields } },
    ]);
  }
  const { shown, year } = today();
  // Adults in the commune's figures, and Learning Citizen evaluations counted.
  const figures = async (y) => {
    const view = await apiOk(server.base, `/consolidation/${encodeURIComponent(COMMUNE)}?year=${y}`, { token: admin.token });
    const adults = view.indicators
      .find((i) => i.id === "adults_cdht_in_learning_groups")
      .readings.find((r) => r.id === "all_adults");
    return { adults: adults.denominator, evaluated: view.models.learning_citizen?.evaluated ?? 0 };
  };
  assert.deepEqual(await figures(year), { adults: 4, evaluated: 0 });
  assert.deepEqual(await figures(year - 1), { adults: 4, evaluated: 0 });

  const { context, page, errors } = await device({ width: 360, height: 740 });
  t.after(() => context.close());
  await acceptInBrowser(page, server.base, links.officer, "tran.xa");
  const registerCount = async () => Number((await page.locator(".register-card .register-count").first().innerText()).trim());
  assert.equal(await registerCount(), 4);

  // Phạm Văn Mất died today.
  await page.goto(`${server.base}/#ho-so/nguoi/${ids.gone}`);
  await page.locator("summary", { hasText: "Rời sổ" }).click();
  await page.getByLabel("Lý do", { exact: true }).selectOption({ label: "Đã mất" });
  assert.equal(await page.getByLabel("Từ ngày", { exact: true }).inputValue(), shown.split("/").reverse().join("-"));
  await page.getByLabel("Ghi chú", { exact: true }).fill("Mất tại nhà");
  await screenshot(page, "archive-leave-form-phone", { fullPage: true });
  await page.getByRole("button", { name: "Xác nhận rời sổ" }).click();
  await page.locator(".left-banner", { hasText: `Đã mất ${shown} — Mất tại nhà` }).waitFor();
  await page.getByRole("button", { name: "Khôi phục vào sổ" }).waitFor();
  await screenshot(page, "archive-banner-phone");

  // The register hides him unless asked.
  await page.goto(`${server.base}/#so/nguoi`);
  await page.getByRole("heading", { name: "Sổ người dân (3)" }).waitFor();
  assert.equal(await page.getByText("Phạm Văn Mất").count(), 0);
  await page.getByLabel("Hiện cả hồ sơ đã rời sổ").check();
  await page.locator("ul.rows li", { hasText: "Phạm Văn Mất" }).getByText(`Đã mất ${shown}`).waitFor();
  await screenshot(page, "archive-register-phone", { fullPage: true });
  await syncNow(page);
  await page.goto(`${server.base}/#`);
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  assert.equal(await registerCount(), 3);
  assert.deepEqual(await figures(year), { adults: 3, evaluated: 0 }, "this year leaves him out");
  assert.deepEqual(await figures(year - 1), { adults: 4, evaluated: 0 }, "last year keeps him");

  // Trần Thị Hai's draft, scored, then deleted: not listed, not counted.
  await page.goto(`${server.base}/#ho-so/nguoi/${ids.draft}`);
  const draft = await startEvaluation(page);
  await scoreAll(page, 5);
  await page.getByRole("button", { name: "Lưu trên máy" }).click();
  await page.locator(".save-status.saved").waitFor();
  await syncNow(page);
  assert.deepEqual(await figures(year), { adults: 3, evaluated: 1 });
  page.once("dialog", (dialog) => dialog.accept("Chấm nhầm người"));
  await page.getByRole("button", { name: "Xóa phiếu nháp" }).click();
  await page.waitForURL(new RegExp(`#ho-so/nguoi/${ids.draft}`));
  await page.getByText("Chưa có phiếu đánh giá nào.").waitFor();
  await syncNow(page);
  assert.deepEqual(await figures(year), { adults: 3, evaluated: 0 }, "a deleted draft is not counted");

  // Starting it again reopens it, scores and all.
  await page.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await page.waitForURL(new RegExp(`#danh-gia/${draft}`));
  await page.getByText("Đã mở lại phiếu đã xóa").waitFor();
  assert.match(await page.locator("input.points[inputmode=decimal]").first().inputValue(), /^5([.,]0+)?$/, "the scores came back");
  await screenshot(page, "archive-reopened-phone");
  await syncNow(page);
  assert.deepEqual(await figures(year), { adults: 3, evaluated: 1 }, "reopened, it counts again");

  // A photo attached by mistake is taken off again ("Gỡ", confirmed) while a draft.
  await page.locator("input[type=file]").first().setInputFiles({ name: "nham.png", mimeType: "image/png", buffer: png(400, 300) });
  const attached = page.locator(".evidence-list li").first();
  await attached.waitFor();
  await attached.scrollIntoViewIfNeeded();
  await screenshot(page, "archive-evidence-phone");
  page.once("dialog", (dialog) => {
    assert.match(dialog.message(), /^Gỡ minh chứng “nham/);
    dialog.accept();
  });
  await attached.getByRole("button", { name: "Gỡ" }).click();
  await page.locator(".evidence-list li").waitFor({ state: "detached" });
  await syncNow(page);

  // Lê Văn Ba was entered twice, each with an evaluation; the second is a duplicate.
  for (const key of ["kept", "twin"]) {
    await page.goto(`${server.base}/#ho-so/nguoi/${ids[key]}`);
    await startEvaluation(page);
    await scoreAll(page, key === "kept" ? 4 : 6);
    await page.getByRole("button", { name: "Lưu trên máy" }).click();
    await page.locator(".save-status.saved").waitFor();
  }
  await syncNow(page);
  assert.deepEqual(await figures(year), { adults: 3, evaluated: 3 });
  await page.goto(`${server.base}/#ho-so/nguoi/${ids.twin}`);
  await page.locator("summary", { hasText: "Rời sổ" }).click();
  await page.getByLabel("Lý do", { exact: true }).selectOption({ label: "Trùng với hồ sơ khác" });
  await page.getByLabel("Hồ sơ được giữ lại", { exact: true }).fill("le van ba");
  const matches = page.locator(".leave-form .row.pick");
  await matches.first().waitFor();
  assert.equal(await matches.count(), 1, "the record itself is not offered");
  await matches.first().click();
  await page.getByRole("button", { name: "Xác nhận rời sổ" }).click();
  await page.locator(".left-banner", { hasText: `Trùng với hồ sơ khác, từ ${shown}` }).waitFor();
  await screenshot(page, "archive-duplicate-phone");
  await page.getByRole("link", { name: "Xem hồ sơ được giữ lại" }).click();
  await page.waitForURL(new RegExp(`#ho-so/nguoi/${ids.kept}`));
  await syncNow(page);
  assert.deepEqual(
    await figures(year),
    { adults: 2, evaluated: 2 },
    "the duplicate is nobody, and its evaluation counts once with the kept person's",
  );
  assert.deepEqual(await figures(year - 1), { adults: 3, evaluated: 0 }, "a duplicate is nobody in any year");

  // Nothing left the log: the deletion and the leaving are operations like any other.
  const ops = await pullAll(api, server.base, admin.token);
  const fieldsOf = (id, field) =>
    ops.filter((op) => op.record.id === id && op.body.type === "set_fields").flatMap((op) => op.body.fields).filter((f) => f.field === field);
  assert.deepEqual(
    fieldsOf(draft, "deleted").map((f) => (f.value === null ? null : f.value.reason)),
    ["Chấm nhầm người", null],
  );
  assert.deepEqual(fieldsOf(ids.twin, "left").map((f) => [f.value.reason, f.value.duplicate_of]), [["duplicate", ids.kept]]);
  assert.deepEqual(
    ops.filter((op) => op.record.id === draft && op.body.type.endsWith("_evidence")).map((op) => op.body.type),
    ["attach_evidence", "detach_evidence"],
  );
  assert.equal(await page.locator(".state.refused").count(), 0, "nothing refused");
  assert.deepEqual(errors, []);
});
