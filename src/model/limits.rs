//! The largest numbers infraplan plans for, so that every sum, product and
//! share it computes stays exact: far beyond any SaaS, well inside what
//! `rust_decimal` holds (about 7.9 × 10²⁸). `docs/limits.md` lists them.

use rust_decimal::{Decimal, RoundingStrategy};

/// The most paying customers a scenario may have: a billion.
pub const MAX_CUSTOMERS: u64 = 1_000_000_000;

/// The largest MRR, in US dollars: a trillion a month.
pub const MAX_MRR: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// The largest usage per customer per month of any metric: a billion.
pub const MAX_USAGE_PER_CUSTOMER: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The most months `roadmap` plans.
pub const MAX_MONTHS: u32 = 120;

/// The largest monthly cost the costing engine accepts, in US dollars: a
/// quadrillion. Anything above it is an error in the stage or price data, not a
/// plan, and keeping totals below it keeps every later sum exact.
pub const MAX_MONTHLY_COST: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// A number infraplan plans for that is out of its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// Which number.
    pub what: Limited,
    /// The value given.
    pub value: Decimal,
}

/// The numbers with a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Monthly recurring revenue, 0 to [`MAX_MRR`].
    Mrr,
    /// Paying customers, 0 to [`MAX_CUSTOMERS`].
    Customers,
    /// Usage per customer per month, 0 to [`MAX_USAGE_PER_CUSTOMER`].
    UsagePerCustomer,
    /// A monthly infrastructure cost, 0 to [`MAX_MONTHLY_COST`].
    MonthlyCost,
}

impl Limited {
    /// The largest value allowed.
    pub fn most(self) -> Decimal {
        match self {
            Limited::Mrr => MAX_MRR,
            Limited::Customers => Decimal::from(MAX_CUSTOMERS),
            Limited::UsagePerCustomer => MAX_USAGE_PER_CUSTOMER,
            Limited::MonthlyCost => MAX_MONTHLY_COST,
        }
    }

    /// `value` when it is 0 or more (a negative zero counts as zero) and at
    /// most [`Limited::most`], with its sign cleared.
    pub fn check(self, value: Decimal) -> Result<Decimal, OutOfRange> {
        if (value.is_sign_negative() && !value.is_zero()) || value > self.most() {
            Err(OutOfRange { what: self, value })
        } else {
            Ok(value.abs())
        }
    }
}

/// Checks an MRR and rounds it to the cent (half away from zero): revenue is
/// counted in cents.
pub fn checked_mrr(mrr: Decimal) -> Result<Decimal, OutOfRange> {
    Ok(Limited::Mrr
        .check(mrr)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// Checks a customer count.
pub fn checked_customers(customers: u64) -> Result<u64, OutOfRange> {
    Limited::Customers.check(Decimal::from(customers))?;
    Ok(customers)
}

/// Checks a usage value per customer.
pub fn checked_usage(value: Decimal) -> Result<Decimal, OutOfRange> {
    Limited::UsagePerCustomer.check(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_the_documented_numbers() {
        assert_eq!(MAX_MRR, Decimal::from(1_000_000_000_000_u64));
        assert_eq!(MAX_USAGE_PER_CUSTOMER, Decimal::from(1_000_000_000_u64));
        assert_eq!(MAX_MONTHLY_COST, Decimal::from(1_000_000_000_000_000_u64));
    }

    #[test]
    fn mrr_is_checked_and_rounded_to_the_cent() {
        assert_eq!(
            checked_mrr(Decimal::new(18_000_505, 3)),
            Ok(Decimal::new(1_800_051, 2))
        );
        assert!(checked_mrr(Decimal::NEGATIVE_ONE).is_err());
        assert!(checked_mrr(MAX_MRR + Decimal::ONE).is_err());
        assert_eq!(
            checked_mrr(Decimal::NEGATIVE_ONE * Decimal::ZERO),
            Ok(Decimal::ZERO)
        );
    }

    #[test]
    fn customers_and_usage_are_bounded() {
        assert!(checked_customers(MAX_CUSTOMERS).is_ok());
        assert!(checked_customers(MAX_CUSTOMERS + 1).is_err());
        assert!(checked_usage(MAX_USAGE_PER_CUSTOMER).is_ok());
        assert!(checked_usage(MAX_USAGE_PER_CUSTOMER + Decimal::ONE).is_err());
        assert!(checked_usage(Decimal::NEGATIVE_ONE).is_err());
    }
}
