"""`podcheck batch`: assess many units, keep an executed notebook, the result and reports per unit, then
write the portfolio."""
