"""The shapes the HTTP API reads and writes.

Each role gets its own response models, so that a protected field cannot leak by accident:
``AnonymousCandidate`` has no field for a name, an IIN, an offence, an institution, a civil
claim, health or needs, whatever the code that fills it does.
"""

from __future__ import annotations

from service.api.schemas.admin import AdminTokenIn as AdminTokenIn
from service.api.schemas.admin import AuditOut as AuditOut
from service.api.schemas.admin import EmployerTokenIn as EmployerTokenIn
from service.api.schemas.admin import StaffTokenIn as StaffTokenIn
from service.api.schemas.admin import TokenCreated as TokenCreated
from service.api.schemas.admin import TokenIn as TokenIn
from service.api.schemas.admin import TokenOut as TokenOut
from service.api.schemas.common import DAY_PATTERN as DAY_PATTERN
from service.api.schemas.common import REGION_KATO as REGION_KATO
from service.api.schemas.common import Day as Day
from service.api.schemas.common import Education as Education
from service.api.schemas.common import Error as Error
from service.api.schemas.common import ErrorBody as ErrorBody
from service.api.schemas.common import ErrorDetail as ErrorDetail
from service.api.schemas.common import Health as Health
from service.api.schemas.common import IsoDate as IsoDate
from service.api.schemas.common import Kind as Kind
from service.api.schemas.common import Moment as Moment
from service.api.schemas.common import Responsible as Responsible
from service.api.schemas.common import Whole as Whole
from service.api.schemas.data import AllocationIn as AllocationIn
from service.api.schemas.data import AllocationOut as AllocationOut
from service.api.schemas.data import AssignmentOut as AssignmentOut
from service.api.schemas.data import EventIn as EventIn
from service.api.schemas.data import Events as Events
from service.api.schemas.data import ImportResult as ImportResult
from service.api.schemas.data import OptionOut as OptionOut
from service.api.schemas.jobs import JobAccepted as JobAccepted
from service.api.schemas.jobs import JobError as JobError
from service.api.schemas.jobs import JobOut as JobOut
from service.api.schemas.lists import AnonymousCandidate as AnonymousCandidate
from service.api.schemas.lists import EmployerCandidates as EmployerCandidates
from service.api.schemas.lists import ItemList as ItemList
from service.api.schemas.lists import ItemOut as ItemOut
from service.api.schemas.lists import NoticeOut as NoticeOut
from service.api.schemas.lists import ReasonOut as ReasonOut
from service.api.schemas.model import ModelCard as ModelCard
from service.api.schemas.model import ModelVersionOut as ModelVersionOut
from service.api.schemas.model import Refusal as Refusal
from service.api.schemas.model import RetrainOut as RetrainOut
from service.api.schemas.model import RollbackIn as RollbackIn
from service.api.schemas.occupations import CodeList as CodeList
from service.api.schemas.occupations import CodeOut as CodeOut
from service.api.schemas.occupations import ConfirmedOccupationOut as ConfirmedOccupationOut
from service.api.schemas.occupations import OccupationIn as OccupationIn
from service.api.schemas.occupations import ReadingOut as ReadingOut
from service.api.schemas.occupations import Readings as Readings
from service.api.schemas.persons import PersonFields as PersonFields
from service.api.schemas.persons import PersonIn as PersonIn
from service.api.schemas.persons import PersonPublic as PersonPublic
from service.api.schemas.persons import PersonReplace as PersonReplace
from service.api.schemas.plans import ActionEdit as ActionEdit
from service.api.schemas.plans import ActionNew as ActionNew
from service.api.schemas.plans import PlanOut as PlanOut
from service.api.schemas.plans import PlanVersionOut as PlanVersionOut
from service.api.schemas.reports import QuotaLedgerOut as QuotaLedgerOut
from service.api.schemas.reports import QuotaOutcomesOut as QuotaOutcomesOut
from service.api.schemas.reports import QuotaRowOut as QuotaRowOut
from service.api.schemas.reports import QuotaWindowOut as QuotaWindowOut
from service.api.schemas.reports import RetentionOut as RetentionOut
