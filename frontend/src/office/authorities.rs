//! The form of a province's report recipients and recognising authorities, as a pure
//! value (tested natively): each row's text as typed beside its default, and the update
//! it sends. A row left equal to its default is not sent, so it keeps following the
//! default; "Dùng mặc định" puts the default back.

use hoctap_shared::authorities::{AuthoritiesUpdate, AuthoritiesView, AuthoritySetting, RecipientSetting};

/// The text of every row: recipients one per line, then the authorities, in the
/// view's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub recipients: Vec<String>,
    pub authorities: Vec<String>,
}

/// Recipients as a textarea holds them: one body per line.
fn lines(to: &[String]) -> String {
    to.join("\n")
}

fn bodies(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

impl Form {
    /// The form as the view stands.
    pub fn of(view: &AuthoritiesView) -> Form {
        Form {
            recipients: view.recipients.iter().map(|r| lines(&r.to)).collect(),
            authorities: view.authorities.iter().map(|a| a.authority.clone()).collect(),
        }
    }

    /// What is sent: every row that differs from its default.
    pub fn update(&self, view: &AuthoritiesView) -> AuthoritiesUpdate {
        let recipients = view
            .recipients
            .iter()
            .zip(&self.recipients)
            .filter(|(row, text)| bodies(text) != row.default_to)
            .map(|(row, text)| RecipientSetting { level: row.level, to: bodies(text) })
            .collect();
        let authorities = view
            .authorities
            .iter()
            .zip(&self.authorities)
            .filter(|(row, text)| text.trim() != row.default_authority)
            .map(|(row, text)| AuthoritySetting {
                model: row.model,
                level: row.level,
                authority: text.trim().to_string(),
            })
            .collect();
        AuthoritiesUpdate { recipients, authorities }
    }

    /// Whether the form differs from what the view says applies.
    pub fn changed(&self, view: &AuthoritiesView) -> bool {
        *self != Form::of(view)
    }
}

/// What a row says of its default: "Mặc định (chưa xác nhận): …" or "Mặc định: …".
pub fn default_words(default: &str, confirmed: bool) -> String {
    if confirmed {
        format!("Mặc định: {default}")
    } else {
        format!("Mặc định (chưa xác nhận): {default}")
    }
}

#[cfg(test)]
mod tests {
    use hoctap_shared::authorities::{view, AuthoritiesUpdate};
    use hoctap_shared::criteria::Model;
    use hoctap_shared::units::UnitKind;

    use super::{default_words, Form};

    #[test]
    fn only_rows_that_differ_from_their_default_are_sent() {
        let view = view("province:52:2025", "Tỉnh Gia Lai", None);
        let mut form = Form::of(&view);
        assert!(!form.changed(&view));
        assert_eq!(form.update(&view), AuthoritiesUpdate::default());
        // The commune's report: one body per line, blank lines dropped.
        form.recipients[1] = "Ủy ban nhân dân {tỉnh}\n\n  Hội Khuyến học {tỉnh} ".to_string();
        form.authorities[6] = " Sở Giáo dục và Đào tạo {tỉnh}".to_string();
        assert!(form.changed(&view));
        let update = form.update(&view);
        assert_eq!(update.recipients.len(), 1);
        assert_eq!(update.recipients[0].level, UnitKind::Commune);
        assert_eq!(update.recipients[0].to, ["Ủy ban nhân dân {tỉnh}", "Hội Khuyến học {tỉnh}"]);
        assert!(update.authorities.is_empty(), "the learning commune's authority is still its default");
        form.authorities[6] = "Ủy ban nhân dân {tỉnh}".to_string();
        let update = form.update(&view);
        assert_eq!(
            (update.authorities[0].model, update.authorities[0].level),
            (Model::LearningCommune, UnitKind::Commune)
        );
    }

    #[test]
    fn defaults_say_whether_they_are_confirmed() {
        assert_eq!(default_words("Ủy ban nhân dân {xã}", false), "Mặc định (chưa xác nhận): Ủy ban nhân dân {xã}");
        assert_eq!(default_words("Bộ Giáo dục và Đào tạo", true), "Mặc định: Bộ Giáo dục và Đào tạo");
    }
}
