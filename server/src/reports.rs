//! Annual reports on the server: the plan that applies to a unit, the narrative the
//! officer writes, the report computed from the stored views, frozen submissions, and the
//! re-aggregation of records kept under the units before 1 July 2025.
//!
//! What is kept (plans entered per unit, narratives, frozen submissions, assignments of
//! old units to new communes) is stored by [`crate::store::reports`].
//!
//! A report for a unit of today counts the records of its predecessors through
//! [`Lineage`]; a report for an old unit (`…:old`) counts them as they were recorded.

use std::collections::{BTreeMap, BTreeSet};

use hoctap_shared::annual::{self, AnnualReport, Narrative, ReportInput, SelfAssessmentCounts, SourceNote, Submission};
use hoctap_shared::authorities::{AuthoritiesView, Places};
use hoctap_shared::consolidation::{consolidate, Consolidation, UnitFigures};
use hoctap_shared::date::Date;
use hoctap_shared::indicators::Settings;
use hoctap_shared::merge::RecordView;
use hoctap_shared::plans::{self, Plan, PlanKind};
use hoctap_shared::report::{
    DeadlineView, HamletAssignment, LineageView, NamedUnit, PlanTargetRow, PredecessorView, UnitPlanView,
};
use hoctap_shared::units::{Lineage, MergeKind, OrgUnit, UnitKind};

use crate::store::{reports as stored, StoreError};
use crate::{ApiError, AppState};

/// A unit, or 404.
pub fn known_unit(state: &AppState, id: &str) -> Result<OrgUnit, ApiError> {
    state.unit(id)?.ok_or_else(|| ApiError::NotFound { what: format!("đơn vị {id}") })
}

/// Every explicit assignment of an old unit to a new commune.
pub fn assignments(state: &AppState) -> Result<BTreeMap<String, String>, StoreError> {
    stored::assignments(state.store.as_ref())
}

/// Records that `old` (a hamlet of an old commune, or the old commune itself for the
/// records kept directly under it) counts under the new commune `to`, durably.
pub fn assign(state: &AppState, old: &str, to: &str) -> Result<(), StoreError> {
    stored::assign(state.store.as_ref(), old, to)
}

/// Units registered at run time (hamlets) by parent, each list sorted by name: one scan
/// of them, for callers that look at several parents.
pub fn stored_children_by_parent(state: &AppState) -> Result<BTreeMap<String, Vec<OrgUnit>>, StoreError> {
    let mut out: BTreeMap<String, Vec<OrgUnit>> = BTreeMap::new();
    crate::store::units::for_each(state.store.as_ref(), "", |unit| {
        if let Some(parent) = unit.parent.clone() {
            out.entry(parent).or_default().push(unit);
        }
        Ok(())
    })?;
    for children in out.values_mut() {
        children.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    }
    Ok(out)
}

/// What the lineage of units is drawn from, read once however many units are drawn:
/// the assignments and the units registered at run time (one scan of each), and the
/// units of today each old unit named went into (one pass over the catalogue). A
/// province's lineage screen draws over a hundred communes from one of these.
#[derive(Debug)]
pub struct LineageSources<'s> {
    state: &'s AppState,
    assigned: BTreeMap<String, String>,
    stored_children: BTreeMap<String, Vec<OrgUnit>>,
    /// Old unit → the units it went into, with how, in the catalogue's order.
    successors: BTreeMap<&'s str, Vec<(&'s OrgUnit, MergeKind)>>,
}

impl<'s> LineageSources<'s> {
    /// Reads what the lineage of `units` needs.
    pub fn read(state: &'s AppState, units: &[&OrgUnit]) -> Result<LineageSources<'s>, StoreError> {
        let wanted: BTreeSet<&str> =
            units.iter().flat_map(|u| u.predecessors.iter().map(|p| p.unit.as_str())).collect();
        let mut successors: BTreeMap<&'s str, Vec<(&'s OrgUnit, MergeKind)>> = BTreeMap::new();
        for unit in state.catalog.units.units.values() {
            for predecessor in unit.predecessors.iter().filter(|p| wanted.contains(p.unit.as_str())) {
                successors.entry(predecessor.unit.as_str()).or_default().push((unit, predecessor.kind));
            }
        }
        Ok(LineageSources {
            state,
            assigned: assignments(state)?,
            stored_children: stored_children_by_parent(state)?,
            successors,
        })
    }

    /// The units registered at run time by parent, as [`stored_children_by_parent`].
    pub fn stored_children(&self) -> &BTreeMap<String, Vec<OrgUnit>> {
        &self.stored_children
    }

    /// How `unit` came out of the units before the reform: each predecessor with the
    /// units it was split between and its hamlets with where each counts (all of them
    /// in the unit when it was merged whole, else as assigned).
    pub fn view(&self, unit: &OrgUnit) -> LineageView {
        let predecessors = unit
            .predecessors
            .iter()
            .map(|predecessor| {
                let went_into = self.successors.get(predecessor.unit.as_str()).map_or(&[][..], Vec::as_slice);
                // As `Lineage::whole_successor`: one unit of today, taking it whole.
                let whole = matches!(went_into, [(_, MergeKind::Full)]);
                let successors =
                    went_into.iter().map(|(u, _)| NamedUnit { unit: u.id.clone(), name: u.full_name() }).collect();
                let hamlets = self
                    .stored_children
                    .get(&predecessor.unit)
                    .into_iter()
                    .flatten()
                    // A district registered under an old province is no hamlet of it.
                    .filter(|h| h.kind == UnitKind::Hamlet)
                    .map(|h| HamletAssignment {
                        assigned_to: if whole { Some(unit.id.clone()) } else { self.assigned.get(&h.id).cloned() },
                        unit: h.id.clone(),
                        name: h.full_name(),
                        whole,
                    })
                    .collect();
                PredecessorView {
                    unit: predecessor.unit.clone(),
                    name: name_of(self.state, &predecessor.unit),
                    kind: predecessor.kind,
                    successors,
                    hamlets,
                }
            })
            .collect();
        LineageView { unit: unit.id.clone(), name: unit.full_name(), predecessors }
    }
}

/// Units registered at run time (hamlets) whose parent is `parent`, sorted by name.
pub fn stored_children(state: &AppState, parent: &str) -> Result<Vec<OrgUnit>, StoreError> {
    Ok(stored_children_by_parent(state)?.remove(parent).unwrap_or_default())
}

/// The units directly below `unit` as counted: the catalogue's (an old commune
/// registered in a district lies under the district, not the province), the ones
/// registered at run time (hamlets, districts), and a district's communes.
pub fn children(state: &AppState, unit: &str) -> Result<Vec<OrgUnit>, StoreError> {
    let mut out = Vec::new();
    for child in state.catalog.units.children(unit) {
        if state.parent_of(&child.id)?.as_deref() == Some(unit) {
            out.push(child.clone());
        }
    }
    out.extend(stored_children(state, unit)?);
    for commune in crate::districts::members(state, unit)? {
        out.extend(state.unit(&commune)?);
    }
    Ok(out)
}

/// A unit's name as documents write it (`Xã Cửu An`), or its id when unknown.
pub fn name_of(state: &AppState, id: &str) -> String {
    state.unit(id).ok().flatten().map_or_else(|| id.to_string(), |u| u.full_name())
}

/// The plan a unit entered or imported, else a shipped plan bound to it.
pub fn own_plan(state: &AppState, unit: &str) -> Result<Option<Plan>, StoreError> {
    if let Some(plan) = stored::plan(state.store.as_ref(), unit)? {
        return Ok(Some(plan));
    }
    Ok(state.catalog.plans.iter().find(|p| p.unit.id.as_deref() == Some(unit)).cloned())
}

/// Stores a unit's own plan (already validated), bound to the unit.
pub fn save_plan(state: &AppState, unit: &str, mut plan: Plan) -> Result<(), StoreError> {
    plan.unit.id = Some(unit.to_string());
    plan.kind = PlanKind::Local;
    stored::put_plan(state.store.as_ref(), unit, &plan)
}

/// The units whose plans a unit inherits, nearest first: the unit, the units it came
/// from (for a unit of today), then its parent and the parent's predecessors, and so on.
fn plan_units(state: &AppState, unit: &str) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    let mut current = Some(unit.to_string());
    while let Some(id) = current {
        if out.len() > 32 {
            break;
        }
        out.push(id.clone());
        if let Some(known) = state.catalog.units.get(&id) {
            out.extend(known.predecessors.iter().map(|p| p.unit.clone()));
        }
        current = state.parent_of(&id)?;
    }
    Ok(out)
}

/// The plans that apply to `unit`, nearest first, national last.
pub fn plan_chain(state: &AppState, unit: &str) -> Result<Vec<Plan>, StoreError> {
    let mut plans = Vec::new();
    for id in plan_units(state, unit)? {
        if let Some(plan) = own_plan(state, &id)? {
            if !plans.iter().any(|p: &Plan| p.id == plan.id) {
                plans.push(plan);
            }
        }
    }
    plans.extend(state.catalog.plans.iter().filter(|p| p.kind == PlanKind::National).cloned());
    Ok(plans)
}

/// A unit's annual deadline: its own plan's (or a predecessor's), else its level's.
///
/// A unit of today sends its report to the recipients its province set for its level
/// (or their defaults): a plan made before 1 July 2025 keeps its day but not its
/// recipient, which may be a district body. A plan made since keeps its recipient
/// unless it names a district body. A unit before the reform keeps its plan's.
pub fn deadline(state: &AppState, unit: &OrgUnit) -> Result<DeadlineView, StoreError> {
    let mut candidates = vec![unit.id.clone()];
    candidates.extend(unit.predecessors.iter().map(|p| p.unit.clone()));
    let mut found = None;
    let mut after_reform = false;
    for id in candidates {
        if let Some(plan) = own_plan(state, &id)? {
            if let Some(d) = plan.deadline {
                // `YYYY-MM` or `YYYY-MM-DD`: the month decides, the reform took effect on the 1st.
                after_reform =
                    plan.document.date.as_deref().and_then(|date| date.get(..7)).is_some_and(|m| m >= "2025-07");
                found = Some(DeadlineView { day: d.day, month: d.month, to: d.to, source: "plan".to_string() });
                break;
            }
        }
    }
    let mut view = found.unwrap_or_else(|| {
        let (day, month) = state.config.deadline(unit.kind);
        DeadlineView { day, month, to: None, source: "level".to_string() }
    });
    let plan_names_its_own = after_reform
        && view
            .to
            .as_deref()
            .is_some_and(|to| !to.trim().is_empty() && !hoctap_shared::authorities::names_district_body(to));
    if unit.valid_to.is_none() && !plan_names_its_own {
        let recipients = report_recipients(state, unit)?;
        view.to = (!recipients.is_empty()).then(|| recipients.join("; "));
    }
    Ok(view)
}

/// The province a unit lies in (itself for a province), by its parents; `None` above
/// or outside any province.
pub fn province_of(state: &AppState, unit: &OrgUnit) -> Result<Option<OrgUnit>, StoreError> {
    crate::hierarchy::province_of(state, unit)
}

/// The recipients and authorities as they apply in a province.
pub fn authorities(state: &AppState, province: &OrgUnit) -> Result<AuthoritiesView, StoreError> {
    let stored = crate::store::authorities::get(state.store.as_ref(), &province.id)?;
    Ok(hoctap_shared::authorities::view(&province.id, &province.full_name(), stored.as_ref()))
}

/// The names that fill `{xã}` and `{tỉnh}` for a unit's documents: its commune (itself,
/// or a hamlet's parent) and its province.
pub fn places(state: &AppState, unit: &OrgUnit) -> Result<Places, StoreError> {
    let commune = match unit.kind {
        UnitKind::Commune => Some(unit.clone()),
        UnitKind::Hamlet => match unit.parent.as_deref() {
            Some(parent) => state.unit(parent)?,
            None => None,
        },
        _ => None,
    };
    let province = province_of(state, unit)?;
    Ok(Places {
        commune: commune.map(|c| c.full_name()).unwrap_or_default(),
        province: province.map(|p| p.full_name()).unwrap_or_default(),
    })
}

/// Whom a unit of today's report goes to: its province's recipients for its level.
pub fn report_recipients(state: &AppState, unit: &OrgUnit) -> Result<Vec<String>, StoreError> {
    let Some(province) = province_of(state, unit)? else { return Ok(Vec::new()) };
    let view = authorities(state, &province)?;
    Ok(view.recipients_of(unit.kind, &places(state, unit)?))
}

/// The plan as it applies to a unit.
pub fn plan_view(state: &AppState, unit: &OrgUnit) -> Result<UnitPlanView, StoreError> {
    let own = own_plan(state, &unit.id)?;
    let chain = plan_chain(state, &unit.id)?;
    let mut rows = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for plan in &chain {
        let inherited = own.as_ref().is_none_or(|own| own.id != plan.id);
        for target in &plan.targets {
            // A ratio's target comes from the nearest plan; hand-reported targets of
            // every plan are listed.
            if let Some(indicator) = &target.indicator {
                if !seen.insert(indicator.clone()) {
                    continue;
                }
            } else if inherited && plan.kind == PlanKind::National {
                continue;
            }
            rows.push(PlanTargetRow {
                indicator: target.indicator.clone(),
                text: target.text.clone(),
                target_2025: target.target_2025,
                target_2030: target.target_2030,
                responsible: target.responsible.clone(),
                plan: plan.id.clone(),
                plan_title: plan.title.clone(),
                inherited,
            });
        }
    }
    Ok(UnitPlanView { unit: unit.id.clone(), name: unit.full_name(), own, rows, deadline: deadline(state, unit)? })
}

/// The narrative saved for a unit and year.
pub fn narrative(state: &AppState, unit: &str, year: i32) -> Result<Narrative, StoreError> {
    Ok(stored::narrative(state.store.as_ref(), unit, year)?.unwrap_or_default())
}

pub fn save_narrative(state: &AppState, unit: &str, year: i32, narrative: &Narrative) -> Result<(), StoreError> {
    stored::put_narrative(state.store.as_ref(), unit, year, narrative)
}

/// Every submitted version of a unit's report for a year, oldest first.
pub fn submissions(state: &AppState, unit: &str, year: i32) -> Result<Vec<Submission>, StoreError> {
    stored::submissions(state.store.as_ref(), unit, year)
}

/// Freezes `report` as the next version. Versions are never overwritten: the key is
/// inserted only if new, under the same lock as the log so two submissions cannot take
/// one number.
pub async fn submit(state: &AppState, report: AnnualReport, by: &str) -> Result<Submission, ApiError> {
    let _guard = state.log_lock.lock().await;
    let version = u32::try_from(submissions(state, &report.unit, report.year)?.len()).unwrap_or(u32::MAX) + 1;
    let submission = Submission::new(report, version, state.clock.now_ms(), by);
    stored::put_submission(state.store.as_ref(), &submission)?;
    Ok(submission)
}

/// The records counted for one unit, gathered once for any number of years.
#[derive(Debug)]
pub struct Scope {
    unit: OrgUnit,
    /// The views kept under units before the reform first (`historic` of them), then
    /// the others.
    views: Vec<RecordView>,
    historic: usize,
    /// Each unit's parent as counted (after the lineage, for a unit of today).
    parents: BTreeMap<String, Option<String>>,
    sources: Vec<SourceNote>,
    unassigned: Vec<SourceNote>,
}

impl Scope {
    pub fn unit(&self) -> &OrgUnit {
        &self.unit
    }

    /// The parent `unit` counts under: as gathered, else as recorded.
    fn parent_of(&self, state: &AppState, unit: &str) -> Option<String> {
        match self.parents.get(unit) {
            Some(parent) => parent.clone(),
            None => state.parent_of(unit).ok().flatten(),
        }
    }
}

/// Gathers every stored view that counts under `unit`, from the parts it covers (see
/// [`crate::figures`]); without `with_today`, for the years before the reform only,
/// leaving out the parts of today's units under it.
pub fn gather(state: &AppState, unit: OrgUnit, with_today: bool) -> Result<Scope, ApiError> {
    let current = unit.valid_to.is_none();
    let assigned = assignments(state)?;
    let registry = &state.catalog.units;
    let lineage = Lineage { registry, assignments: &assigned };
    let mut parents: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut parent = |id: &str| -> Result<Option<String>, StoreError> {
        if let Some(known) = parents.get(id) {
            return Ok(known.clone());
        }
        let recorded = state.parent_of(id)?;
        let counted = if current { lineage.parent(id, recorded) } else { recorded };
        parents.insert(id.to_string(), counted.clone());
        Ok(counted)
    };
    // Per recorded unit: whether it counts, and whether it lies under a unit before the reform.
    let mut inside: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut views = Vec::new();
    let mut historic_views = Vec::new();
    let mut old_units: BTreeSet<String> = BTreeSet::new();
    // The candidates: the records of every part the unit covers (through the lineage
    // too); the chain of each record's unit then decides, as counted.
    let mut candidates = Vec::new();
    for part in crate::figures::parts_under(state, &unit.id)?.keys() {
        if !with_today && state.unit_contains(&unit.id, part)? {
            continue;
        }
        candidates.extend(crate::figures::part_views(state, part)?);
    }
    for view in candidates {
        let (counted, historic) = match inside.get(&view.unit) {
            Some(known) => *known,
            None => {
                let chain = crate::hierarchy::chain(&view.unit, &mut parent)?;
                let counted = chain.contains(&unit.id);
                // The old units the records pass through, including the old commune of
                // an assigned hamlet (the assignment skips it in the chain).
                let mut olds: Vec<String> =
                    chain.iter().filter(|u| registry.get(u).is_some_and(|o| o.valid_to.is_some())).cloned().collect();
                for u in &chain {
                    if assigned.contains_key(u) {
                        olds.extend(state.parent_of(u)?);
                    }
                }
                let historic = !olds.is_empty();
                if counted && current {
                    old_units.extend(olds);
                }
                inside.insert(view.unit.clone(), (counted, historic));
                (counted, historic)
            }
        };
        if counted && historic {
            historic_views.push(view);
        } else if counted {
            views.push(view);
        }
    }
    // One scan of the stored hamlets for every old unit below.
    let hamlets_of = stored_children_by_parent(state)?;
    let hamlets_under = |parent: &str| hamlets_of.get(parent).map_or(&[][..], Vec::as_slice);
    let mut sources = Vec::new();
    let mut unassigned = Vec::new();
    for old in &old_units {
        let how = if lineage.whole_successor(old).is_some() {
            "sáp nhập toàn bộ".to_string()
        } else {
            let hamlets: Vec<String> = hamlets_under(old)
                .iter()
                .filter(|h| assigned.get(&h.id).is_some_and(|to| parents_reach(&parents, to, &unit.id)))
                .map(|h| h.full_name())
                .collect();
            format!("một phần: {}", if hamlets.is_empty() { "—".to_string() } else { hamlets.join(", ") })
        };
        sources.push(SourceNote { unit: old.clone(), name: name_of(state, old), how });
    }
    if current && unit.kind == UnitKind::Commune {
        for predecessor in unit.predecessors.iter().filter(|p| p.kind == MergeKind::Partial) {
            for hamlet in hamlets_under(&predecessor.unit) {
                if !assigned.contains_key(&hamlet.id) {
                    unassigned.push(SourceNote {
                        unit: hamlet.id.clone(),
                        name: format!("{} ({})", hamlet.full_name(), name_of(state, &predecessor.unit)),
                        how: "chưa phân về xã mới".to_string(),
                    });
                }
            }
        }
    }
    let historic = historic_views.len();
    historic_views.extend(views);
    Ok(Scope { unit, views: historic_views, historic, parents, sources, unassigned })
}

/// Whether `from` is `target` or lies under it in the counted hierarchy.
fn parents_reach(parents: &BTreeMap<String, Option<String>>, from: &str, target: &str) -> bool {
    from == target || parents.get(from).cloned().flatten().is_some_and(|p| p == target)
}

/// What a unit counts for a year: the one consolidation behind `/consolidation`,
/// `/reports`, the review of several years and the exports ([`counted`]), and the
/// parents its figures were rolled up along.
#[derive(Debug)]
pub struct Counted {
    pub result: Consolidation,
    /// The records gathered along the lineage ([`gather`]), or `None` when the figures
    /// are the sum of the parts kept under the unit as recorded ([`by_parts`]).
    scope: Option<Scope>,
}

impl Counted {
    /// The parent a unit was counted under.
    pub fn parent_of(&self, state: &AppState, unit: &str) -> Option<String> {
        match &self.scope {
            Some(scope) => scope.parent_of(state, unit),
            None => state.figures.parent_of(state, unit),
        }
    }
}

/// Whether `unit`'s figures for `year` are the sum of the figures kept per part
/// ([`crate::figures`]) under it as recorded: a unit of today from 2025 on, whose
/// records are those of today's units under it. The years before the reform, and the
/// old units, are gathered along the lineage ([`gather`]): for a unit of today they
/// count the records kept under the old units it was formed from (the same households
/// and people are registered again under today's hamlets, and counting both would
/// count them twice).
pub fn by_parts(unit: &OrgUnit, year: i32) -> bool {
    unit.valid_to.is_none() && year >= hoctap_shared::units::REFORM_DATE.year()
}

/// What `unit` counts for `year` (see [`by_parts`]); the list of recognised subjects only
/// when `listed`.
pub fn counted(state: &AppState, unit: &OrgUnit, year: i32, listed: bool) -> Result<Counted, ApiError> {
    if by_parts(unit, year) {
        return Ok(Counted { result: counted_by_parts(state, unit, year, listed)?, scope: None });
    }
    let scope = gather(state, unit.clone(), unit.valid_to.is_some())?;
    let mut result = count_gathered(state, &scope, year)?;
    if !listed {
        result.recognised.clear();
    }
    Ok(Counted { result, scope: Some(scope) })
}

/// The unit's report for `year` as the data stand now, with its saved narrative.
pub fn annual_report(state: &AppState, unit: &OrgUnit, year: i32) -> Result<AnnualReport, ApiError> {
    match counted(state, unit, year, true)? {
        Counted { result, scope: Some(scope) } => report_of(state, &scope, year, result),
        Counted { result, scope: None } => report_of_parts(state, unit, year, result),
    }
}

/// The records of `scope` counted for `year`: for a unit of today, those kept under the
/// old units before the reform and those of today's units from 2025 on.
fn count_gathered(state: &AppState, scope: &Scope, year: i32) -> Result<Consolidation, ApiError> {
    let before_reform = year < hoctap_shared::units::REFORM_DATE.year();
    let views = match (scope.unit.valid_to.is_none(), before_reform) {
        (true, true) => &scope.views[..scope.historic],
        (true, false) => &scope.views[scope.historic..],
        (false, _) => &scope.views[..],
    };
    Ok(consolidate(views, year, &state.criteria()?, &state.catalog.definitions, &Settings::default(), &|u: &str| {
        scope.parent_of(state, u)
    }))
}

/// The unit's report for `year` from the records gathered in `scope` (see [`counted`]).
pub fn report(state: &AppState, scope: &Scope, year: i32) -> Result<AnnualReport, ApiError> {
    let result = count_gathered(state, scope, year)?;
    report_of(state, scope, year, result)
}

fn report_of(state: &AppState, scope: &Scope, year: i32, result: Consolidation) -> Result<AnnualReport, ApiError> {
    let before_reform = year < hoctap_shared::units::REFORM_DATE.year();
    let (sources, unassigned) =
        if before_reform { (scope.sources.clone(), scope.unassigned.clone()) } else { (Vec::new(), Vec::new()) };
    build(state, &scope.unit, year, result, &|u: &str| scope.parent_of(state, u), sources, unassigned)
}

/// The figures of a unit of today for a year from 2025 ([`by_parts`]): the sum of the
/// parts under it as recorded (those of today's hamlets and communes), counted once and
/// kept.
fn counted_by_parts(state: &AppState, unit: &OrgUnit, year: i32, listed: bool) -> Result<Consolidation, ApiError> {
    let own = crate::hierarchy::part_of(state, &unit.id)?;
    let mut under = BTreeMap::new();
    for (part, version) in crate::figures::parts_under(state, &unit.id)? {
        if part == own || state.unit_contains(&unit.id, &part)? {
            under.insert(part, version);
        }
    }
    Ok(crate::figures::consolidation_of(state, &unit.id, &under, year, listed)?)
}

/// A unit's report for a year from 2025 ([`by_parts`]). A province's recognised subjects
/// listed are those it decides on (Learning Communes, and its own units'), not every
/// citizen's and family's below (hundreds of thousands of names): their counts per
/// model remain.
pub fn report_by_parts(state: &AppState, unit: &OrgUnit, year: i32) -> Result<AnnualReport, ApiError> {
    let result = counted_by_parts(state, unit, year, true)?;
    report_of_parts(state, unit, year, result)
}

fn report_of_parts(
    state: &AppState,
    unit: &OrgUnit,
    year: i32,
    mut result: Consolidation,
) -> Result<AnnualReport, ApiError> {
    if unit.kind == UnitKind::Province {
        result.recognised.retain(|r| r.model == hoctap_shared::criteria::Model::LearningCommune || r.unit == unit.id);
    }
    build(state, unit, year, result, &|u: &str| state.figures.parent_of(state, u), Vec::new(), Vec::new())
}

/// The name of `id` among the children of `unit`: an old unit below a unit of today is
/// named with its era.
pub fn child_name(state: &AppState, unit: &OrgUnit, id: &str) -> String {
    let old = state.catalog.units.get(id).is_some_and(|u| u.valid_to.is_some());
    if old && unit.valid_to.is_none() {
        format!("{} (trước 01/07/2025)", name_of(state, id))
    } else {
        name_of(state, id)
    }
}

/// The report of `unit` for `year` from its counted figures.
fn build(
    state: &AppState,
    unit: &OrgUnit,
    year: i32,
    result: Consolidation,
    parent_of: &dyn Fn(&str) -> Option<String>,
    sources: Vec<SourceNote>,
    unassigned: Vec<SourceNote>,
) -> Result<AnnualReport, ApiError> {
    let empty = UnitFigures::default();
    let figures = result.units.get(&unit.id).unwrap_or(&empty);
    let children: Vec<(&str, String, &UnitFigures)> = result
        .units
        .iter()
        .filter(|(id, _)| parent_of(id).as_deref() == Some(&unit.id))
        .map(|(id, f)| (id.as_str(), child_name(state, unit, id), f))
        .collect();
    let chain = plan_chain(state, &unit.id)?;
    let chain_refs: Vec<&Plan> = chain.iter().collect();
    let deadline = deadline(state, unit)?;
    let recognised = result.recognised.clone();
    Ok(annual::build(
        ReportInput {
            unit: &unit.id,
            name: &unit.full_name(),
            level: unit.kind,
            year,
            as_of: Date::in_vietnam(state.clock.now_ms()),
            figures,
            children,
            recognised,
            plans: &chain_refs,
            deadline: Date::new(year, deadline.month, deadline.day),
            deadline_to: deadline.to,
            narrative: narrative(state, &unit.id, year)?,
            sources,
            unassigned,
            sets: &state.criteria()?,
            self_assessment: self_assessment_counts(state, &unit.id, year)?,
        },
        &state.catalog.definitions,
    ))
}

/// The citizens of `unit` (by the hamlet each answer names) who assessed themselves in
/// `year`'s campaigns, and what became of their answers.
pub fn self_assessment_counts(state: &AppState, unit: &str, year: i32) -> Result<SelfAssessmentCounts, StoreError> {
    use hoctap_shared::merge::Status;
    use hoctap_shared::protocol::{RecordId, RecordKind};
    use hoctap_shared::selfassess::AnswerState;

    let mut counts = SelfAssessmentCounts::default();
    for campaign in crate::store::campaigns::all(state.store.as_ref())? {
        // A campaign below the unit counts whole; one above it (a commune's, for a
        // hamlet's report) counts the answers of the unit's hamlets.
        let whole = state.unit_covers(unit, &campaign.unit)?;
        if campaign.year != year || !(whole || state.unit_covers(&campaign.unit, unit)?) {
            continue;
        }
        for (_, kept) in crate::store::campaigns::answers(state.store.as_ref(), &campaign.id)? {
            if !whole && !state.unit_covers(unit, &kept.answer.hamlet)? {
                continue;
            }
            match kept.state {
                AnswerState::Received => counts.self_assessed += 1,
                AnswerState::Discarded { .. } => {}
                AnswerState::Linked { evaluation, .. } => {
                    counts.self_assessed += 1;
                    counts.matched += 1;
                    let record = RecordId { kind: RecordKind::Evaluation, id: evaluation };
                    let status = crate::sync::record_view(state, &record)?.map(|v| v.status);
                    if matches!(
                        status,
                        Some(Status::Submitted | Status::Returned | Status::Approved | Status::Recognised)
                    ) {
                        counts.reviewed += 1;
                    }
                    if status == Some(Status::Recognised) {
                        counts.recognised += 1;
                    }
                }
            }
        }
    }
    Ok(counts)
}

/// Checks a plan's targets against the ratio definitions.
pub fn check_plan(state: &AppState, plan: &Plan) -> Result<(), ApiError> {
    let diagnostics = plans::validate(plan, &state.catalog.definitions);
    if hoctap_shared::diagnostic::has_errors(&diagnostics) {
        return Err(ApiError::InvalidPlan { diagnostics });
    }
    Ok(())
}

/// The report's recognition decisions as the documents show them. A decision dated
/// from 1 July 2025 cannot have been signed by a district body (they were abolished):
/// one that names one (copied from an earlier year's decision) is shown under the
/// authority the province set for its first title.
pub fn decisions(
    state: &AppState,
    unit: &OrgUnit,
    report: &AnnualReport,
) -> Result<Vec<annual::DecisionDocument>, StoreError> {
    let mut out = annual::decisions(report);
    if !out.iter().any(|d| {
        d.date >= hoctap_shared::units::REFORM_DATE && hoctap_shared::authorities::names_district_body(&d.authority)
    }) {
        return Ok(out);
    }
    let Some(province) = province_of(state, unit)? else { return Ok(out) };
    let view = authorities(state, &province)?;
    let places = places(state, unit)?;
    let level = if unit.kind == UnitKind::Province { UnitKind::Province } else { UnitKind::Commune };
    for d in &mut out {
        if d.date < hoctap_shared::units::REFORM_DATE || !hoctap_shared::authorities::names_district_body(&d.authority)
        {
            continue;
        }
        if let Some(authority) = d.models.first().and_then(|m| view.authority_of(*m, level, &places)) {
            d.authority = authority;
        }
    }
    Ok(out)
}
