"""People in Vietnamese alphabetical order: by given name, letters before tones, then family names.
Lists were sorted by the accent-free search key ("Ánh" mixed into "Anh", "Đức" among the D's)."""
import re

from congdoan.collation import name_sort_key

from .conftest import make_group, make_user, text_of

EXPECTED = ["Lê An", "Lê Anh", "Trần Văn Anh", "Nguyễn Thị Ánh", "Bùi Thị Ăn", "Đỗ Thị Ân", "Vũ Văn Dũng",
            "Phạm Minh Đức", "Nguyễn Thị Hoa", "Trần Thị Hoa", "Lê Thị Hòa", "Lê Thị Hóa", "Trần Văn Hùng",
            "Ngô Hưng", "Phan Thị Nhung", "Hoàng Văn Ơn", "Đặng Thị Ưng", "Hoàng Thị Zung"]


def test_the_vietnamese_order():
    assert sorted(reversed(EXPECTED), key=name_sort_key) == EXPECTED
    assert sorted(EXPECTED[::3] + EXPECTED[1::3] + EXPECTED[2::3], key=name_sort_key) == EXPECTED


def test_the_key_is_the_same_for_decomposed_text_and_sorts_as_plain_ascii():
    import unicodedata
    name = "Nguyễn Thị Ánh"
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)
    assert re.fullmatch(r"[0-9a-z]+", name_sort_key(name))
    assert name_sort_key("") == "" and name_sort_key("   ") == ""


def test_the_people_list_is_in_vietnamese_order(client, signed_in):
    signed_in(make_user("Quản Trị Zy", roles=["admin"]))
    for name in reversed(EXPECTED):
        make_user(name)
    page = text_of(client.get("/quan-tri/nguoi-dung?trang_thai=all"))
    positions = [page.index(name) for name in EXPECTED]
    assert positions == sorted(positions)


def test_a_group_card_lists_its_members_in_vietnamese_order(client, signed_in):
    group = make_group("Tổ Khối 1")
    for name in ("Phạm Minh Đức", "Vũ Văn Dũng", "Nguyễn Thị Ánh", "Trần Văn Anh"):
        make_user(name, group=group)
    signed_in(make_user("Lê An", group=group))
    page = text_of(client.get("/"))
    order = ["Lê An", "Trần Văn Anh", "Nguyễn Thị Ánh", "Vũ Văn Dũng", "Phạm Minh Đức"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
