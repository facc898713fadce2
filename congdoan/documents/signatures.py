"""A person's own signature image and the union's seal: stored checked and re-encoded (images.py),
printed on the documents they sign (stamps.py). Flush only; the view commits."""
from __future__ import annotations

from ..audit.service import record
from ..dates import utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..organisation.models import Organisation
from ..people.models import User
from ..permissions import require_chair
from .images import MAX_UPLOAD_BYTES, CheckedImage, ImageRefused, check_image
from .models import UserSignature

MAX_IMAGE_BYTES = MAX_UPLOAD_BYTES

def signature_of(user: User) -> UserSignature | None:
    return db.session.get(UserSignature, user.id)


def save_signature(user: User, data: bytes) -> UserSignature:
    """Store (or replace) this person's own signature image. Refused: not a PNG/JPEG, too large."""
    checked = _checked(data, "chữ ký", "signature")
    signature = db.session.get(UserSignature, user.id)
    if signature is None:
        signature = UserSignature(user_id=user.id)
        db.session.add(signature)
    signature.image, signature.sha256 = checked.png, checked.sha256
    signature.width, signature.height = checked.width, checked.height
    signature.uploaded_at = utcnow()
    db.session.flush()
    record("signature_uploaded", user, actor=user, summary="Cập nhật ảnh chữ ký",
           data={"sha256": checked.sha256})
    return signature


def delete_signature(user: User) -> None:
    signature = db.session.get(UserSignature, user.id)
    if signature is not None:
        db.session.delete(signature)
        record("signature_deleted", user, actor=user, summary="Xóa ảnh chữ ký")
        db.session.flush()


def _checked(data: bytes, what: str, field: str) -> CheckedImage:
    try:
        return check_image(data, what)
    except ImageRefused as exc:
        raise ValidationFailed({field: str(exc)}) from None


def save_seal(data: bytes, *, actor: User) -> None:
    """Store the union's seal image (the chair only)."""
    require_chair(actor, "thay ảnh con dấu")
    checked = _checked(data, "con dấu", "seal")
    org = Organisation.get_for_update()
    org.seal_image, org.seal_sha256 = checked.png, checked.sha256
    db.session.flush()
    record("seal_uploaded", org, actor=actor, summary="Cập nhật ảnh con dấu", data={"sha256": checked.sha256})


def remove_seal(*, actor: User) -> None:
    require_chair(actor, "gỡ ảnh con dấu")
    org = Organisation.get_for_update()
    if org.seal_sha256 is not None:
        org.seal_image, org.seal_sha256 = None, None
        db.session.flush()
        record("seal_removed", org, actor=actor, summary="Gỡ ảnh con dấu")
