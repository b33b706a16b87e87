// The harness's own helpers against the real server, no browser: the first
// administrator invited from the command line, a hamlet pushed through sync, an officer
// invited on it, and a restart on the same data directory and port that keeps them all.
// Scenario tests build on exactly these steps.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  COMMUNE,
  PROVINCE,
  acceptInvitation,
  adminInvite,
  api,
  createHamlet,
  invite,
  login,
  startServer,
  tempDir,
} from "./lib.mjs";

test("set up accounts and a hamlet, then restart on the same data", async (t) => {
  const dataDir = await tempDir("hoctap-e2e-data-");
  const { token: firstInvitation } = await adminInvite(dataDir, { unit: PROVINCE, displayName: "Quản trị Gia Lai" });

  let server = await startServer({ dataDir });
  t.after(() => server.stop());
  const admin = await acceptInvitation(server.base, firstInvitation, "quantri.gialai", "mat-khau-dai-du");
  assert.equal(admin.account.unit, PROVINCE);
  assert.equal(admin.account.role, "province_admin");

  const hamlet = await createHamlet(server.base, admin.token, COMMUNE, "Thôn Một");
  const record = await api(server.base, `/records/hamlet/${hamlet.recordId}`, { token: admin.token });
  assert.equal(record.status, 200, JSON.stringify(record.body));
  assert.match(JSON.stringify(record.body), /Thôn Một/);

  const invitation = await invite(server.base, admin.token, {
    role: "collaborator",
    unit: hamlet.unit,
    display_name: "Cộng tác viên thôn Một",
  });
  const officer = await acceptInvitation(server.base, invitation.token, "ctv.thon.mot", "mat-khau-cua-ctv");
  assert.equal(officer.account.unit, hamlet.unit);

  // The same data directory and port after a clean stop: accounts and the hamlet remain.
  const { port } = server;
  assert.equal(await server.stop(), 0, server.log());
  server = await startServer({ dataDir, port });
  assert.equal(server.base, `http://127.0.0.1:${port}`);
  const again = await login(server.base, "ctv.thon.mot", "mat-khau-cua-ctv");
  const me = await api(server.base, "/auth/me", { token: again.token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.unit, hamlet.unit);
  const stale = await api(server.base, "/auth/me", { token: "not-a-token" });
  assert.equal(stale.status, 401);
});
