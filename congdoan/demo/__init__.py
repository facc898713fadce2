"""Demo data for seed-demo: the Thành Tô primary-school union, after the real plan in
../shared/examples (the Word file is kept here too, so a clone without shared/ still has it)."""
from pathlib import Path

EXAMPLE_DOCX = Path(__file__).with_name("ke-hoach-cong-doan-nam-hoc-2023-2024.docx")
