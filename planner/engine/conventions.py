"""Market conventions every engine module shares, each stated once (DESIGN.md sections 2 and 3)."""

from __future__ import annotations

# Year fractions are calendar days / 365 from the valuation date (DESIGN.md section 2); theta is
# per calendar day on the same count.
DAYS_PER_YEAR = 365.0

# The hedge's carry is its P&L over 30 days with SPX and VIX unchanged, annualised x 365 / 30
# (DESIGN.md section 3, "Hedge cost"); the plan's hedge and the ALVH proposal use the same span.
CARRY_DAYS = 30
