//! The keyspaces copied as they are by a backup: everything not derived from the log
//! (accounts, sessions, invitations, evidence files, units registered by hand, plans
//! entered for units, report narratives, submitted reports, hamlet assignments,
//! districts' communes, who sent each operation and the refused ones, each province's
//! report recipients and recognising authorities, each province's published criteria
//! sets, campaigns). Each module that owns one of them says what its keys and values
//! are; here they are only bytes. Everything else is derived from the log and rebuilt
//! by a restore's replay.

use super::{accounts, authorities, campaigns, criteria, evidence, for_each, history, reports, units};
use super::{Store, StoreError, Write};

/// Keyspaces copied as they are, in the order a backup writes them.
pub const KEYSPACES: [&str; 26] = [
    accounts::ACCOUNTS,
    accounts::USERNAMES,
    accounts::SESSIONS,
    accounts::ACCOUNT_SESSIONS,
    accounts::INVITATIONS,
    accounts::INVITATION_CLAIMS,
    accounts::UNIT_INVITATIONS,
    accounts::INVITATION_TOKENS,
    units::UNITS,
    evidence::EVIDENCE,
    evidence::EVIDENCE_META,
    evidence::EVIDENCE_UPLOADS,
    reports::UNIT_PLANS,
    reports::NARRATIVES,
    reports::SUBMISSIONS,
    reports::ASSIGNMENTS,
    units::DISTRICT_OF,
    history::OP_ORIGINS,
    history::REFUSALS,
    authorities::PROVINCE_AUTHORITIES,
    criteria::PROVINCE_CRITERIA,
    campaigns::CAMPAIGNS,
    campaigns::CAMPAIGN_ANSWERS,
    campaigns::CAMPAIGN_RECEIPTS,
    campaigns::CAMPAIGN_COUNTS,
    campaigns::CAMPAIGN_PHOTOS,
];

/// Keyspaces older builds backed up and this one derives or no longer keeps
/// (`evidence_units`: who could read a file is now decided by the records it is
/// attached to, rebuilt by the replay).
const RETIRED: [&str; 1] = ["evidence_units"];

/// Calls `visit` with every plain entry — keyspace, key, value — keyspace by keyspace
/// in the order of [`KEYSPACES`], each in key order, reading in pages.
pub fn for_each_entry<E: From<StoreError>>(
    store: &dyn Store,
    mut visit: impl FnMut(&'static str, &[u8], &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    for keyspace in KEYSPACES {
        for_each(store, keyspace, b"", |key, value| visit(keyspace, key, value))?;
    }
    Ok(())
}

/// Whether `keyspace` is one older builds backed up and this one leaves out.
pub fn is_retired(keyspace: &str) -> bool {
    RETIRED.contains(&keyspace)
}

/// The write that puts a backed-up entry back; `None` when `keyspace` is not one of
/// [`KEYSPACES`].
pub fn put_entry(keyspace: &str, key: Vec<u8>, value: Vec<u8>) -> Option<Write> {
    let keyspace = KEYSPACES.iter().find(|known| **known == keyspace)?;
    Some(Write::Put { keyspace, key, value })
}
