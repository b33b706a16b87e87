// Measures a village meeting's self-assessment campaign (issue 18, requirement 7) on the
// real (release) server — a benchmark, not a test: run by scripts/bench.sh, results in
// docs/benchmarks.md.
//
// The citizen's first visit on the slow network of docs/benchmarks.md (1.6 Mbps down,
// 750 kbps up, 150 ms round trip; throttle.mjs): bytes on the wire (compressed, headers
// included, the worker's offline copy too) and the time from opening the link to a form
// that can be filled, in a fresh phone-sized Chromium profile, three runs (median).
//
// 1,000 answers arriving within a minute on one campaign: 1,000 phones (each its own
// address, as a proxy in front of the server reports it with --trust-proxy) start one
// after another, evenly over HOCTAP_MEASURE_SECONDS (60), and send their answer, one in
// ten with a photo of 120 KB sent first; a 429 is waited out as its Retry-After says and
// sent again, as the citizen's page does. Reported: the time until every answer has its
// receipt, the answers' latency (median, 95th percentile, worst; from the photo or the
// answer to the receipt), the 429s, any answer refused, and then that the hamlet's queue
// holds exactly 1,000 answers (nothing lost, nothing twice: each phone also sends its
// answer a second time, as a phone that lost the first reply does, and must get the
// same receipt). HOCTAP_MEASURE_SECONDS=0 sends them all at once, 50 at a time: the
// rate limits then answer most with 429, and the run says how long the burst takes.
//
// Environment: HOCTAP_BIN (the release server by default), HOCTAP_MEASURE_ANSWERS
// (1,000), HOCTAP_MEASURE_SECONDS (60).

import { createHash, randomUUID } from "node:crypto";

import { waitForCitizenForm } from "./campaign.mjs";
import {
  acceptInvitation,
  api,
  apiOk,
  COMMUNE,
  createHamlet,
  firstPage,
  invite,
  launchBrowser,
  measureFirstVisit,
  pushOps,
  serverWithAdmin,
  tempDir,
} from "./lib.mjs";
import { SLOW_NETWORK } from "./throttle.mjs";

const ANSWERS = Number(process.env.HOCTAP_MEASURE_ANSWERS || 1000);
const SECONDS = Number(process.env.HOCTAP_MEASURE_SECONDS ?? 60);
const CONCURRENCY = 50;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SET = "cdht-324-2023";
const out = (line) => console.log(`  ${line}`);
const ms = (x) => `${Math.round(x).toLocaleString("en-US")} ms`;
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const MIDDLE = ["Văn", "Thị", "Đình", "Minh", "Thu", "Quang"];
const GIVEN = ["An", "Bình", "Cường", "Dung", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Quý", "Sơn", "Tâm"];

async function main() {
  const { server, admin } = await serverWithAdmin({ env: { HOCTAP_TRUST_PROXY: "true" } });
  try {
    const base = server.base;
    const hamlet = await createHamlet(base, admin.token, COMMUNE, "Đông Hạ");
    const invitation = await invite(base, admin.token, { role: "collaborator", unit: hamlet.unit, display_name: "Cán bộ thôn" });
    const officer = await acceptInvitation(base, invitation.token, "can.bo.dong.ha", "mat-khau-dai-du");
    const today = new Date();
    const until = new Date(today.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const campaign = await apiOk(base, `/units/${hamlet.unit}/campaigns`, {
      token: officer.token,
      body: { year: today.getFullYear(), set: SET, valid_until: until, max_answers: ANSWERS },
    });
    if (SECONDS > 0) {
      const visits = [];
      for (let run = 0; run < 3; run += 1) {
        const context = await launchBrowser(await tempDir("hoctap-measure-citizen-"), { viewport: { width: 360, height: 740 } });
        try {
          const page = await firstPage(context);
          visits.push(await measureFirstVisit(page, `${base}/c/${campaign.id}`, { waitForReady: waitForCitizenForm, network: SLOW_NETWORK }));
        } finally {
          await context.close();
        }
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[1];
      out(`citizen's first visit on the slow network: ${median(visits.map((v) => v.total)).toLocaleString("en-US")} bytes on the wire (goal ≤ 153,600), form usable after ${ms(median(visits.map((v) => v.ms)))} (runs: ${visits.map((v) => ms(v.ms)).join(", ")}; goal ≤ 3 s)`);
    }
    const shown = await apiOk(base, `/c/${campaign.id}`);
    const group = shown.set.subject_groups[0].code;
    const codes = shown.set.criteria
      .flatMap((c) => c.indicators)
      .filter((i) => !i.groups || i.groups.length === 0 || i.groups.includes(group))
      .map((i) => i.code);

    // The hamlet's register: 1,000 people, half of them the citizens who will answer.
    const citizenName = (n) => `${FAMILY[n % 8]} ${MIDDLE[(n >> 3) % 6]} ${GIVEN[n % 13]} ${n}`;
    const people = Array.from({ length: 1000 }, (_, i) => {
      const n = 2 * i < ANSWERS ? 2 * i : ANSWERS + i;
      const set = [["name", citizenName(n)], ["birth_year", 1950 + (n % 55)]];
      return { record: { kind: "person", id: randomUUID() }, unit: hamlet.unit, body: { type: "set_fields", fields: set.map(([field, value]) => ({ field, value, base: [] })) } };
    });
    await pushOps(base, admin.token, people);

    const photo = Buffer.alloc(120 * 1024, 7);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    const latencies = [];
    const refused = [];
    const receipts = new Map();
    let waits = 0;
    // A request, sent again after each 429 once its Retry-After has passed.
    const patient = async (url, init) => {
      for (;;) {
        const response = await fetch(url, init);
        if (response.status !== 429) return response;
        waits += 1;
        await sleep(1000 * Number(response.headers.get("retry-after") || 1));
      }
    };
    let next = 0;
    const send = async (n) => {
      const headers = { "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
      const id = randomUUID();
      const answer = {
        name: citizenName(n),
        birth_year: 1950 + (n % 55),
        household_head: `${FAMILY[n % 8]} Văn ${GIVEN[(n * 7) % 13]}`,
        subject_group: group,
        scores: Object.fromEntries(codes.slice(0, 6).map((c) => [c, 5])),
        photos: {},
        consent: true,
      };
      const t0 = performance.now();
      if (n % 10 === 0) {
        // A distinct photo per phone (its first bytes carry the phone's number).
        const mine = Buffer.from(photo);
        mine.writeUInt32BE(n, 8);
        const sha = createHash("sha256").update(mine).digest("hex");
        const put = await patient(`${base}/api/v1/c/${campaign.id}/photos/${sha}`, { method: "PUT", headers, body: mine });
        if (put.status !== 204) refused.push(`photo ${n}: ${put.status} ${await put.text()}`);
        answer.photos[codes[0]] = sha;
      }
      const post = () =>
        patient(`${base}/api/v1/c/${campaign.id}/answers`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ id, answer }),
        });
      const first = await post();
      latencies.push(performance.now() - t0);
      const body = await first.json();
      if (first.status !== 201) {
        refused.push(`answer ${n}: ${first.status} ${JSON.stringify(body)}`);
        return;
      }
      const again = await post();
      const repeat = await again.json();
      if (again.status !== 200 || repeat.receipt !== body.receipt) refused.push(`resend ${n}: ${again.status}`);
      receipts.set(id, body.receipt);
    };
    const t0 = performance.now();
    if (SECONDS > 0) {
      await Promise.all(
        Array.from({ length: ANSWERS }, async (_, n) => {
          await sleep((n * SECONDS * 1000) / ANSWERS);
          await send(n);
        }),
      );
    } else {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let n = next++; n < ANSWERS; n = next++) await send(n);
        }),
      );
    }
    const wall = performance.now() - t0;
    const queue = await apiOk(base, `/campaigns/${campaign.id}/answers`, { token: officer.token });
    const distinct = new Set(queue.map((a) => a.receipt)).size;
    const pace = SECONDS > 0 ? `arriving evenly over ${SECONDS} s` : `all at once, ${CONCURRENCY} at a time`;
    out(`${ANSWERS} answers (${ANSWERS / 10} with a 120 KB photo), ${pace}, each sent twice`);
    out(`all receipts ${ms(wall)} after the first phone started; 429 answers waited out: ${waits}`);
    out(`answer latency: median ${ms(quantile(latencies, 0.5))}, 95th percentile ${ms(quantile(latencies, 0.95))}, worst ${ms(Math.max(...latencies))}`);
    out(`refused: ${refused.length}${refused.length ? ` — ${refused.slice(0, 3).join("; ")}` : ""}`);
    out(`queue: ${queue.length} answers, ${distinct} distinct receipts (expected ${ANSWERS})`);
    const t1 = performance.now();
    await apiOk(base, `/campaigns/${campaign.id}/answers`, { token: officer.token });
    const matched = queue.filter((a) => a.candidates.length > 0).length;
    out(`the queue of ${queue.length} with candidates among 1,000 registered people: ${ms(performance.now() - t1)} (${matched} with a candidate)`);
    const status = await api(base, `/receipts/${[...receipts.values()][0]}`);
    out(`a receipt's status: ${status.status} ${JSON.stringify(status.body)}`);
    if (refused.length || queue.length !== ANSWERS || distinct !== ANSWERS) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

await main();
