//! A record's history as the "Lịch sử" section shows it: the server's answer
//! (`GET /records/{kind}/{id}/history`, [`hoctap_shared::history`]) read as a JSON value,
//! each event in lines. The server sends every change in words already
//! ([`hoctap_shared::history::change_words`]), so the app carries neither the wire
//! types' decoders nor the words: the main app's first visit has a byte budget. Pure,
//! tested natively.

use hoctap_shared::accounts::Role;
use serde_json::Value;

/// "Nguyễn Thị Lan (Cộng tác viên thôn)", or that the server does not know who.
fn who_words(event: &Value) -> String {
    let who = &event["who"];
    match Role::ALL.iter().find(|r| Some(r.key()) == who["role"].as_str()) {
        Some(role) => format!("{} ({})", who["name"].as_str().unwrap_or_default(), role.title()),
        None => "Không rõ người gửi".to_string(),
    }
}

/// An event as the section shows it, line by line: when the server took it and who;
/// each change; why it was refused; the device and its own time. `datetime` writes a
/// time (ms) as `dd/mm/yyyy hh:mm`.
pub fn event_lines(event: &Value, datetime: &dyn Fn(f64) -> String) -> Vec<String> {
    let when = |key: &str| event[key].as_f64().map_or_else(|| "—".to_string(), datetime);
    let mut lines = vec![format!("{} · {}", when("server_ms"), who_words(event))];
    lines.extend(event["words"].as_array().into_iter().flatten().filter_map(|w| w.as_str().map(str::to_string)));
    if let Some(why) = event["refused"]["message"].as_str() {
        lines.push(format!("Bị từ chối: {why}"));
    }
    let device = event["device_label"].as_str().unwrap_or("không rõ tên");
    lines.push(format!("Trên máy {device}: {}", when("device_ms")));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::history::{change_words, field_label, Change, Names};
    use hoctap_shared::protocol::RecordKind;

    #[test]
    fn an_event_says_when_who_what_why_and_from_where() {
        let event: Value = serde_json::from_str(
            r#"{"server_ms": 2000, "device_ms": 1000, "device_label": "Chrome trên Android",
                "who": {"account": "x", "name": "Nguyễn Thị Lan", "role": "collaborator"},
                "changes": [{"what": "field", "field": "name", "old": [], "new": "Đỗ Thị Hoa"}],
                "words": ["Họ và tên: Đỗ Thị Hoa"],
                "refused": {"code": "record_locked", "message": "Hồ sơ đã được công nhận"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let time = |ms: f64| format!("t{ms}");
        assert_eq!(
            event_lines(&event, &time),
            [
                "t2000 · Nguyễn Thị Lan (Cộng tác viên thôn)",
                "Họ và tên: Đỗ Thị Hoa",
                "Bị từ chối: Hồ sơ đã được công nhận",
                "Trên máy Chrome trên Android: t1000"
            ]
        );
        let unknown: Value = serde_json::from_str(r#"{"device_ms": 1000, "changes": []}"#).unwrap_or_default();
        assert_eq!(event_lines(&unknown, &time), ["— · Không rõ người gửi", "Trên máy không rõ tên: t1000"]);
    }

    /// The server's words for fields are the app's own: the register's labels and the
    /// names of its choices.
    #[test]
    fn the_history_s_words_are_the_app_s() {
        for kind in [RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit, RecordKind::Hamlet]
        {
            for field in crate::records::fields(kind) {
                assert_eq!(field_label(kind, field.key), field.label, "{kind:?} {}", field.key);
                let crate::records::Input::Choice(options) = field.input else { continue };
                for (code, label) in options {
                    let change = Change::Field { field: field.key.to_string(), old: vec![], new: (*code).into() };
                    assert_eq!(change_words(kind, &change, &Names::NONE), format!("{}: {label}", field.label));
                }
            }
        }
    }
}
