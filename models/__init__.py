"""SQLAlchemy models, the database handle and migrations."""

from models.base import Base
from models.health import HealthSnapshot, ReportFile, StatusOverride
from models.login import LoginFailure
from models.people import OutboxMessage, Person, Subscription
from models.programme import (
    Department,
    DepartmentMember,
    Item,
    ItemDepartment,
    Milestone,
    Programme,
    ProgrammeChange,
    Target,
)
from models.project import Evidence, ProgressReport, Project, Transition
from models.published import PublishedFile, PublishedReport
from models.review import Submission
from models.revision import Revision
from models.supervision import Notice, NoticeStep
from models.user import User, UserChange

__all__ = [
    "Base",
    "Department",
    "DepartmentMember",
    "Evidence",
    "HealthSnapshot",
    "Item",
    "ItemDepartment",
    "LoginFailure",
    "Milestone",
    "Notice",
    "NoticeStep",
    "OutboxMessage",
    "Person",
    "Programme",
    "ProgrammeChange",
    "ProgressReport",
    "Project",
    "PublishedFile",
    "PublishedReport",
    "ReportFile",
    "Revision",
    "StatusOverride",
    "Submission",
    "Subscription",
    "Target",
    "Transition",
    "User",
    "UserChange",
]
