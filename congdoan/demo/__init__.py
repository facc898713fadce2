"""Demo data for seed-demo: the Thành Tô primary-school union."""
