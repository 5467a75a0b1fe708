"""Route modules. Each area registers ONE line here: its module name under ``pharos.web.routes``;
the module exposes ``router`` (a FastAPI ``APIRouter``)."""

ROUTE_MODULES: list[str] = [
    "accounts",
    "analysis",
    "analysis_runs",
    "api",
    "api_docs",
    "cases",
    "casework_files",
    "dashboard",
    "estimate",
    "exercise_studio",  # before "exercise": /exercises/studio is no exercise id
    "exercise_setup",  # before "exercise": /exercises/new is no exercise id
    "exercise",
    "exercise_archive",
    "exercise_api",
    "exercise_people",
    "exercise_review",
    "exercise_cases",
    "directory",
    "learn",
    "learn_datasets",
    "learn_export",
    "learn_lessons",
    "notifications",
    "referrals",
    "requests",
    "screening_offline",  # before "screening": /screenings/offline/ is no screening id
    "screening",
]
