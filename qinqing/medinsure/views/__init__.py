"""Pages of clean medical insurance (清廉医保), one module per area."""
