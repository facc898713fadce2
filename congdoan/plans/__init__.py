"""Plans (kế hoạch): structured drafting, inline editing, versions, copy to next year, diff."""
