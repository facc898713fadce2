"""Searching without accents, each typed word the start of a word: "Hưng" found "Phan Thị Nhung"
because her folded name "nhung" contains "hung"."""
import sqlalchemy as sa

from congdoan.extensions import db
from congdoan.people.models import User
from congdoan.search import starts_words

from .conftest import make_user, text_of
from .plan_factories import make_plan


def _names(query: str) -> set[str]:
    return set(db.session.scalars(sa.select(User.full_name).where(starts_words(User.name_key, query))))


def test_a_word_matches_the_start_of_a_word_only():
    for name in ("Trần Văn Hưng", "Phan Thị Nhung", "Lê Hùng", "Nguyễn Thị Hương"):
        make_user(name)
    assert _names("Hưng") == {"Trần Văn Hưng", "Lê Hùng"}
    assert _names("hung tran") == {"Trần Văn Hưng"}
    assert _names("nhung") == {"Phan Thị Nhung"}
    assert _names("huo") == {"Nguyễn Thị Hương"}


def test_like_wildcards_typed_are_plain_characters():
    make_user("Phan Thị Nhung")
    assert _names("%") == set() and _names("_hung") == set()


def test_people_list_search(client, signed_in):
    signed_in(make_user("Quản Trị", roles=["admin"]))
    make_user("Trần Văn Hưng")
    make_user("Phan Thị Nhung")
    page = text_of(client.get("/quan-tri/nguoi-dung?q=H%C6%B0ng"))
    assert "Trần Văn Hưng" in page and "Phan Thị Nhung" not in page


def test_plan_search_matches_words_inside_year_ranges(client, signed_in):
    author = make_user("Lê Thị Thu Hà", roles=["committee"])
    make_plan(author, "Hoạt động Công đoàn năm học 2023-2024")
    make_plan(author, "Tổ chức Tết Trung thu")
    signed_in(author)
    page = text_of(client.get("/ke-hoach/?q=2024"))
    assert "năm học 2023-2024" in page and "Trung thu" not in page
    assert "Tết Trung thu" in text_of(client.get("/ke-hoach/?q=tet%20trung"))
    assert "Tết Trung thu" not in text_of(client.get("/ke-hoach/?q=rung"))
