//! Refusing JSON bodies that give one key twice. serde keeps the last value of a
//! repeated key (or refuses it only for some types), so `{"unit": "mine", "unit":
//! "theirs"}` would mean whatever the parser happened to pick while a proxy, a log or
//! a reviewer may read the other; a request that says two things is refused instead.
//!
//! The check walks the body once as serde's data model, keeping a set of the keys of
//! each object it is inside, so it covers every depth (a field value inside an
//! operation as much as the top level) without building the document. serde_json's
//! recursion limit bounds the depth, and the body limit bounds the keys held.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The first key found twice in one object, if any; `None` also for a body that is
/// not JSON at all (the typed decoding that follows says what is wrong with it).
pub(super) fn first_duplicate(body: &[u8]) -> Option<String> {
    let found = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    // An error is either the duplicate (recorded in `found`) or bad JSON.
    let _ = Walk { found: &found }.deserialize(&mut deserializer);
    found.into_inner()
}

/// One JSON value, walked and dropped; records a repeated key and stops there.
#[derive(Clone, Copy)]
struct Walk<'a> {
    found: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }

    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if let Some(key) = keys.replace(key) {
                let message = format!("duplicate key {key:?}");
                *self.found.borrow_mut() = Some(key);
                return Err(de::Error::custom(message));
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::first_duplicate;

    #[test]
    fn repeated_keys_are_found_at_any_depth() {
        let cases: [(&str, Option<&str>); 8] = [
            (r#"{"a": 1, "b": 2}"#, None),
            (r#"{"a": 1, "a": 1}"#, Some("a")),
            (r#"{"a": {"x": 1}, "b": {"x": 1}}"#, None),
            (r#"[{"k": 1}, {"k": 2, "k": 3}]"#, Some("k")),
            (r#"{"o": [[{"v": {"deep": 1, "deep": 2}}]]}"#, Some("deep")),
            (r#"{"tên": 1, "t\u00ean": 2}"#, Some("tên")),
            (r#"{"a": 1, "b""#, None),
            ("not json", None),
        ];
        for (body, expected) in cases {
            assert_eq!(first_duplicate(body.as_bytes()).as_deref(), expected, "{body}");
        }
    }

    #[test]
    fn depth_is_bounded_by_the_parser() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(first_duplicate(deep.as_bytes()), None);
    }
}
