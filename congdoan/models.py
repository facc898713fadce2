"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""
from .audit.models import AuditEntry  # noqa: F401
from .organisation.models import Organisation  # noqa: F401
from .people.models import Group, User, UserRole  # noqa: F401
from .people.import_jobs import MemberImport  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .plans.models import Plan, PlanBasis, PlanEditor, PlanLine, PlanSection, PlanVersion, ScheduleActivity, ScheduleRow  # noqa: F401,E501
from .plans.copy_review import CopyReviewItem  # noqa: F401
from .approvals.models import ApprovalRound, RoundComment, Vote  # noqa: F401
from .uploads.models import StoredFile  # noqa: F401
from .member_requests.models import Campaign, MemberRequest, RequestEvent, RequestFile  # noqa: F401
from .member_requests.payments import Payment  # noqa: F401
from .documents.models import DocumentCounter, PlanTemplate, SignedDocument, UserSignature  # noqa: F401
from .tasks.models import Task, TaskEvent  # noqa: F401
from .changes import ChangeCounter  # noqa: F401
from .jobs.models import Job  # noqa: F401
from .submissions.models import FormSubmission  # noqa: F401
from .plans.news_models import PlanSeen  # noqa: F401
