"""Member requests (đề xuất, đơn) and the campaigns that collect them (đợt tiếp nhận).

kinds.py     the one table of request kinds: their fields, labels, required flags, privacy
workflow.py  the states, the one table of transitions, the only writer of the status column
models.py    MemberRequest (with can_view), RequestEvent (the timeline), RequestFile, Campaign
services.py  submitting, evidence, campaigns; validate and flush, the view commits
queries.py   lists and inboxes; exports.py: the Excel lists
payments.py  payment records (ngày chi, số phiếu chi, người nhận): numbering, checks, corrections
payment_routes.py, signing_list.py  the payment form, its correction, a campaign's Danh sách ký nhận
"""
