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


# Subjects written the many ways people write them: ranges with and without spaces (and with an en dash,
# which is no word boundary), dates, quotes straight and curly, parentheses, numbers, LIKE's wildcards.
SUBJECTS = [
    "Hoạt động Công đoàn năm học 2023-2024", "Hoạt động Công đoàn năm học 2023 - 2024",
    "Tổ chức Đại hội Công đoàn cơ sở nhiệm kỳ 2023–2028", "Kế hoạch tổ chức Ngày Quốc tế Thiếu nhi 1/6",
    "Tổ chức Tết Trung thu (Rằm tháng Tám)", "Tổ chức “Tết sum vầy” năm 2024",
    'Phát động phong trào "Giỏi việc nước, đảm việc nhà"', "Hội thao CNVCLĐ (CĐ) năm 2025",
    "Kỷ niệm 20/10 - Ngày Phụ nữ Việt Nam", "Thăm hỏi đoàn viên ốm đau 01/KH-CĐ",
    "Chương trình 'Mái ấm Công đoàn'", "Báo cáo sơ kết học kỳ I/2024-2025", "Kế hoạch 100% đoàn viên tham gia",
    "Tổ_chức thi đua", "Quà cho chị Phan Thị Nhung", "Khen thưởng con đoàn viên học giỏi năm học 2024–2025",
    "Hội nghị người lao động năm 2024 (đợt 2)", "Tết Nguyên đán Giáp Thìn 2024",
    "Tham quan (học tập) tại Đà Nẵng/Hội An", "TẾT THIẾU NHI", "Kế hoạch 30/4-1/5",
]
QUERIES = [
    "tet", "Tết Trung thu", "trung thu", "rung", "2024", "2023-2024", "2023 - 2024", "2028", "1/6", "6", "(cd)",
    "cd", "“tet", "tet sum", "vay", "gioi", "\"gioi", "viec", "20/10", "10", "kh-cd", "kh", "mai am", "'mai",
    "i/2024", "2025", "100%", "100", "%", "_", "to_chuc", "chuc", "hung", "nhung", "thu", "hoi an", "an",
    "dot 2", "2)", "nam hoc 2024", "a", "h", "Đà Nẵng", "TẾT thiếu", "1/5", "30/4-1/5", "4-1", "hoc tap)",
    "ke hoach to chuc ngay quoc te thieu nhi 1/6 nam",
]


def _hits(condition) -> set[str]:
    from congdoan.plans.models import Plan
    return set(db.session.scalars(sa.select(Plan.subject).where(condition)))


def _starts_words_before(column, query: str):
    """starts_words as it was before its containment test: eight LIKEs a word, nothing in front."""
    from congdoan.search import _BEFORE_WORD, _escaped, words_of
    return sa.and_(*(sa.or_(column.like(f"{w}%", escape="\\"),
                            *(column.like(f"%{sep}{w}%", escape="\\") for sep in _BEFORE_WORD))
                     for w in map(_escaped, words_of(query))))


def test_the_containment_test_in_front_changes_no_hit():
    from congdoan.plans.models import Plan
    from congdoan.search import _BEFORE_WORD, words_of
    from congdoan.text import fold
    author = make_user("Lê Thị Thu Hà", roles=["committee"])
    for subject in SUBJECTS:
        make_plan(author, subject)
    keys = dict(db.session.execute(sa.select(Plan.subject, Plan.search_key)).all())
    assert all(fold(subject) in key for subject, key in keys.items())
    for query in QUERIES:
        words = words_of(query)
        expected = {s for s, key in keys.items()
                    if all(key.startswith(w) or any(sep + w in key for sep in _BEFORE_WORD) for w in words)}
        assert _hits(starts_words(Plan.search_key, query)) == expected, query
        assert _hits(_starts_words_before(Plan.search_key, query)) == expected, query
    assert _hits(starts_words(Plan.search_key, "2023-2024")) == {SUBJECTS[0]}
    assert _hits(starts_words(Plan.search_key, "tet")) == {SUBJECTS[4], SUBJECTS[5], SUBJECTS[17], SUBJECTS[19]}
    assert _hits(starts_words(Plan.search_key, "rung")) == set()


def test_a_word_is_tested_for_containment_before_its_word_starts():
    """Each word's one LIKE '%word%' comes first (a key without the word fails after one LIKE), in SQL
    order: SQLite tests AND's terms in the order written; PostgreSQL orders a scan's filters by cost,
    cheapest first, which keeps the single LIKEs before the ORs of eight (its plan says so)."""
    from congdoan.plans.models import Plan
    condition = starts_words(Plan.search_key, "tet trung")
    sql = str(condition.compile(compile_kwargs={"literal_binds": True}))
    assert sql.index("'%tet%'") < sql.index("'%trung%'") < sql.index("'tet%'") < sql.index("'trung%'")
    assert sql.count("LIKE") == 2 * (1 + 8)
    if db.engine.dialect.name == "postgresql":
        make_plan(make_user(roles=["committee"]), "Tổ chức Tết Trung thu")
        query = sa.select(sa.func.count(Plan.id)).where(Plan.kind == "plan", condition).compile(db.engine)
        plan = "\n".join(db.session.connection().exec_driver_sql("EXPLAIN " + str(query), query.params).scalars())
        found = plan.index("Filter: ")
        assert plan.index("'%tet%'", found) < plan.index("'%trung%'", found) < plan.index("'tet%'", found), plan
