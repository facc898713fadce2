"""What a restored instance must satisfy, each check a line of the restore command's output:
rows per table as the manifest counted them, the audit chain, every signed document's bytes (Word
and PDF) against their stored SHA-256, the images and templates likewise, every stored file present
under UPLOAD_FOLDER with its stored SHA-256 and size."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import verify_chain
from ..documents.models import PlanTemplate, SignedDocument, UserSignature
from ..extensions import db
from ..organisation.models import Organisation
from ..uploads.models import StoredFile
from ..uploads.service import path_of
from .archive import file_sha256


@dataclass
class Check:
    ok: bool
    line: str


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def counts(found: dict[str, int], expected: dict[str, int]) -> Check:
    wrong = [f"bảng {t}: {found.get(t, 'không có')} thay vì {n}" for t, n in sorted(expected.items())
             if found.get(t) != n]
    wrong += [f"bảng {t} không có trong bản kê" for t in sorted(set(found) - set(expected))]
    if wrong:
        return Check(False, "LỖI số bản ghi không khớp bản kê: " + "; ".join(wrong) + ".")
    return Check(True, f"Số bản ghi khớp bản kê: {len(expected)} bảng, {sum(expected.values())} bản ghi.")


def audit_chain() -> Check:
    result = verify_chain()
    if result.ok:
        return Check(True, f"Nhật ký nguyên vẹn: {result.checked} bản ghi, chuỗi băm khớp.")
    return Check(False, f"LỖI nhật ký: bản ghi #{result.bad_id} không khớp — {result.reason} "
                        f"({result.checked} bản ghi trước đó khớp).")


def signed_documents() -> list[Check]:
    rows = db.session.execute(sa.select(SignedDocument.id, SignedDocument.number, SignedDocument.plan_id,
                                        SignedDocument.sha256, SignedDocument.size,
                                        SignedDocument.pdf_sha256).order_by(SignedDocument.id)).all()
    bad, bad_ids, pdfs = [], set(), 0
    for doc_id, number, plan_id, sha256, size, pdf_sha256 in rows:
        docx, pdf = db.session.execute(sa.select(SignedDocument.docx, SignedDocument.pdf)
                                       .where(SignedDocument.id == doc_id)).one()
        if _sha(docx) != sha256 or len(docx) != size:
            bad_ids.add(doc_id)
            bad.append(Check(False, f"LỖI văn bản đã ký {number} (kế hoạch #{plan_id}): tệp Word không khớp "
                                    f"SHA-256 đã lưu ({sha256[:12]}…)."))
        if pdf_sha256 is not None:
            pdfs += 1
            if _sha(pdf) != pdf_sha256:
                bad_ids.add(doc_id)
                bad.append(Check(False, f"LỖI văn bản đã ký {number} (kế hoạch #{plan_id}): bản PDF không khớp "
                                        f"SHA-256 đã lưu ({pdf_sha256[:12]}…)."))
    good_docs = len(rows) - len(bad_ids)
    summary = Check(not bad, f"Văn bản đã ký: {good_docs}/{len(rows)} văn bản đã ký khớp SHA-256 "
                             f"(tệp Word, và {pdfs} bản PDF đã chuyển).")
    return [summary, *bad]


def images_and_templates() -> list[Check]:
    bad, total = [], 0
    for user_id, sha256 in db.session.execute(sa.select(UserSignature.user_id, UserSignature.sha256)).all():
        total += 1
        image = db.session.execute(sa.select(UserSignature.image).where(UserSignature.user_id == user_id)).scalar()
        if _sha(image) != sha256:
            bad.append(Check(False, f"LỖI ảnh chữ ký của người dùng #{user_id} không khớp SHA-256 đã lưu."))
    for template_id, name, sha256 in db.session.execute(
            sa.select(PlanTemplate.id, PlanTemplate.filename, PlanTemplate.sha256)).all():
        total += 1
        data = db.session.execute(sa.select(PlanTemplate.data).where(PlanTemplate.id == template_id)).scalar()
        if _sha(data) != sha256:
            bad.append(Check(False, f"LỖI mẫu Word “{name}” (#{template_id}) không khớp SHA-256 đã lưu."))
    seal = db.session.execute(sa.select(Organisation.seal_image, Organisation.seal_sha256)
                              .where(Organisation.seal_sha256.is_not(None))).first()
    if seal is not None:
        total += 1
        if _sha(seal[0]) != seal[1]:
            bad.append(Check(False, "LỖI ảnh con dấu không khớp SHA-256 đã lưu."))
    return [Check(not bad, f"Ảnh chữ ký, con dấu và mẫu Word: {total - len(bad)}/{total} khớp SHA-256."), *bad]


def stored_files() -> list[Check]:
    rows = db.session.execute(sa.select(StoredFile).order_by(StoredFile.id)).scalars().all()
    bad = []
    for stored in rows:
        path = path_of(stored)
        if not os.path.isfile(path):
            bad.append(Check(False, f"LỖI thiếu tệp {stored.storage_key} (“{stored.original_name}”)."))
        elif os.path.getsize(path) != stored.size or file_sha256(path) != stored.sha256:
            bad.append(Check(False, f"LỖI tệp {stored.storage_key} (“{stored.original_name}”) không khớp "
                                    f"SHA-256 đã lưu."))
    db.session.expunge_all()
    return [Check(not bad, f"Tệp đính kèm (minh chứng, kết quả công việc): {len(rows) - len(bad)}/{len(rows)} "
                           f"tệp có mặt và khớp SHA-256."), *bad]


def restored_instance() -> list[Check]:
    """Every check on the instance as it now stands (after any migration)."""
    return [audit_chain(), *signed_documents(), *images_and_templates(), *stored_files()]
