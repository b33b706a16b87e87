//! Who receives each level's annual report and who recognises each title, per province,
//! after the 2025 reform (DOMAIN.md §4, CRITERIA-SOURCES.md §8). From 1 July 2025 there
//! are no district bodies, and which body now recognises most titles is not confirmed by
//! any text we could read, so these are configuration: defaults here, each marked
//! confirmed or not, which a province administrator may replace.
//!
//! Texts may hold two placeholders, filled when a document is made: `{xã}` (the
//! commune in lower case after its type word: `xã Cửu An`) and `{tỉnh}` (`tỉnh Gia Lai`).

use serde::{Deserialize, Serialize};

use crate::criteria::Model;
use crate::date::Date;
use crate::units::UnitKind;

/// The most bodies one level's report is sent to.
pub const MAX_RECIPIENTS: usize = 5;
/// The longest name of a body, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The levels whose annual report has a recipient (there are no districts any more).
pub const REPORT_LEVELS: [UnitKind; 3] = [UnitKind::Hamlet, UnitKind::Commune, UnitKind::Province];

/// The titles and levels that have a recognising authority: every title at the commune,
/// and learning units also at the province (TT 24/2023: units of the province level).
pub const RECOGNISED: [(Model, UnitKind); 7] = [
    (Model::LearningCitizen, UnitKind::Commune),
    (Model::LearningFamily, UnitKind::Commune),
    (Model::LearningClan, UnitKind::Commune),
    (Model::LearningCommunity, UnitKind::Commune),
    (Model::LearningUnit, UnitKind::Commune),
    (Model::LearningUnit, UnitKind::Province),
    (Model::LearningCommune, UnitKind::Commune),
];

/// The recipients a province set for one level's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientSetting {
    /// `hamlet`, `commune` or `province`: whose report it is.
    pub level: UnitKind,
    /// The bodies it is sent to, the one it reports to first:
    /// `Sở Giáo dục và Đào tạo {tỉnh}`.
    pub to: Vec<String>,
}

/// The body a province set to recognise one title at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoritySetting {
    pub model: Model,
    /// `commune` for titles decided in the commune; `province` for the province's own
    /// learning units.
    pub level: UnitKind,
    /// The signing body as a decision names it: `Ủy ban nhân dân {xã}`.
    pub authority: String,
}

/// What a province administrator sends (`PUT /units/{province}/authorities`): the
/// entries the province sets; any entry left out takes its default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthoritiesUpdate {
    #[serde(default)]
    pub recipients: Vec<RecipientSetting>,
    #[serde(default)]
    pub authorities: Vec<AuthoritySetting>,
}

/// What the server keeps for a province: the update, who made it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAuthorities {
    pub settings: AuthoritiesUpdate,
    pub updated_at_ms: i64,
    pub updated_by: String,
}

/// One level's recipients as they apply, beside the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientRow {
    pub level: UnitKind,
    /// `Báo cáo của xã`
    pub label: String,
    pub to: Vec<String>,
    pub default_to: Vec<String>,
    /// The province set it (`false`: the default applies).
    pub configured: bool,
    /// Whether a source confirms the default; an unconfirmed default is shown
    /// "chưa xác nhận".
    pub default_confirmed: bool,
    /// Where the default comes from, or why it is unconfirmed.
    pub basis: String,
}

/// One title's recognising authority as it applies, beside the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorityRow {
    pub model: Model,
    pub level: UnitKind,
    /// `Gia đình học tập (cấp xã)`
    pub label: String,
    pub authority: String,
    pub default_authority: String,
    pub configured: bool,
    pub default_confirmed: bool,
    pub basis: String,
}

/// A province's recipients and authorities (`GET /units/{id}/authorities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoritiesView {
    pub province: String,
    /// `Tỉnh Gia Lai`
    pub province_name: String,
    pub recipients: Vec<RecipientRow>,
    pub authorities: Vec<AuthorityRow>,
    /// The commune of the unit asked about (`Xã Cửu An`), which fills `{xã}`; absent
    /// for a province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_name: Option<String>,
    /// When and by whom the province last changed them; absent while all are defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

/// The default recipients of a level's report: whether a source confirms them, and it.
fn default_recipients(level: UnitKind) -> (Vec<&'static str>, bool, &'static str) {
    match level {
        UnitKind::Hamlet => (vec!["Ủy ban nhân dân {xã}"], true, "Thôn báo cáo xã (các kế hoạch mẫu)."),
        UnitKind::Commune | UnitKind::District => (
            vec!["Sở Giáo dục và Đào tạo {tỉnh}", "Hội Khuyến học {tỉnh}"],
            false,
            "Trước 01/07/2025 xã báo cáo huyện; cấp huyện đã bỏ, chưa tìm thấy văn bản nói xã báo cáo cơ quan nào \
             của tỉnh.",
        ),
        UnitKind::Province => (
            vec!["Bộ Giáo dục và Đào tạo", "Hội Khuyến học Việt Nam"],
            true,
            "Tỉnh báo cáo Bộ Giáo dục và Đào tạo và Hội Khuyến học Việt Nam (công văn của Bộ năm 2015).",
        ),
    }
}

/// The default authority of a title at a level: whether a source confirms it, and it.
fn default_authority(model: Model, level: UnitKind) -> (&'static str, bool, &'static str) {
    match (model, level) {
        (Model::LearningUnit, UnitKind::Province) => (
            "Ủy ban nhân dân {tỉnh}",
            true,
            "Thông tư 24/2023/TT-BGDĐT: Chủ tịch Ủy ban nhân dân cấp tỉnh công nhận đơn vị cấp tỉnh.",
        ),
        (Model::LearningCommune, _) => (
            "Sở Giáo dục và Đào tạo {tỉnh}",
            false,
            "Thông tư 25/2023/TT-BGDĐT giao Trưởng phòng GDĐT cấp huyện; cấp huyện đã bỏ, chưa rõ Thông tư \
             26/2025 giao cho ai (có thể Giám đốc Sở GDĐT).",
        ),
        (Model::LearningUnit, _) => (
            "Ủy ban nhân dân {xã}",
            false,
            "Thông tư 24/2023/TT-BGDĐT giao Chủ tịch UBND cấp huyện; sau 01/07/2025 chưa rõ.",
        ),
        _ => ("Ủy ban nhân dân {xã}", false, "Chưa tìm thấy văn bản quy định cơ quan công nhận."),
    }
}

/// `Báo cáo của xã`
fn level_label(level: UnitKind) -> &'static str {
    match level {
        UnitKind::Hamlet => "Báo cáo của thôn, tổ dân phố",
        UnitKind::Commune => "Báo cáo của xã, phường",
        UnitKind::District => "Báo cáo của huyện (đã bỏ)",
        UnitKind::Province => "Báo cáo của tỉnh",
    }
}

fn authority_label(model: Model, level: UnitKind) -> String {
    match (model, level) {
        (Model::LearningUnit, UnitKind::Province) => format!("{} (đơn vị cấp tỉnh)", model.title()),
        (Model::LearningUnit, _) => format!("{} (đơn vị cấp xã)", model.title()),
        _ => model.title().to_string(),
    }
}

/// The province's settings as they apply, every row beside its default.
pub fn view(province: &str, province_name: &str, stored: Option<&StoredAuthorities>) -> AuthoritiesView {
    let settings = stored.map(|s| &s.settings);
    let recipients = REPORT_LEVELS
        .into_iter()
        .map(|level| {
            let (default_to, default_confirmed, basis) = default_recipients(level);
            let default_to: Vec<String> = default_to.into_iter().map(str::to_string).collect();
            let set = settings.and_then(|s| s.recipients.iter().find(|r| r.level == level));
            RecipientRow {
                level,
                label: level_label(level).to_string(),
                to: set.map_or_else(|| default_to.clone(), |r| r.to.clone()),
                default_to,
                configured: set.is_some(),
                default_confirmed,
                basis: basis.to_string(),
            }
        })
        .collect();
    let authorities = RECOGNISED
        .into_iter()
        .map(|(model, level)| {
            let (default_authority, default_confirmed, basis) = default_authority(model, level);
            let set = settings.and_then(|s| s.authorities.iter().find(|a| a.model == model && a.level == level));
            AuthorityRow {
                model,
                level,
                label: authority_label(model, level),
                authority: set.map_or_else(|| default_authority.to_string(), |a| a.authority.clone()),
                default_authority: default_authority.to_string(),
                configured: set.is_some(),
                default_confirmed,
                basis: basis.to_string(),
            }
        })
        .collect();
    AuthoritiesView {
        province: province.to_string(),
        province_name: province_name.to_string(),
        recipients,
        authorities,
        commune_name: None,
        updated_at_ms: stored.map(|s| s.updated_at_ms),
        updated_by: stored.map(|s| s.updated_by.clone()),
    }
}

/// The names a document puts in place of `{xã}` and `{tỉnh}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// `Xã Cửu An`; empty when the document is not a commune's.
    pub commune: String,
    /// `Tỉnh Gia Lai`
    pub province: String,
}

/// `Xã Cửu An` → `xã Cửu An`: a unit's name in running text.
fn in_text(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A body's name with its placeholders filled.
pub fn fill(template: &str, places: &Places) -> String {
    template.replace("{xã}", &in_text(&places.commune)).replace("{tỉnh}", &in_text(&places.province)).trim().to_string()
}

impl AuthoritiesView {
    /// The bodies a report of `level` is sent to, filled.
    pub fn recipients_of(&self, level: UnitKind, places: &Places) -> Vec<String> {
        self.recipients
            .iter()
            .find(|r| r.level == level)
            .map_or_else(Vec::new, |r| r.to.iter().map(|t| fill(t, places)).filter(|t| !t.is_empty()).collect())
    }

    /// The body that recognises `model` at `level`, filled; `None` for a title and
    /// level that has none.
    pub fn authority_of(&self, model: Model, level: UnitKind, places: &Places) -> Option<String> {
        let row = self.authorities.iter().find(|a| a.model == model && a.level == level)?;
        Some(fill(&row.authority, places)).filter(|a| !a.is_empty())
    }
}

/// Whether a body's name names a district-level body, abolished on 1 July 2025
/// (`Ủy ban nhân dân thị xã An Khê`, `Phòng Giáo dục và Đào tạo huyện …`).
pub fn names_district_body(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let pairs = words.windows(2).any(|w| matches!((w[0], w[1]), ("thị", "xã") | ("phòng", "giáo")));
    pairs || words.iter().any(|w| matches!(*w, "huyện" | "quận"))
}

/// Why a recognition decision dated `date` cannot have been issued by `authority`: from
/// 1 July 2025 there is no district level, so no district body signs a decision.
pub fn decision_authority_problem(date: Date, authority: &str) -> Option<String> {
    (date >= crate::units::REFORM_DATE && names_district_body(authority)).then(|| {
        format!(
            "Từ ngày 01/07/2025 không còn cấp huyện: quyết định ngày {date} không thể do “{}” ban hành. Hãy ghi cơ \
             quan cấp xã hoặc cấp tỉnh.",
            authority.trim()
        )
    })
}

/// Every problem of an update, in Vietnamese; empty when it may be stored.
pub fn check(update: &AuthoritiesUpdate) -> Vec<String> {
    let mut problems = Vec::new();
    // Each level and title once at most: a longer list is refused before it is read.
    if update.recipients.len() > REPORT_LEVELS.len() || update.authorities.len() > RECOGNISED.len() {
        return vec![format!(
            "Tối đa {} dòng nơi nhận và {} dòng cơ quan công nhận",
            REPORT_LEVELS.len(),
            RECOGNISED.len()
        )];
    }
    let check_name = |what: &str, name: &str, problems: &mut Vec<String>| {
        let name = name.trim();
        if name.is_empty() {
            problems.push(format!("{what}: tên cơ quan không được để trống"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            problems.push(format!("{what}: tên cơ quan dài quá {MAX_NAME_CHARS} ký tự"));
        } else if names_district_body(name) {
            problems.push(format!("{what}: “{name}” là cơ quan cấp huyện, đã bỏ từ ngày 01/07/2025"));
        } else if name.chars().any(char::is_control) {
            problems.push(format!("{what}: tên cơ quan có ký tự điều khiển"));
        } else {
            let rest = name.replace("{xã}", "").replace("{tỉnh}", "");
            if rest.contains('{') || rest.contains('}') {
                problems.push(format!("{what}: chỉ dùng được {{xã}} và {{tỉnh}} trong tên cơ quan"));
            }
        }
    };
    for (i, r) in update.recipients.iter().enumerate() {
        let what = level_label(r.level);
        if !REPORT_LEVELS.contains(&r.level) {
            problems.push(format!("{what}: cấp huyện đã bỏ từ ngày 01/07/2025, không có nơi nhận"));
            continue;
        }
        if update.recipients[..i].iter().any(|o| o.level == r.level) {
            problems.push(format!("{what}: khai báo hai lần"));
        }
        if r.to.is_empty() {
            problems.push(format!("{what}: cần ít nhất một nơi nhận"));
        }
        if r.to.len() > MAX_RECIPIENTS {
            problems.push(format!("{what}: tối đa {MAX_RECIPIENTS} nơi nhận"));
        }
        for name in r.to.iter().take(MAX_RECIPIENTS) {
            check_name(what, name, &mut problems);
        }
    }
    for (i, a) in update.authorities.iter().enumerate() {
        let what = authority_label(a.model, a.level);
        if !RECOGNISED.contains(&(a.model, a.level)) {
            problems.push(format!("{what}: không có cơ quan công nhận ở cấp này"));
            continue;
        }
        if update.authorities[..i].iter().any(|o| o.model == a.model && o.level == a.level) {
            problems.push(format!("{what}: khai báo hai lần"));
        }
        check_name(&what, &a.authority, &mut problems);
    }
    problems
}

/// The update with every name trimmed, as it is stored.
pub fn normalised(update: AuthoritiesUpdate) -> AuthoritiesUpdate {
    AuthoritiesUpdate {
        recipients: update
            .recipients
            .into_iter()
            .map(|r| RecipientSetting { level: r.level, to: r.to.iter().map(|t| t.trim().to_string()).collect() })
            .collect(),
        authorities: update
            .authorities
            .into_iter()
            .map(|a| AuthoritySetting { authority: a.authority.trim().to_string(), ..a })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_refused_before_it_is_read() {
        let row =
            RecipientSetting { level: UnitKind::Commune, to: vec!["Sở Giáo dục và Đào tạo {tỉnh}".into()] };
        let update = AuthoritiesUpdate { recipients: vec![row; 40_000], authorities: Vec::new() };
        assert_eq!(check(&update), ["Tối đa 3 dòng nơi nhận và 7 dòng cơ quan công nhận"]);
    }

    #[test]
    fn a_decision_after_the_reform_names_no_district_body() {
        let after = Date::new(2025, 7, 1).expect("date");
        let before = Date::new(2025, 6, 30).expect("date");
        let problem = decision_authority_problem(after, "Ủy ban nhân dân thị xã An Khê").expect("refused");
        assert!(problem.starts_with("Từ ngày 01/07/2025 không còn cấp huyện: quyết định ngày 01/07/2025"), "{problem}");
        assert_eq!(decision_authority_problem(before, "Ủy ban nhân dân thị xã An Khê"), None, "history stands");
        assert_eq!(decision_authority_problem(after, "Ủy ban nhân dân xã Cửu An"), None);
        assert_eq!(decision_authority_problem(after, "Cơ quan ban hành: UBND tỉnh Gia Lai"), None);
    }

    fn places() -> Places {
        Places { commune: "Xã Cửu An".into(), province: "Tỉnh Gia Lai".into() }
    }

    #[test]
    fn defaults_name_no_district_body() {
        let view = view("province:52:2025", "Tỉnh Gia Lai", None);
        for row in &view.recipients {
            assert!(!row.configured);
            for to in &row.to {
                assert!(!names_district_body(&fill(to, &places())), "{to}");
            }
        }
        for row in &view.authorities {
            assert!(!names_district_body(&fill(&row.authority, &places())), "{}", row.authority);
        }
        assert_eq!(
            view.recipients_of(UnitKind::Commune, &places()),
            ["Sở Giáo dục và Đào tạo tỉnh Gia Lai", "Hội Khuyến học tỉnh Gia Lai"]
        );
        assert_eq!(
            view.authority_of(Model::LearningFamily, UnitKind::Commune, &places()).as_deref(),
            Some("Ủy ban nhân dân xã Cửu An")
        );
        assert_eq!(view.authority_of(Model::LearningFamily, UnitKind::Province, &places()), None);
    }

    #[test]
    fn a_province_setting_replaces_the_default() {
        let stored = StoredAuthorities {
            settings: AuthoritiesUpdate {
                recipients: vec![RecipientSetting {
                    level: UnitKind::Commune,
                    to: vec!["Ủy ban nhân dân {tỉnh}".into()],
                }],
                authorities: vec![],
            },
            updated_at_ms: 1,
            updated_by: "qt.tinh".into(),
        };
        let view = view("p", "Tỉnh Gia Lai", Some(&stored));
        assert_eq!(view.recipients_of(UnitKind::Commune, &places()), ["Ủy ban nhân dân tỉnh Gia Lai"]);
        assert!(view.recipients.iter().find(|r| r.level == UnitKind::Commune).is_some_and(|r| r.configured));
        assert!(view.recipients.iter().find(|r| r.level == UnitKind::Province).is_some_and(|r| !r.configured));
    }

    #[test]
    fn district_bodies_are_recognised() {
        for name in [
            "Ủy ban nhân dân thị xã An Khê",
            "UBND huyện Vĩnh Cửu",
            "Phòng Giáo dục và Đào tạo thành phố Pleiku",
            "Ủy ban nhân dân quận 3",
        ] {
            assert!(names_district_body(name), "{name}");
        }
        for name in ["Ủy ban nhân dân xã Cửu An", "Hội Khuyến học tỉnh Gia Lai", "Cơ quan Sở GDĐT", "Phường Quy Nhơn"]
        {
            assert!(!names_district_body(name), "{name}");
        }
    }

    #[test]
    fn checks_every_entry() {
        let update = AuthoritiesUpdate {
            recipients: vec![
                RecipientSetting { level: UnitKind::District, to: vec!["A".into()] },
                RecipientSetting { level: UnitKind::Commune, to: vec!["Ủy ban nhân dân thị xã An Khê".into()] },
                RecipientSetting { level: UnitKind::Hamlet, to: vec![] },
            ],
            authorities: vec![
                AuthoritySetting { model: Model::LearningFamily, level: UnitKind::Province, authority: "X".into() },
                AuthoritySetting { model: Model::LearningClan, level: UnitKind::Commune, authority: " ".into() },
                AuthoritySetting {
                    model: Model::LearningCitizen,
                    level: UnitKind::Commune,
                    authority: "{huyện}".into(),
                },
            ],
        };
        let problems = check(&update);
        assert_eq!(problems.len(), 6, "{problems:?}");
        assert!(problems[1].contains("đã bỏ từ ngày 01/07/2025"));
        assert!(check(&AuthoritiesUpdate::default()).is_empty());
    }
}
