//! What the citizen's page reads of `GET /api/v1/c/{token}`: the shape of
//! [`hoctap_shared::selfassess::PublicCampaign`] with only the fields the page shows.
//! Reading the whole [`hoctap_shared::criteria::CriteriaSet`] (its rule, bands, legal
//! basis, dates …) would add their readers to the page's wasm, which has a 150 KB
//! budget; unknown fields are skipped.

use hoctap_shared::number::Points;
use hoctap_shared::selfassess::Place;
use serde::Deserialize;

#[derive(Clone, PartialEq, Deserialize)]
pub struct Campaign {
    pub title: String,
    pub hamlets: Vec<Place>,
    pub year: i32,
    pub open: bool,
    #[serde(default)]
    pub closed_because: Option<String>,
    #[serde(default)]
    pub set: Option<Set>,
    pub consent: String,
    pub max_photo_bytes: u64,
}

#[derive(Clone, PartialEq, Deserialize)]
pub struct Set {
    pub step: Points,
    #[serde(default)]
    pub subject_groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
}

impl Set {
    pub fn has_groups(&self) -> bool {
        !self.subject_groups.is_empty()
    }

    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.criteria.iter().flat_map(|c| c.indicators.iter())
    }
}

#[derive(Clone, PartialEq, Deserialize)]
pub struct Group {
    pub code: String,
    pub name: String,
}

#[derive(Clone, PartialEq, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub indicators: Vec<Indicator>,
}

#[derive(Clone, PartialEq, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub text: String,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub only_for: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    pub measure: Measure,
}

impl Indicator {
    /// Whether a citizen of `group` answers it, as `scoring::applies` decides with no
    /// context tags: in the group's list, and not only for tagged subjects (schools …).
    pub fn asked_of(&self, group: Option<&str>) -> bool {
        self.only_for.is_empty()
            && (self.groups.is_empty() || group.is_some_and(|g| self.groups.iter().any(|c| c == g)))
    }
}

#[derive(Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    Points { max: Points },
    Met {},
    Share { numerator_label: String, denominator_label: String },
}
