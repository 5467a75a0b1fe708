"""Who may do what in the learn area (in ``pharos.coordinate.permissions`` terms).

- ``learn:import``: the national coordinator (and administrators) upload CTDC, HTCDS or UNODC
  files on the import page.
- ``learn:delete``: the same people delete a dataset from the analytics store (audited).
- ``learn:read``: analytics, trends and the equal-protection monitor show only aggregates that
  passed the small-cell rule, so every practitioner may read them.
- ``lesson``: every practitioner reads the library and may add lessons from their work.
- ``improvement``: an agency tracks its own improvement plan; the national coordinator sees and
  updates every item of the state.
"""

from __future__ import annotations

from pharos.coordinate.permissions import ADMIN, ALL_KINDS, Scope, declare, grant
from pharos.domain.practitioners import PractitionerKind

declare("learn", {"read", "import", "delete"})
declare("lesson", {"read", "create"})
declare("improvement", {"read", "create", "update"})

grant([*ALL_KINDS, ADMIN], "learn", "read", [Scope.ALL])
grant([*ALL_KINDS, ADMIN], "lesson", "read", [Scope.ALL])
grant(ALL_KINDS, "lesson", "create", [Scope.OWN])
# importing case data changes what everyone sees: the national coordinator and administrators
grant([PractitionerKind.NATIONAL_COORDINATOR.value, ADMIN], "learn", "import", [Scope.ALL])
grant([PractitionerKind.NATIONAL_COORDINATOR.value, ADMIN], "learn", "delete", [Scope.ALL])
grant(ALL_KINDS, "improvement", "read", [Scope.AGENCY])
grant(ALL_KINDS, "improvement", "create", [Scope.AGENCY])
grant(ALL_KINDS, "improvement", "update", [Scope.AGENCY])
grant([PractitionerKind.NATIONAL_COORDINATOR.value], "improvement", "read", [Scope.STATE])
grant([PractitionerKind.NATIONAL_COORDINATOR.value], "improvement", "update", [Scope.STATE])
