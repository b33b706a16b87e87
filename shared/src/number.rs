//! Exact numbers for points and percentages. Scores like 84,5 and shares like 89,9 %
//! decide titles, so they are fixed-point integers, never floats that round near a
//! threshold. Display follows the Vietnamese convention (decimal comma), and
//! [`Percent`]'s `Display` is the one percentage format of every screen and document:
//! rounded half-up to two decimals, no trailing zeros, a space before the sign
//! ("66,67 %", "63,5 %", "70 %"). A difference between two percentages is written in
//! percentage points by [`percentage_points`] ("6,5 điểm phần trăm").

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Points in hundredths (`Points(8450)` is 84,5 points).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

/// A percentage in hundredths of a percent (`Percent(8990)` is 89,9 %).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(i64);

const SCALE: i64 = 100;

impl Points {
    pub const ZERO: Points = Points(0);

    pub fn from_whole(points: i64) -> Points {
        Points(points * SCALE)
    }

    /// Points from hundredths (`from_hundredths(250)` is 2,5 points).
    pub fn from_hundredths(hundredths: i64) -> Points {
        Points(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Converts a decimal read from JSON or TOML. `None` when it has more than two
    /// decimals, is not finite or is absurdly large: such an input is an error, not
    /// something to round.
    pub fn from_f64(value: f64) -> Option<Points> {
        to_hundredths(value).map(Points)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// Whether this value is a whole multiple of `step` (a zero step accepts anything).
    pub fn is_multiple_of(self, step: Points) -> bool {
        step.0 == 0 || self.0 % step.0 == 0
    }
}

impl Percent {
    pub fn from_f64(value: f64) -> Option<Percent> {
        to_hundredths(value).map(Percent)
    }

    pub fn from_whole(percent: i64) -> Percent {
        Percent(percent * SCALE)
    }

    /// A percentage given in hundredths: 8450 is 84,5 %.
    pub const fn from_hundredths(hundredths: i64) -> Percent {
        Percent(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// The share `numerator / denominator`, rounded half-up to hundredths of a percent
    /// (2/3 is 66,67 %), for display. Decisions use [`Percent::reached_by`] instead,
    /// which is exact: 69,996 % shows as "70 %" yet does not reach 70 %.
    /// `None` when the denominator is zero.
    pub fn of(numerator: u64, denominator: u64) -> Option<Percent> {
        if denominator == 0 {
            return None;
        }
        let (numerator, denominator) = (numerator as u128, denominator as u128);
        let hundredths = (numerator * 100 * SCALE as u128 * 2 + denominator) / (2 * denominator);
        Some(Percent(hundredths.min(i64::MAX as u128) as i64))
    }

    /// The size of the percentage, without its sign.
    pub fn abs(self) -> Percent {
        Percent(self.0.abs())
    }

    /// Whether `numerator / denominator ≥ self`, compared exactly on integers so that
    /// 899/1000 never counts as 90 %. An empty denominator reaches nothing.
    pub fn reached_by(self, numerator: u64, denominator: u64) -> bool {
        if denominator == 0 {
            return false;
        }
        numerator as u128 * 100 * SCALE as u128 >= self.0.max(0) as u128 * denominator as u128
    }
}

fn to_hundredths(value: f64) -> Option<i64> {
    if !value.is_finite() || value.abs() > 1e12 {
        return None;
    }
    let scaled = value * SCALE as f64;
    let rounded = scaled.round();
    if (scaled - rounded).abs() > 1e-6 {
        return None;
    }
    Some(rounded as i64)
}

/// Writes hundredths with a decimal comma and no trailing zeros: 8450 → "84,5".
fn write_hundredths(f: &mut fmt::Formatter<'_>, value: i64) -> fmt::Result {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let whole = abs / SCALE as u64;
    let frac = abs % SCALE as u64;
    match frac {
        0 => write!(f, "{sign}{whole}"),
        _ if frac.is_multiple_of(10) => write!(f, "{sign}{whole},{}", frac / 10),
        _ => write!(f, "{sign}{whole},{frac:02}"),
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hundredths(f, self.0)
    }
}

/// "66,67 %": see the module comment.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hundredths(f, self.0)?;
        f.write_str(" %")
    }
}

/// A difference between two percentages, in percentage points: "6,5 điểm phần trăm",
/// "-3 điểm phần trăm". Never written with "%", which would read as a relative change.
pub fn percentage_points(difference: Percent) -> String {
    format!("{} điểm phần trăm", Points(difference.0))
}

/// The number of a percentage without its sign, as typed into a form: "72,5".
pub fn percent_number(percent: Percent) -> String {
    Points(percent.0).to_string()
}

impl Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0 - other.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

macro_rules! serde_as_decimal {
    ($ty:ident, $what:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if self.0 % SCALE == 0 {
                    serializer.serialize_i64(self.0 / SCALE)
                } else {
                    serializer.serialize_f64(self.as_f64())
                }
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                let value = f64::deserialize(deserializer)?;
                $ty::from_f64(value).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        concat!($what, " {} không hợp lệ: tối đa hai chữ số thập phân"),
                        value
                    ))
                })
            }
        }
    };
}

serde_as_decimal!(Points, "số điểm");
serde_as_decimal!(Percent, "tỷ lệ");

/// On the wire both are plain JSON numbers (see `serde_as_decimal!`), not the integer of
/// hundredths they hold, so the schema is written by hand.
#[cfg(feature = "openapi")]
macro_rules! schema_as_decimal {
    ($ty:ident, $description:literal, $example:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::Number)
                    .description(Some($description))
                    .examples([$example])
                    .into()
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($ty))
            }
        }
    };
}

#[cfg(feature = "openapi")]
schema_as_decimal!(
    Points,
    "Points as a JSON number with at most two decimals (84.5); whole values have no fraction (85).",
    84.5
);
#[cfg(feature = "openapi")]
schema_as_decimal!(Percent, "A percentage as a JSON number with at most two decimals (89.9 means 89.9 %).", 89.9);

#[cfg(test)]
mod tests {
    use super::{Percent, Points};

    #[test]
    fn display_uses_decimal_comma() {
        let shown: Vec<String> = [8450, 8500, 8425, 0, -50].into_iter().map(|h| Points(h).to_string()).collect();
        assert_eq!(shown, ["84,5", "85", "84,25", "0", "-0,5"]);
        assert_eq!(Percent::of(899, 1000).map(|p| p.to_string()), Some("89,9 %".to_string()));
    }

    #[test]
    fn percentages_round_half_up_to_two_decimals() {
        let shown = |n, d| Percent::of(n, d).map(|p| p.to_string()).unwrap_or_default();
        assert_eq!(shown(2, 3), "66,67 %");
        assert_eq!(shown(1, 3), "33,33 %");
        assert_eq!(shown(1, 8), "12,5 %");
        assert_eq!(shown(1, 40_000), "0 %");
        // 1/20000 is 0,005 %: the half rounds up.
        assert_eq!(shown(1, 20_000), "0,01 %");
        assert_eq!(shown(7, 7), "100 %");
        assert_eq!(Percent::of(1, 0), None);
        assert_eq!(super::percentage_points(Percent::from_hundredths(650)), "6,5 điểm phần trăm");
        assert_eq!(super::percentage_points(Percent::from_hundredths(-300)), "-3 điểm phần trăm");
        assert_eq!(super::percent_number(Percent::from_hundredths(7250)), "72,5");
    }

    #[test]
    fn shares_compare_exactly() {
        let ninety = Percent::from_whole(90);
        assert!(!ninety.reached_by(899, 1000));
        assert!(ninety.reached_by(900, 1000));
        assert!(ninety.reached_by(9, 10));
        assert!(!ninety.reached_by(0, 0));
        assert!(!Percent::from_f64(97.0).unwrap_or_default().reached_by(9699, 10000));
    }

    #[test]
    fn rejects_inexact_decimals() {
        assert_eq!(Points::from_f64(84.5), Some(Points(8450)));
        assert_eq!(Points::from_f64(0.1), Some(Points(10)));
        assert_eq!(Points::from_f64(1.001), None);
        assert_eq!(Points::from_f64(f64::NAN), None);
    }
}
