//! Consolidated figures without rereading every record: the records are kept in parts
//! (one per hamlet; records kept at a commune, such as clans, agencies and the hamlet
//! records, in the commune's part; the unit itself above any commune), each part's own
//! figures for a year ([`hoctap_shared::consolidation::Part`]) are counted once and
//! kept, and a unit's figures are the sum of the parts below it, rolled up. A push
//! bumps the version of the parts it touches, so after one new operation only that
//! hamlet is counted again.
//!
//! What is stored (the index of records by part, each part's version, the figures kept
//! per part and year) is [`crate::store::parts`]'s; the records are read through
//! [`crate::store::log`], never through the sync module.
//!
//! People refer to clans, agencies and hamlet records kept in the commune's part: the
//! titles recognised there are passed to the hamlets' parts as outside titles, and a
//! part counted with other outside titles than the current ones is counted again. The
//! sum of parts equals counting all their records at once as long as no part's people
//! refer to a household, or its evaluations count a subject, held by another part in
//! the same scope, and no two parts count evaluations of one subject held by neither
//! (a subject counts once per set and year); each part lists those records, and when
//! one is found in scope the scope is counted from its records directly (exact, only
//! slower).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use hoctap_shared::consolidation::{self, Consolidation, Part, RecognisedSubject};
use hoctap_shared::criteria::Model;
use hoctap_shared::indicators::Settings;
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{RecordId, RecordKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hierarchy::part_of;
use crate::store::{log, parts as stored, StoreError};
use crate::{AppState, Catalog};

/// Indexes the records of a data directory written before parts existed (once; a
/// store whose every record came through this build's push is already indexed).
pub fn ensure_index(state: &AppState) -> Result<usize, StoreError> {
    if stored::indexed(state.store.as_ref())? {
        return Ok(0);
    }
    let last = log::last_seq(state.store.as_ref())?;
    let mut parts: BTreeMap<String, String> = BTreeMap::new();
    let mut writes = Vec::new();
    let mut versions = BTreeMap::new();
    let mut records = 0;
    log::for_each_view(state.store.as_ref(), |record, view| {
        let part = match parts.get(&view.unit) {
            Some(part) => part.clone(),
            None => {
                let part = part_of(state, &view.unit)?;
                parts.insert(view.unit.clone(), part.clone());
                part
            }
        };
        writes.push(stored::put_record(&part, record));
        versions.insert(part, last);
        records += 1;
        if writes.len() >= 10_000 {
            state.store.apply(&std::mem::take(&mut writes))?;
        }
        Ok(())
    })?;
    writes.extend(stored::index_writes(&BTreeSet::new(), &versions));
    writes.push(stored::put_indexed());
    state.store.apply(&writes)?;
    state.store.flush()?;
    Ok(records)
}

/// A fingerprint of the rules figures are counted with (criteria sets and ratio
/// definitions): figures counted under other rules are counted again.
pub fn rules_fingerprint(catalog: &Catalog) -> String {
    let mut hash = Sha256::new();
    hash.update(consolidation::COUNTING_RULES.to_le_bytes());
    hash.update(serde_json::to_vec(&catalog.definitions).unwrap_or_default());
    for set in &catalog.criteria {
        hash.update(serde_json::to_vec(set).unwrap_or_default());
    }
    crate::hex::to_hex(&hash.finalize()[..16])
}

/// A part's figures as kept, without their recognised list (kept apart, with the same
/// version and rules).
#[derive(Debug, Serialize, Deserialize)]
struct Kept<T> {
    version: u64,
    rules: String,
    part: T,
}

impl<T> Kept<T> {
    fn holds(&self, version: u64, rules: &str) -> bool {
        self.version == version && self.rules == rules
    }
}

/// The parts' figures counted so far, without their lists of recognised subjects (a
/// province's would be millions of names): shared by every request.
#[derive(Debug, Default)]
pub struct Cache {
    parts: Mutex<BTreeMap<PartYear, (u64, Arc<Part>)>>,
    /// Whether a unit covers a part, and each unit's parent (forgotten when the
    /// hierarchy changes: a district registered, a hamlet registered through sync).
    covers: Mutex<BTreeMap<(String, String), bool>>,
    parents: Mutex<BTreeMap<String, Option<String>>>,
    /// The records of the parts counted last, decoded.
    recent: Mutex<Recent>,
    /// Parts counted from their records since the start.
    counted: AtomicU64,
    /// When the last push came that the background count has not seen ([`spawn_counter`]).
    pushed: Mutex<Option<Instant>>,
    wake: Condvar,
    /// The parts being counted from their records at this moment, by year: a second
    /// caller (a request beside the background count) waits for the first's result
    /// instead of counting the same part again.
    counting: Mutex<BTreeSet<PartYear>>,
    counted_one: Condvar,
}

/// A part and year being counted by this thread ([`Cache::claim`]); released on drop.
struct Claim<'a> {
    cache: &'a Cache,
    key: PartYear,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut counting = self.cache.counting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        counting.remove(&self.key);
        self.cache.counted_one.notify_all();
    }
}

/// The decoded views of the [`RECENT_PARTS`] parts counted last, each at the version
/// it was read at, sorted by record: after a few new operations a part is counted
/// again from these and the records of those operations, reread, instead of from all
/// of its records. (Reading and decoding a hamlet's 1,500 records is most of the time
/// its count takes.)
#[derive(Debug, Default)]
struct Recent {
    parts: BTreeMap<String, RecentPart>,
    /// Increases with every use, for dropping the least recently used part.
    clock: u64,
    /// Parts whose records changed through operations outside their scope (a record
    /// that moved between hamlets), with the version from which they are read whole.
    reread_from: BTreeMap<String, u64>,
}

#[derive(Debug)]
struct RecentPart {
    version: u64,
    used: u64,
    views: Vec<RecordView>,
}

/// How many parts' records [`Recent`] keeps (a hamlet's take a few megabytes).
const RECENT_PARTS: usize = 16;
/// Beyond this many new operations in a part, all of its records are read again.
const MAX_REREAD_OPS: usize = 2_000;

/// A part and a year.
type PartYear = (String, i32);

impl Cache {
    /// How many parts were counted from their records since the start.
    pub fn counted(&self) -> u64 {
        self.counted.load(Ordering::Relaxed)
    }

    /// A push changed parts: the background count ([`spawn_counter`]) runs once pushes
    /// pause.
    pub fn pushed(&self) {
        if let Ok(mut pushed) = self.pushed.lock() {
            *pushed = Some(Instant::now());
            self.wake.notify_one();
        }
    }

    /// Forgets which unit covers which part, and the units' parents, after the
    /// hierarchy changed.
    pub fn forget_hierarchy(&self) {
        if let Ok(mut covers) = self.covers.lock() {
            covers.clear();
        }
        if let Ok(mut parents) = self.parents.lock() {
            parents.clear();
        }
        if let Ok(mut recent) = self.recent.lock() {
            recent.parts.clear();
        }
    }

    /// A unit's parent ([`AppState::parent_of`]), remembered; `None` also when it
    /// could not be read (not remembered then).
    pub fn parent_of(&self, state: &AppState, unit: &str) -> Option<String> {
        if let Some(known) = self.parents.lock().ok()?.get(unit) {
            return known.clone();
        }
        let parent = state.parent_of(unit).ok()?;
        self.parents.lock().ok()?.insert(unit.to_string(), parent.clone());
        parent
    }

    /// Waits while another thread counts `part` for `year`, then marks it as counted
    /// by this one until the claim is dropped.
    fn claim(&self, part: &str, year: i32) -> Claim<'_> {
        let key = (part.to_string(), year);
        let mut counting = self.counting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while counting.contains(&key) {
            counting = self.counted_one.wait(counting).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        counting.insert(key.clone());
        Claim { cache: self, key }
    }

    /// A part's records changed at `version` in a way its operations do not show: its
    /// records held from before are not used again.
    pub fn reread(&self, part: &str, version: u64) {
        if let Ok(mut recent) = self.recent.lock() {
            recent.parts.remove(part);
            let from = recent.reread_from.entry(part.to_string()).or_default();
            *from = (*from).max(version);
        }
    }

    /// The part's records held from an earlier count, if they can be brought up to date
    /// from its operations since.
    fn take_recent(&self, part: &str) -> Option<RecentPart> {
        let mut recent = self.recent.lock().ok()?;
        let held = recent.parts.remove(part)?;
        let from = recent.reread_from.get(part).copied().unwrap_or(0);
        (held.version >= from).then_some(held)
    }

    fn keep_recent(&self, part: &str, version: u64, views: Vec<RecordView>) {
        let Ok(mut recent) = self.recent.lock() else { return };
        recent.clock += 1;
        let used = recent.clock;
        recent.parts.insert(part.to_string(), RecentPart { version, used, views });
        while recent.parts.len() > RECENT_PARTS {
            let oldest = recent.parts.iter().min_by_key(|(_, p)| p.used).map(|(k, _)| k.clone());
            match oldest {
                Some(oldest) => recent.parts.remove(&oldest),
                None => break,
            };
        }
    }

    fn covers(&self, state: &AppState, unit: &str, part: &str) -> Result<bool, StoreError> {
        let key = (unit.to_string(), part.to_string());
        if let Some(known) = self.covers.lock().map_err(|_| StoreError::Poisoned)?.get(&key) {
            return Ok(*known);
        }
        let covers = state.unit_covers(unit, part)?;
        self.covers.lock().map_err(|_| StoreError::Poisoned)?.insert(key, covers);
        Ok(covers)
    }

    fn get(&self, part: &str, year: i32, version: u64) -> Option<Arc<Part>> {
        let parts = self.parts.lock().ok()?;
        parts.get(&(part.to_string(), year)).filter(|(v, _)| *v == version).map(|(_, p)| p.clone())
    }

    /// Keeps `figures` without their recognised list, and returns what was kept.
    fn put(&self, part: &str, year: i32, version: u64, figures: &Part) -> Arc<Part> {
        let light = Arc::new(Part { recognised: Vec::new(), ..figures.clone() });
        if let Ok(mut parts) = self.parts.lock() {
            parts.insert((part.to_string(), year), (version, light.clone()));
        }
        light
    }
}

/// Every part and its version.
pub fn parts(state: &AppState) -> Result<BTreeMap<String, u64>, StoreError> {
    stored::versions(state.store.as_ref())
}

/// The stored views of a part's records (those still in it: a record whose unit moved
/// is counted in its new part).
pub fn part_views(state: &AppState, part: &str) -> Result<Vec<RecordView>, StoreError> {
    let mut views = Vec::new();
    let mut in_part: BTreeMap<String, bool> = BTreeMap::new();
    stored::for_each_record(state.store.as_ref(), part, |record| {
        let Some(view) = log::view_named(state.store.as_ref(), record)? else { return Ok(()) };
        let inside = match in_part.get(&view.unit) {
            Some(inside) => *inside,
            None => {
                let inside = part_of(state, &view.unit)? == part;
                in_part.insert(view.unit.clone(), inside);
                inside
            }
        };
        if inside {
            views.push(view);
        }
        Ok(())
    })?;
    views.sort_by(|a, b| a.record.cmp(&b.record));
    Ok(views)
}

/// The views of a part's records at `version` (or later), sorted by record: from the
/// recently counted parts when only a few operations came since, else all read.
fn views_at(state: &AppState, part: &str, version: u64) -> Result<Vec<RecordView>, StoreError> {
    let Some(recent) = state.figures.take_recent(part) else { return part_views(state, part) };
    if recent.version >= version {
        return Ok(recent.views);
    }
    let Some(changed) = log::records_since(state.store.as_ref(), part, recent.version, MAX_REREAD_OPS)? else {
        return part_views(state, part);
    };
    let mut views = recent.views;
    for record in changed {
        let found = views.binary_search_by(|v| v.record.cmp(&record));
        let view = match log::view(state.store.as_ref(), &record)? {
            Some(view) if part_of(state, &view.unit)? == part => Some(view),
            _ => None,
        };
        match (found, view) {
            (Ok(i), Some(view)) => views[i] = view,
            (Ok(i), None) => {
                views.remove(i);
            }
            (Err(i), Some(view)) => views.insert(i, view),
            (Err(_), None) => {}
        }
    }
    Ok(views)
}

/// The outside titles a part counted with `outside_references` would see in `titles`.
fn seen(titles: &Titles, outside_references: &BTreeSet<RecordId>) -> Titles {
    let mut seen = Titles::new();
    for record in outside_references {
        for model in Model::ALL {
            let title = (record.clone(), model);
            if titles.contains(&title) {
                seen.insert(title);
            }
        }
    }
    seen
}

/// Titles of records, by model.
type Titles = BTreeSet<(RecordId, Model)>;

/// A part's figures for `year` at `version` with the outside `titles`: from memory,
/// else as kept, else counted (and kept). With `recognised`, the list of recognised
/// subjects is included.
pub fn part_figures(
    state: &AppState,
    part: &str,
    (year, version): (i32, u64),
    recognised: bool,
    titles: &Titles,
) -> Result<Arc<Part>, StoreError> {
    let current = |p: &Part| p.outside_titles_seen == seen(titles, &p.outside_references);
    let in_memory = || state.figures.get(part, year, version).filter(|p| current(p));
    if !recognised {
        if let Some(found) = in_memory() {
            return Ok(found);
        }
    }
    // One thread reads or counts a part at a time; another that waited finds its result.
    let _claim = state.figures.claim(part, year);
    if !recognised {
        if let Some(found) = in_memory() {
            return Ok(found);
        }
    }
    let rules: &str = &state.rules;
    // A cache: what cannot be read is counted again.
    if let Some(kept) = stored::kept_counts::<Kept<Part>>(state.store.as_ref(), part, year)? {
        if kept.holds(version, rules) && current(&kept.part) {
            let light = state.figures.put(part, year, version, &kept.part);
            if !recognised {
                return Ok(light);
            }
            let names = stored::kept_names::<Kept<Vec<RecognisedSubject>>>(state.store.as_ref(), part, year)?
                .filter(|names| names.holds(version, rules));
            if let Some(names) = names {
                return Ok(Arc::new(Part { recognised: names.part, ..kept.part }));
            }
        }
    }
    let views = views_at(state, part, version)?;
    state.figures.counted.fetch_add(1, Ordering::Relaxed);
    let mut counted = consolidation::part(
        &views,
        year,
        &state.criteria()?,
        &state.catalog.definitions,
        &Settings::default(),
        &|u: &str| state.figures.parent_of(state, u),
        titles,
    );
    // A subject recognised here that has since moved to another part (a person moved,
    // a hamlet merged) is named from its stored record, as the list showed it before.
    for subject in counted.recognised.iter_mut().filter(|s| s.name.is_none()) {
        let Some(view) = log::view(state.store.as_ref(), &subject.subject)? else { continue };
        let household = match consolidation::household_of(&view) {
            Some(household) => log::view(state.store.as_ref(), &household)?,
            None => None,
        };
        (subject.name, subject.birth_year, subject.household) =
            consolidation::subject_details(&view, household.as_ref());
    }
    state.figures.keep_recent(part, version, views);
    let light = state.figures.put(part, year, version, &counted);
    let counts = Kept { version, rules: rules.to_string(), part: &*light };
    let names = Kept { version, rules: rules.to_string(), part: &counted.recognised };
    state.store.apply(&stored::put_kept(part, year, &counts, &names))?;
    // Only the light copy stays in memory unless the names were asked for: a province
    // holds thousands of parts.
    Ok(if recognised { Arc::new(counted) } else { light })
}

/// The parts whose records count under `unit`: those it covers (an old commune is
/// covered by the communes it went into), and, for a unit inside a commune, that
/// commune's.
pub fn parts_under(state: &AppState, unit: &str) -> Result<BTreeMap<String, u64>, StoreError> {
    let all = parts(state)?;
    let own = part_of(state, unit)?;
    let mut under = BTreeMap::new();
    for (part, version) in all {
        if part == own || state.figures.covers(state, unit, &part)? {
            under.insert(part, version);
        }
    }
    Ok(under)
}

/// The consolidated figures of `unit` for `year`, counted from the parts under it. The
/// list of recognised subjects is filled for a commune or a unit inside one (and left
/// empty above: the counts per model remain).
pub fn consolidation(state: &AppState, unit: &str, year: i32, recognised: bool) -> Result<Consolidation, StoreError> {
    consolidation_of(state, unit, &parts_under(state, unit)?, year, recognised)
}

/// The figures of `unit` for `year` from the parts `under` it (a choice among
/// [`parts_under`]'s), as [`consolidation`].
pub fn consolidation_of(
    state: &AppState,
    unit: &str,
    under: &BTreeMap<String, u64>,
    year: i32,
    recognised: bool,
) -> Result<Consolidation, StoreError> {
    // The parts kept at communes first: they hold the clans, agencies and hamlet
    // records whose titles the hamlets' people count. Then again until the titles
    // settle (a title recognised in a hamlet's part reaches the others).
    let (hamlets, others): (Vec<PartVersion>, Vec<PartVersion>) =
        under.iter().partition(|(part, _)| part.starts_with("hamlet:"));
    let mut titles = Titles::new();
    let mut counted = Vec::with_capacity(under.len());
    for _ in 0..4 {
        counted.clear();
        for group in [&others, &hamlets] {
            let figures = count_parts(state, group, year, recognised, &titles)?;
            for part in &figures {
                titles.extend(part.shared_titles.iter().cloned());
            }
            counted.extend(figures);
        }
        // Settled once every part was counted with the titles it refers to among all
        // that the parts confer; else those parts are counted again (the others come
        // from memory).
        let found: Titles = counted.iter().flat_map(|part| part.shared_titles.iter().cloned()).collect();
        let settled = counted.iter().all(|part| part.outside_titles_seen == seen(&found, &part.outside_references));
        titles = found;
        if settled {
            break;
        }
    }
    let parent_of = |u: &str| state.figures.parent_of(state, u);
    let mut result = if crosses_parts(state, under, &counted)? {
        let mut views = Vec::new();
        for part in under.keys() {
            views.extend(part_views(state, part)?);
        }
        consolidation::consolidate(
            &views,
            year,
            &state.criteria()?,
            &state.catalog.definitions,
            &Settings::default(),
            &parent_of,
        )
    } else {
        let mut sum = Part { year, ..Part::default() };
        for part in &counted {
            sum.add_counts(part);
        }
        consolidation::combine(sum, &state.catalog.definitions, &parent_of)
    };
    if recognised {
        let mut covered: BTreeMap<String, bool> = BTreeMap::new();
        let mut keep = Vec::with_capacity(result.recognised.len());
        for subject in std::mem::take(&mut result.recognised) {
            let inside = match covered.get(&subject.unit) {
                Some(inside) => *inside,
                None => {
                    let inside = state.unit_covers(unit, &subject.unit)?;
                    covered.insert(subject.unit.clone(), inside);
                    inside
                }
            };
            if inside {
                keep.push(subject);
            }
        }
        result.recognised = keep;
    } else {
        result.recognised.clear();
    }
    Ok(result)
}

/// Counts, ahead of any request, every part whose figures for `years` are stale (each
/// top unit's figures, as a request would), so that the first request after a run of
/// pushes, or after a restart, finds them counted. Returns how many parts were counted
/// from their records.
pub fn count_ahead(state: &AppState, years: &[i32]) -> Result<u64, StoreError> {
    let before = state.figures.counted();
    let mut tops = BTreeSet::new();
    for part in parts(state)?.keys() {
        let chain = crate::hierarchy::chain(part, |u| Ok::<_, StoreError>(state.figures.parent_of(state, u)))?;
        tops.extend(chain.last().cloned());
    }
    for top in &tops {
        for year in years {
            consolidation(state, top, *year, false)?;
        }
    }
    Ok(state.figures.counted() - before)
}

/// Starts the background count: [`count_ahead`] for this year and the last, at the start
/// and whenever pushes have paused for `quiet` after changing something, on a thread of
/// its own (a province's first count from its records takes minutes; a request then
/// finds it done).
pub fn spawn_counter(state: AppState, quiet: Duration) -> std::io::Result<std::thread::JoinHandle<()>> {
    state.figures.pushed();
    std::thread::Builder::new().name("hoctap-figures".into()).spawn(move || loop {
        let cache = state.figures.clone();
        let Ok(mut pushed) = cache.pushed.lock() else { return };
        // Wait for a push, then until none came for `quiet`.
        loop {
            match *pushed {
                None => match cache.wake.wait(pushed) {
                    Ok(guard) => pushed = guard,
                    Err(_) => return,
                },
                Some(at) if at.elapsed() < quiet => {
                    match cache.wake.wait_timeout(pushed, quiet.saturating_sub(at.elapsed())) {
                        Ok((guard, _)) => pushed = guard,
                        Err(_) => return,
                    }
                }
                Some(_) => break,
            }
        }
        *pushed = None;
        drop(pushed);
        let year = hoctap_shared::date::Date::in_vietnam(state.clock.now_ms()).year();
        let started = Instant::now();
        match count_ahead(&state, &[year - 1, year]) {
            Ok(0) => {}
            Ok(counted) => {
                tracing::info!(parts = counted, took_ms = started.elapsed().as_millis() as u64, "figures counted ahead")
            }
            Err(error) => tracing::warn!(%error, "counting figures ahead failed; requests count them instead"),
        }
    })
}

/// A part and its version.
type PartVersion<'a> = (&'a String, &'a u64);

/// The figures of `parts` (in their order) with the same outside `titles`, counted on
/// every core: each part's count is independent of the others'.
fn count_parts(
    state: &AppState,
    parts: &[PartVersion],
    year: i32,
    recognised: bool,
    titles: &Titles,
) -> Result<Vec<Arc<Part>>, StoreError> {
    let count = |(part, version): &PartVersion| part_figures(state, part, (year, **version), recognised, titles);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(parts.len());
    if workers <= 1 {
        return parts.iter().map(count).collect();
    }
    let counted: Vec<Result<Vec<Arc<Part>>, StoreError>> = std::thread::scope(|scope| {
        let count = &count;
        let handles: Vec<_> = (0..workers)
            .map(|worker| scope.spawn(move || parts.iter().skip(worker).step_by(workers).map(count).collect()))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    // Worker w counted parts w, w + workers, …: put them back in order.
    let mut by_worker: Vec<std::vec::IntoIter<Arc<Part>>> =
        counted.into_iter().map(|r| r.map(Vec::into_iter)).collect::<Result<_, _>>()?;
    Ok((0..parts.len()).filter_map(|i| by_worker[i % workers].next()).collect())
}

/// Whether a part's people refer to a household, or its evaluations count a subject,
/// held by another part in scope, or two parts count evaluations of one subject they
/// both do not hold (the sum of the parts would then differ from counting their
/// records together: a title, or a subject evaluated twice for one set and year).
/// Clans, agencies and hamlet records are not such references: their titles reach
/// other parts as outside titles.
fn crosses_parts(state: &AppState, under: &BTreeMap<String, u64>, counted: &[Arc<Part>]) -> Result<bool, StoreError> {
    let mut evaluated: BTreeSet<&RecordId> = BTreeSet::new();
    for part in counted {
        for subject in &part.outside_subjects {
            if !evaluated.insert(subject) {
                return Ok(true);
            }
        }
    }
    let mut checked: BTreeSet<&RecordId> = BTreeSet::new();
    for part in counted {
        let references = part
            .outside_references
            .iter()
            .filter(|r| !matches!(r.kind, RecordKind::Clan | RecordKind::Unit | RecordKind::Hamlet));
        for record in references.chain(&part.outside_subjects) {
            if !checked.insert(record) {
                continue;
            }
            let Some(view) = log::view(state.store.as_ref(), record)? else { continue };
            if under.contains_key(&part_of(state, &view.unit)?) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}
