// What an officer does in the web app, as steps the scenarios share: accept an
// invitation, wait for sync, add a record, score an evaluation, attach a photo. Every
// step goes through the page as a person would (labels and buttons by their Vietnamese
// names), so a renamed control breaks the test the same way it would confuse a user.

import { deflateSync } from "node:zlib";

import { COMMUNE, createHamlet, firstPage, invite, launchBrowser, tempDir } from "./lib.mjs";

/** How long sync may take after the server comes back (backoff is at most 60 s, ±20 %). */
export const SYNC_TIMEOUT = 90_000;

/** A province administrator's server with one hamlet and invitations on it and its commune. */
export async function hamletWithPeople(server, admin, people) {
  const hamlet = await createHamlet(server.base, admin.token, COMMUNE, "Đông Hạ");
  const links = {};
  for (const [key, role, name] of people) {
    const unit = role === "collaborator" ? hamlet.unit : COMMUNE;
    links[key] = await invite(server.base, admin.token, { role, unit, display_name: name });
  }
  return { hamlet, links };
}

/** A browser profile of its own (a device), its page, with page errors collected. */
export async function device(viewport = { width: 360, height: 640 }) {
  const context = await launchBrowser(await tempDir("hoctap-e2e-profile-"), { viewport });
  const page = await firstPage(context);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Opens the invitation link, chooses a username and password, and waits for the home screen. */
export async function acceptInBrowser(page, base, invitation, username) {
  await page.goto(`${base}/#moi/${invitation.token}`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu", { exact: true }).fill("mat-khau-dai-du-1");
  await page.getByLabel("Nhập lại mật khẩu").fill("mat-khau-dai-du-1");
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await page.getByRole("heading", { name: "Sổ theo dõi" }).waitFor();
  await waitSynced(page);
}

/** Waits until nothing waits in the outbox and the last sync round finished. */
export async function waitSynced(page, timeout = SYNC_TIMEOUT) {
  await page.locator('.sync-waiting[data-waiting="0"]').waitFor({ timeout });
  await page.locator('.sync-bar[data-sync="done"]').waitFor({ timeout });
}

/**
 * Presses "Đồng bộ ngay" and waits for a round that started after the press to finish
 * (a round already running when the button is pressed is followed by another).
 */
export async function syncNow(page) {
  const bar = page.locator(".sync-bar");
  const button = bar.getByRole("button", { name: "Đồng bộ ngay" });
  await button.waitFor();
  await page.waitForFunction(() => !document.querySelector(".sync-now")?.disabled, null, { timeout: SYNC_TIMEOUT });
  const before = Number(await bar.getAttribute("data-rounds"));
  await button.click();
  await page.waitForFunction(
    (before) => Number(document.querySelector(".sync-bar")?.dataset.rounds) > before,
    before,
    { timeout: SYNC_TIMEOUT },
  );
  await waitSynced(page);
}

/** Adds a record of `kind` (`nguoi`, `ho`, …) with `fields` ({ label: value }) and returns its id. */
export async function addRecord(page, base, kind, fields) {
  await page.goto(`${base}/#them/${kind}`);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await page.getByRole("button", { name: "Lưu", exact: true }).click();
  await page.waitForURL(/#ho-so\//);
  return page.url().split("/").pop();
}

/** From a record's page, starts an evaluation with the first set offered; returns its id. */
export async function startEvaluation(page) {
  await page.getByRole("button", { name: "Bắt đầu đánh giá" }).click();
  await page.waitForURL(/#danh-gia\//);
  // The address changes before the form is drawn: wait for it, so the next step finds
  // its inputs on a loaded machine too.
  await page.getByRole("button", { name: "Lưu trên máy" }).waitFor();
  return page.url().split("/").pop();
}

/**
 * Chooses the first subject group when the evaluation's set asks one (QĐ 324) and none
 * is chosen yet; the indicators appear only then.
 */
export async function chooseGroup(page) {
  const groups = page.locator(".subject-group input[type=radio]");
  if ((await groups.count()) > 0 && (await page.locator(".subject-group input:checked").count()) === 0) {
    await groups.first().check();
  }
}

/**
 * Gives every points indicator `points` and every met/not-met indicator "Đạt" — after
 * choosing the first subject group when the set asks one and none is chosen yet.
 */
export async function scoreAll(page, points) {
  await chooseGroup(page);
  const inputs = page.locator("input.points[inputmode=decimal]");
  const count = await inputs.count();
  for (let i = 0; i < count; i += 1) await inputs.nth(i).fill(String(points));
  const met = page.locator(".choice.yes input");
  for (let i = 0; i < (await met.count()); i += 1) await met.nth(i).check();
  return count;
}

/** A PNG photo of `width`×`height` pixels (a gradient, so it does not compress to nothing). */
/// Opens an evaluation from the review table (`#duyet`) as a reviewer does — its row's
/// name — and returns the review section of its page.
export async function openForReview(page, base, evaluationId) {
  await page.goto(`${base}/#duyet`);
  await page.locator(`tr[data-record="${evaluationId}"] td.name a`).click();
  await page.waitForURL(new RegExp(`#danh-gia/${evaluationId}$`));
  const actions = page.locator(".review-actions");
  await actions.waitFor();
  return actions;
}

export function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = ((x + y) * 7) & 0xff;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Every operation in the server's log for the account, all pages. */
export async function pullAll(api, base, token) {
  const ops = [];
  let after = 0;
  for (;;) {
    const { body } = await api(base, `/sync/pull?after=${after}&limit=1000`, { token });
    ops.push(...body.ops);
    if (!body.more || body.cursor === after) return ops;
    after = body.cursor;
  }
}
