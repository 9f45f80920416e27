"""Every feature's models, imported together so that Alembic and the app see the whole schema."""

from portal.accommodations import models as accommodations
from portal.accounts import models as accounts
from portal.audit import models as audit
from portal.cases import models as cases
from portal.core import models as core
from portal.documents import models as documents
from portal.duty import models as duty
from portal.files import models as files
from portal.inbox import models as inbox
from portal.intake import models as intake
from portal.items import models as items
from portal.mail import models as mail
from portal.messages import models as messages
from portal.metrics import models as metrics
from portal.notes import models as notes
from portal.notices import models as notices
from portal.plans import models as plans
from portal.reminders import models as reminders
from portal.restrictions import models as restrictions
from portal.tasks import models as tasks

__all__ = [
    "accommodations",
    "accounts",
    "audit",
    "cases",
    "core",
    "documents",
    "duty",
    "files",
    "inbox",
    "intake",
    "items",
    "mail",
    "messages",
    "metrics",
    "notes",
    "notices",
    "plans",
    "reminders",
    "restrictions",
    "tasks",
]
