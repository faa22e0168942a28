//! Money and percentages: exact decimals, rounded in exactly one place.
//!
//! Unit prices stay exact (`Decimal`, as published: `0.0000166667` per
//! GB-second). A monthly cost becomes [`Money`] through [`Money::round`], the
//! only rounding of money in the crate: half away from zero, to the cent. Totals
//! are sums of rounded lines, so a printed table always adds up.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// Hours in a billing month, as AWS and the PaaS price pages count them.
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

/// An amount of US dollars, always a whole number of cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds an exact amount to the cent, half away from zero.
    pub fn round(exact: Decimal) -> Money {
        Money(exact.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The amount in cents: a whole number, since a `Money` is one.
    pub fn cents(self) -> i128 {
        let mut amount = self.0;
        amount.rescale(2);
        amount.mantissa()
    }

    /// An amount given in cents.
    pub fn from_cents(cents: i128) -> Money {
        Money(Decimal::from_i128_with_scale(cents, 2))
    }

    /// The amount as a decimal with two places.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// This amount as a percentage of `base`, or `None` when `base` is zero.
    /// A share too large for a decimal (a cost over a fraction of a cent of
    /// revenue) is held at the largest decimal: it breaks every limit anyway.
    pub fn share_of(self, base: Decimal) -> Option<Percent> {
        (!base.is_zero()).then(|| {
            Percent(
                self.0
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|hundredfold| hundredfold.checked_div(base))
                    .unwrap_or(Decimal::MAX),
            )
        })
    }

    /// `percent` of `base`, rounded to the cent.
    pub fn percent_of(percent: Decimal, base: Decimal) -> Money {
        Money::round(hundredth(base * percent))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// `$1,234.56`, or `-$12.00` for a negative amount.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = format!("{:.2}", self.0.abs());
        let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
        let sign = if self.0.is_sign_negative() && !self.0.is_zero() {
            "-"
        } else {
            ""
        };
        write!(f, "{sign}${}.{fraction}", group_thousands(whole))
    }
}

/// Serialized as a string (`"1234.56"`) so no consumer reads it as a float.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:.2}", self.0))
    }
}

/// A string of dollars with two decimals, as it serializes.
impl schemars::JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+\\.[0-9]{2}$",
            "description": "US dollars as a string with two decimal places"
        })
    }
}

/// `value / 100`, exactly, by moving the decimal point where it can: the
/// same number a division gives, without a division's cost.
fn hundredth(value: Decimal) -> Decimal {
    let mut moved = value;
    match moved.set_scale(value.scale() + 2) {
        Ok(()) => moved,
        Err(_) => value / Decimal::ONE_HUNDRED,
    }
}

/// A percentage, kept exact; shown with one decimal place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(Decimal);

impl Percent {
    /// A percentage from its exact value (`15` is 15%).
    pub fn new(value: Decimal) -> Percent {
        Percent(value)
    }

    /// The exact value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// `part` of `whole` things, as a percentage; 0% of nothing.
    pub fn of_counts(part: usize, whole: usize) -> Percent {
        if whole == 0 {
            return Percent(Decimal::ZERO);
        }
        Percent(Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
    }

    /// The value rounded to one decimal place, half away from zero: what is shown.
    pub fn shown(self) -> Decimal {
        self.0
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    }
}

/// `12.3%`.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}%", self.shown())
    }
}

/// Serialized as a string with one decimal place (`"12.3"`).
impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:.1}", self.shown()))
    }
}

/// A string of percent with one decimal, as it serializes.
impl schemars::JsonSchema for Percent {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Percent".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+\\.[0-9]$",
            "description": "a percentage as a string with one decimal place"
        })
    }
}

/// A quantity for display: at most four decimal places, no trailing zeros,
/// thousands grouped (`1,460`, `0.0333`).
pub fn format_quantity(quantity: Decimal) -> String {
    let shown = quantity
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let text = shown.to_string();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", group_thousands(whole)),
        None => group_thousands(&text),
    }
}

/// A unit price for display: exact as published, at least two decimal places.
pub fn format_unit_price(price: Decimal) -> String {
    let normalized = price.normalize();
    if normalized.scale() < 2 {
        format!("${normalized:.2}")
    } else {
        format!("${normalized}")
    }
}

fn group_thousands(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_to_the_cent() {
        assert_eq!(Money::round(dec("0.005")).amount(), dec("0.01"));
        assert_eq!(Money::round(dec("0.0049")).amount(), dec("0.00"));
        assert_eq!(Money::round(dec("30.368")).amount(), dec("30.37"));
        assert_eq!(Money::round(dec("-0.005")).amount(), dec("-0.01"));
    }

    #[test]
    fn a_hundredth_is_what_dividing_by_a_hundred_gives() {
        for text in [
            "0",
            "1",
            "18000",
            "12.345",
            "-7.5",
            "0.0000166667",
            "1000000000000",
        ] {
            let value = dec(text);
            assert_eq!(hundredth(value), value / Decimal::ONE_HUNDRED, "{text}");
        }
        // A scale too fine to move falls back to dividing.
        let finest = Decimal::new(1, 28);
        assert_eq!(hundredth(finest), finest / Decimal::ONE_HUNDRED);
    }

    #[test]
    fn hours_per_month_is_730() {
        assert_eq!(HOURS_PER_MONTH, dec("730"));
    }

    #[test]
    fn displays_dollars_with_grouping() {
        assert_eq!(
            Money::round(dec("1234567.891")).to_string(),
            "$1,234,567.89"
        );
        assert_eq!(Money::round(dec("7")).to_string(), "$7.00");
        assert_eq!(Money::round(dec("-12")).to_string(), "-$12.00");
        assert_eq!(Money::ZERO.to_string(), "$0.00");
    }

    #[test]
    fn serializes_as_a_two_place_string() {
        let json = serde_json::to_string(&Money::round(dec("5"))).unwrap();
        assert_eq!(json, "\"5.00\"");
    }

    #[test]
    fn share_is_exact_and_shown_to_one_place() {
        let share = Money::round(dec("100")).share_of(dec("3000")).unwrap();
        assert_eq!(share.value(), dec("100") * dec("100") / dec("3000"));
        assert_eq!(share.to_string(), "3.3%");
        assert!(Money::round(dec("100")).share_of(Decimal::ZERO).is_none());
    }

    #[test]
    fn percent_of_rounds_once() {
        assert_eq!(
            Money::percent_of(dec("15"), dec("3333")).amount(),
            dec("499.95")
        );
    }

    #[test]
    fn quantities_drop_trailing_zeros_and_group() {
        assert_eq!(format_quantity(dec("1460.00")), "1,460");
        assert_eq!(format_quantity(dec("0.033333")), "0.0333");
        assert_eq!(format_quantity(dec("2.50")), "2.5");
    }

    #[test]
    fn unit_prices_keep_published_precision() {
        assert_eq!(format_unit_price(dec("25")), "$25.00");
        assert_eq!(format_unit_price(dec("0.0416")), "$0.0416");
        assert_eq!(format_unit_price(dec("0.0000166667")), "$0.0000166667");
        assert_eq!(format_unit_price(dec("0.50")), "$0.50");
    }
}
