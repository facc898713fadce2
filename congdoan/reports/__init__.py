"""The year-end report (báo cáo tổng kết): a document of the kind "report" (congdoan/plans/kinds.py)
drafted from the records of a period."""
