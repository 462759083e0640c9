"""Statistics: per-case facts read from the audit chain, monthly rollups the scheduler keeps, and
the figures, dashboards, CSV files and annual report made from them."""
