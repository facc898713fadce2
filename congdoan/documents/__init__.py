"""Official Word documents: the plan template, rendering, PDF conversion and Word import."""
