// Self-assessment campaigns (issue 18) for the e2e tests: a commune officer opens one on
// a hamlet through the API, and the citizen's page is opened from its link.

import { COMMUNE, acceptInvitation, apiOk, createHamlet, invite } from "./lib.mjs";

/** The Learning Citizen set campaigns use in these tests (it has subject groups). */
export const CAMPAIGN_SET = "cdht-324-2023";

/** Today in Vietnam as YYYY-MM-DD, plus `days`. */
export function vietnamDay(days = 0) {
  const ms = Date.now() + 7 * 3600 * 1000 + days * 86400 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * With a server and its province administrator (`serverWithAdmin`): a hamlet of
 * COMMUNE, a commune officer, and a campaign the officer opened on the hamlet for this
 * year. Resolves to `{ campaign, officer, hamlet, link }` (`link`: `<base>/c/<id>`).
 */
export async function openCampaign(server, admin, { hamletName = "Đông Hạ", maxAnswers = 100 } = {}) {
  const hamlet = await createHamlet(server.base, admin.token, COMMUNE, hamletName);
  const invitation = await invite(server.base, admin.token, {
    role: "commune_officer",
    unit: COMMUNE,
    display_name: "Trần Văn Xã",
  });
  const officer = await acceptInvitation(server.base, invitation.token, `can.bo.${Date.now()}`, "mat-khau-dai-du");
  const year = Number(vietnamDay().slice(0, 4));
  const campaign = await apiOk(
    server.base,
    `/units/${encodeURIComponent(hamlet.unit)}/campaigns`,
    { token: officer.token, body: { year, set: CAMPAIGN_SET, valid_until: vietnamDay(30), max_answers: maxAnswers } },
    201,
  );
  return { campaign, officer, hamlet, link: `${server.base}/c/${campaign.id}` };
}

/** Resolves once the citizen's page shows its form (the name field). */
export async function waitForCitizenForm(page, { timeout = 30_000 } = {}) {
  await page.locator("#name").waitFor({ timeout });
}
