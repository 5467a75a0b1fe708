"""The scenario studio: write exercise scenarios in the browser (issue 17, item 1).

Create a scenario from a bundled template, a copy of a saved version or an imported YAML file;
edit its file, documents and translations as text, checked as you type by the validator of
``pharos exercise validate`` (``POST .../check``, the same checks, every problem with its file,
line and field); see each persona and inject as the players will, the injects on a timeline;
save versions (kept in the database, ``pharos.exercise.runtime.studio``); export a version's
YAML; start an exercise from a version. Only those who may direct exercises
(``exercise_scenario`` in ``pharos.coordinate.permissions``) see any of it: a scenario holds
every persona's hidden truth.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pharos.coordinate.permissions import PermissionDenied, Principal, allowed
from pharos.domain import userfile
from pharos.domain.explain import indicator_label
from pharos.domain.vocabulary import ExploitationType
from pharos.domain.vocabulary_labels import label
from pharos.exercise.runtime.rehearsal import rehearse, shown
from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.studio import (
    Studio,
    StudioRefused,
    Version,
    template_source,
    templates,
)
from pharos.exercise.scenario.edit import add_item
from pharos.exercise.scenario.loader import LoadedScenario, Problem, check_source
from pharos.exercise.scenario.schema import (
    Channel,
    ExerciseScenario,
    Inject,
    TriggerOn,
    day_to_minutes,
)
from pharos.exercise.scenario.source import ScenarioSource
from pharos.exercise.words import wording
from pharos.exercise.words.names import clock_label
from pharos.i18n import _, lazy_gettext
from pharos.store.uow import UnitOfWork
from pharos.web import nav
from pharos.web.deps import signed_in, uow
from pharos.web.forms import body
from pharos.web.templating import environment, render

nav.add(
    nav.NavEntry(
        lazy_gettext("Scenario studio"), "/exercises/studio", "exercise_scenario", "read", order=51
    )
)
router = APIRouter()


def _studio(request: Request) -> Studio:
    return Studio(request.app.state.engine)


def _may(p: Principal, action: str) -> None:
    if not allowed(p, "exercise_scenario", action):
        raise PermissionDenied()


def _version(request: Request, key: str, number: int | None = None) -> Version:
    try:
        return _studio(request).version(key, number)
    except KeyError:
        raise HTTPException(404) from None


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problems
    ]


# -- list, create, import ---------------------------------------------------------------------
@router.get("/exercises/studio", include_in_schema=False)
def studio_home(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    _may(p, "read")
    studio = _studio(request)
    context = {
        "scenarios": studio.scenarios(),
        "templates": templates(),
        "writes": allowed(p, "exercise_scenario", "write"),
    }
    return render(request, "exercise/studio_list.html", context)


@router.post("/exercises/studio", include_in_schema=False)
async def studio_create(
    request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """A new studio scenario: from a template (``template``), a copy of a saved version
    (``copy``: ``key@number``) or an imported YAML file (``file``)."""
    ctype = request.headers.get("content-type", "")
    upload: Any = None
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        data: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
    else:
        data = await body(request)
    _may(p, "write")
    studio = _studio(request)
    try:
        if data.get("template"):
            names = {t.name for t in await run_in_threadpool(templates)}
            if data["template"] not in names:
                raise StudioRefused(_("Choose one of the templates."))
            src = await run_in_threadpool(template_source, str(data["template"]))
            note = _("From the template %(name)s") % {"name": data["template"]}
        elif data.get("copy"):
            key, _sep, number = str(data["copy"]).partition("@")
            if not number.isdigit():
                raise StudioRefused(_("Choose a version to copy."))
            v = _version(request, key, int(number))
            src = await run_in_threadpool(studio.source, v)
            note = _("A copy of %(title)s, version %(n)s") % {"title": v.title, "n": v.number}
        elif upload is not None and hasattr(upload, "read"):
            raw = await upload.read(userfile.MAX_SCENARIO_BYTES + 1)
            src = _imported(str(getattr(upload, "filename", "") or "scenario.yaml"), raw)
            note = _("Imported from %(file)s") % {"file": src.name}
            into = str(data.get("into") or "")
            if into:
                base = await run_in_threadpool(studio.source, _version(request, into))
                src = ScenarioSource(base.name, {**base.files, base.name: src.text})
                v = await run_in_threadpool(studio.replace, into, src, p.username, note)
                return RedirectResponse(f"/exercises/studio/{v.key}", status_code=303)
        else:
            raise StudioRefused(_("Choose a template, a version to copy or a file to import."))
        v = await run_in_threadpool(studio.create, src, p.username, note)
    except StudioRefused as exc:
        context = {
            "scenarios": studio.scenarios(),
            "templates": templates(),
            "writes": True,
            "refused": exc.message,
            "problems": exc.problems,
        }
        return render(request, "exercise/studio_list.html", context, status=422)
    return RedirectResponse(f"/exercises/studio/{v.key}", status_code=303)


def _imported(filename: str, raw: bytes) -> ScenarioSource:
    """An uploaded scenario file as a text named like the upload."""
    try:
        userfile.check_size(len(raw), userfile.MAX_SCENARIO_BYTES)
        text = raw.decode("utf-8")
    except userfile.UserFileError as exc:
        raise StudioRefused(exc.message) from None
    except UnicodeDecodeError:
        raise StudioRefused(_("The file is not UTF-8 text.")) from None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if not name.endswith((".yaml", ".yml")) or not name[:1].isalnum():
        name = "scenario.yaml"
    return ScenarioSource(name, {name: text})


# -- a rehearsal ------------------------------------------------------------------------------
@router.get("/exercises/studio/templates/rehearsal", include_in_schema=False)
async def studio_template_rehearsal(
    request: Request,
    template: str = "",
    seed: int | None = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A rehearsal of a bundled scenario (``pharos exercise rehearse NAME``)."""
    _may(p, "read")
    if template not in {t.name for t in await run_in_threadpool(templates)}:
        raise HTTPException(404)
    source = await run_in_threadpool(template_source, template)
    loaded, _problems = await run_in_threadpool(check_source, source)
    if loaded is None:
        raise HTTPException(404)
    return await _rehearsal(request, loaded, seed, "/exercises/studio")


@router.get("/exercises/studio/{key}/{number}/rehearsal", include_in_schema=False)
async def studio_rehearsal(
    key: str,
    number: int,
    request: Request,
    seed: int | None = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A rehearsal of a saved version: every team played by the standard procedures, at speed,
    in memory (``pharos.exercise.runtime.rehearsal``); nothing is stored."""
    _may(p, "read")
    v = await run_in_threadpool(_version, request, key, number)  # no query on the event loop
    try:
        loaded = await run_in_threadpool(_studio(request).loaded, v)
    except StudioRefused as exc:
        raise HTTPException(422, exc.message) from None
    return await _rehearsal(request, loaded, seed, f"/exercises/studio/{key}?version={number}")


async def _rehearsal(
    request: Request, loaded: LoadedScenario, seed: int | None, back: str
) -> Response:
    if seed is not None and seed < 0:
        raise HTTPException(422, _("The seed is a whole number from 0."))
    r = await run_in_threadpool(rehearse, loaded, seed)
    context = {"r": r, "v": shown(r, loaded), "back": back}
    return render(request, "exercise/rehearsal.html", context)


# -- the editor -------------------------------------------------------------------------------
@router.get("/exercises/studio/{key}", include_in_schema=False)
def studio_edit(
    key: str,
    request: Request,
    file: str | None = None,
    version: int | None = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    _may(p, "read")
    v = _version(request, key, version)
    return _editor(request, p, v, file)


def _editor(
    request: Request,
    p: Principal,
    v: Version,
    file: str | None,
    text: str | None = None,
    problems: list[Problem] | None = None,
    refused: str | None = None,
    note: str = "",
    status: int = 200,
) -> Response:
    studio = _studio(request)
    src = studio.source(v)
    file = file if file in src.files or (file and text is not None) else src.name
    assert file is not None
    shown = src.files.get(file, "") if text is None else text
    loaded = check_source(src)[0]
    context = {
        "v": v,
        "versions": studio.versions(v.key),
        "latest": studio.version(v.key).number,
        "files": sorted(src.files, key=lambda f: (f != src.name, f)),
        "file": file,
        "main": src.name,
        "text": shown,
        "problems": problems or [],
        "refused": refused,
        "note": note,
        "writes": allowed(p, "exercise_scenario", "write"),
        "directs": allowed(p, "exercise", "direct"),
        "preview": preview(loaded) if loaded is not None else None,
        # the "Add an inject" form's choices (from the version's scenario, when it loads)
        "teams": [(t.id, t.name) for t in loaded.localized().teams] if loaded else [],
        "channels": [(c.value, wording.channel(c)) for c in Channel],
        "triggers": [(t.value, wording.trigger(t, "…")) for t in TriggerOn],
        "places": [(x.id, x.name) for x in loaded.localized().places] if loaded else [],
        "storylines": [(x.id, x.title) for x in loaded.localized().storylines] if loaded else [],
        "genders": [
            ("woman", _("woman")),
            ("man", _("man")),
            ("girl", _("girl")),
            ("boy", _("boy")),
            ("other", _("other")),
        ],
        "exploitations": [(e.value, label(e)) for e in ExploitationType],
    }
    return render(request, "exercise/studio_edit.html", context, status=status)


def preview(loaded: LoadedScenario) -> dict[str, Any]:
    """What the preview shows: each persona as a team meets them and as the director knows
    them, and the injects on a timeline (in the reader's language, words rather than codes)."""
    sc: ExerciseScenario = loaded.localized()
    places = {pl.id: pl for pl in sc.places}
    teams = {t.id: t for t in sc.teams}
    evidence = {e.id: e for e in sc.evidence}
    names = {c.id: c.name for c in sc.characters}
    names |= {pl.id: pl.name for pl in sc.places}
    names |= {ph.id: ph.title for ph in sc.clock.phases}
    end = sc.clock.end_day

    def inject(i: Inject) -> dict[str, Any]:
        when = ""
        if i.trigger is not None:
            subject = i.trigger.subject
            named = (
                wording.country(subject)
                if i.trigger.when.value == "request_answered"
                else names.get(subject, subject)
            )
            when = wording.trigger(i.trigger.when, named)
        return {
            "inject": i,
            # when it reaches the teams, as the exercise's clock says it (day 1 is the first)
            "at": clock_label(day_to_minutes(i.at_day)) if i.at_day is not None else "",
            "channel": wording.channel(i.channel),
            "when": when,
            "left": min(100.0, 100.0 * (i.at_day or 0) / end),
            "to": [teams[t].name for t in i.to if t in teams],
            "evidence": [evidence[e].title for e in i.evidence if e in evidence],
        }

    return {
        "personas": [
            {
                "c": c,
                "place": places[c.place].name if c.place in places else "",
                "nationality": wording.country(c.nationality),
                "languages": [wording.language(x, in_sentence=True) for x in c.languages],
                "exploitation": label(c.truth.exploitation)
                if c.truth and c.truth.exploitation
                else "",
                # what each disclosure and the hidden truth show, by the indicators' names
                "ladder": [(d, [indicator_label(i) for i in d.indicators]) for d in c.ladder],
                "indicators": [indicator_label(i) for i in (c.truth.indicators if c.truth else [])],
            }
            for c in sc.personas()
        ],
        "timed": [
            inject(i)
            for i in sorted(
                (i for i in sc.injects if i.at_day is not None),
                key=lambda i: (i.at_day or 0, i.id),
            )
        ],
        "triggered": [inject(i) for i in sc.injects if i.trigger is not None],
        "deck": [inject(i) for i in sc.injects if i.deck],
        "phases": [
            {"phase": ph, "left": min(100.0, 100.0 * ph.starts_day / end)} for ph in sc.clock.phases
        ],
        "end_day": end,
        "start": clock_label(0),
        "end": clock_label(day_to_minutes(end)),
    }


@router.post("/exercises/studio/{key}/check", include_in_schema=False)
async def studio_check(
    key: str, request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """Validate a file being written (``file``, ``text``) with the scenario's other files of
    the version it was opened from (``version``): ``{"problems": [...], "preview": html}``."""
    data = await body(request)
    _may(p, "read")
    number = str(data.get("version") or "")
    v = _version(request, key, int(number) if number.isdigit() else None)
    text = data.get("text")
    file = str(data.get("file") or "")
    if not isinstance(text, str):
        raise HTTPException(422, _("Send the text to check."))
    try:
        userfile.check_size(len(text.encode("utf-8")), userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError as exc:
        return JSONResponse(
            {
                "problems": [{"file": file, "line": None, "field": "", "message": exc.message}],
                "preview": None,
            }
        )
    src = await run_in_threadpool(_studio(request).source, v)
    changed = src.with_file(file or src.name, text)
    loaded, problems = await run_in_threadpool(check_source, changed)
    html = None
    if loaded is not None:
        html = environment().get_template("exercise/studio_preview.html").render(pv=preview(loaded))
    return JSONResponse({"problems": _problems(problems), "preview": html})


@router.post("/exercises/studio/{key}/versions", include_in_schema=False)
async def studio_save(
    key: str, request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    data = await body(request)
    _may(p, "write")
    v = _version(request, key)
    base = str(data.get("base") or "")
    file = str(data.get("file") or "")
    text = data.get("text")
    note = str(data.get("note") or "")
    if not base.isdigit() or not isinstance(text, str) or not file:
        return _editor(
            request,
            p,
            v,
            file or None,
            None,
            [],
            _("Send the file, its text and the version it was opened from."),
            note,
            422,
        )
    try:
        saved = await run_in_threadpool(
            partial(
                _studio(request).save,
                key,
                int(base),
                p.username,
                note,
                file,
                text.replace("\r\n", "\n"),
            )
        )
    except StudioRefused as exc:
        return _editor(request, p, v, file, text, exc.problems, exc.message, note, 422)
    return RedirectResponse(
        f"/exercises/studio/{key}?file={file}&saved={saved.number}", status_code=303
    )


def _inject_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The inject of the "Add an inject" form, as the scenario format writes it (the validator
    checks it with the rest of the scenario)."""
    to = data.get("to") or []
    inject: dict[str, Any] = {
        "id": str(data.get("id") or "").strip(),
        "title": str(data.get("title") or "").strip(),
        "channel": str(data.get("channel") or ""),
        "sender": str(data.get("sender") or "").strip(),
        "to": [str(t) for t in (to if isinstance(to, list) else [to])],
        "body": str(data.get("body") or "").replace("\r\n", "\n").strip(),
    }
    release = data.get("release")
    if release == "deck":
        inject["deck"] = True
    elif release == "trigger":
        trigger: dict[str, Any] = {
            "when": str(data.get("when") or ""),
            "subject": str(data.get("subject") or "").strip(),
        }
        delay = _number(data.get("delay_days"))
        if delay:
            trigger["delay_days"] = delay
        inject["trigger"] = trigger
    else:
        inject["at_day"] = _number(data.get("at_day"))
    return inject


def _number(value: Any) -> float | int | str:
    """A form's number as a number (a whole one without ``.0``); what is not one stays text
    for the validator to name."""
    text = str(value or "0").strip().replace(",", ".")
    try:
        n = float(text)
    except ValueError:
        return text
    return int(n) if n.is_integer() else n


def _words(value: Any, sep: str = ",") -> list[str]:
    """A form's list written as text (``ar, fr`` or one per line)."""
    return [w.strip() for w in str(value or "").split(sep) if w.strip()]


def _persona_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The victim persona of the "Add a persona" form, as the scenario format writes it: who
    they are, where, the role player's script and cues, the hidden truth and up to three rungs
    of the disclosure ladder (the validator checks it with the rest of the scenario)."""
    pid = str(data.get("id") or "").strip()
    truth: dict[str, Any] = {"is_victim": data.get("is_victim") == "1"}
    if data.get("exploitation"):
        truth["exploitation"] = str(data["exploitation"])
    if _words(data.get("indicators")):
        truth["indicators"] = _words(data.get("indicators"))
    ladder = []
    for n in (1, 2, 3):
        said = str(data.get(f"rung{n}_text") or "").strip()
        if not said:
            continue
        rung: dict[str, Any] = {
            "id": f"{pid}-{n}",
            "min_trust": _number(data.get(f"rung{n}_trust")),
            "text": said,
        }
        if _words(data.get(f"rung{n}_indicators")):
            rung["indicators"] = _words(data.get(f"rung{n}_indicators"))
        if data.get(f"rung{n}_interpreter") == "1":
            rung["requires_interpreter"] = True
        if data.get(f"rung{n}_safe") == "1":
            rung["requires_safe_place"] = True
        ladder.append(rung)
    persona: dict[str, Any] = {
        "id": pid,
        "kind": "victim",
        "name": str(data.get("name") or "").strip(),
        "age": _number(data.get("age")),
        "gender": str(data.get("gender") or ""),
        "nationality": str(data.get("nationality") or "").strip().upper(),
        "languages": _words(data.get("languages")),
        "place": str(data.get("place") or ""),
        "storyline": str(data.get("storyline") or ""),
        "trust": _number(data.get("trust")),
        "script": str(data.get("script") or "").replace("\r\n", "\n").strip(),
    }
    cues = _words(str(data.get("cues") or "").replace("\r\n", "\n"), "\n")
    if cues:
        persona["cues"] = cues
    persona["truth"] = truth
    persona["ladder"] = ladder
    return persona


async def _add(
    request: Request,
    p: Principal,
    key: str,
    data: dict[str, Any],
    section: str,
    item: dict[str, Any],
) -> Response:
    """A new version with ``item`` added to the list ``section``, or the editor with the
    scenario as it would be and every problem (nothing saved)."""
    v = _version(request, key)
    base = str(data.get("base") or "")
    if not base.isdigit():
        raise HTTPException(422, _("Send the file, its text and the version it was opened from."))
    src = await run_in_threadpool(_studio(request).source, v)
    try:
        text = add_item(src.text, section, item)
    except userfile.UserFileError as exc:
        return _editor(request, p, v, None, None, [], exc.message, "", 422)
    note = (_("Inject %(id)s added") if section == "injects" else _("Persona %(id)s added")) % {
        "id": item.get("id") or "?"
    }
    try:
        saved = await run_in_threadpool(
            partial(_studio(request).save, key, int(base), p.username, note, src.name, text)
        )
    except StudioRefused as exc:
        return _editor(request, p, v, src.name, text, exc.problems, exc.message, note, 422)
    return RedirectResponse(f"/exercises/studio/{key}?saved={saved.number}", status_code=303)


@router.post("/exercises/studio/{key}/personas", include_in_schema=False)
async def studio_add_persona(
    key: str, request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """A new version with one more victim persona, from the structured form."""
    data = await body(request)
    _may(p, "write")
    return await _add(request, p, key, data, "characters", _persona_fields(data))


@router.post("/exercises/studio/{key}/injects", include_in_schema=False)
async def studio_add_inject(
    key: str, request: Request, p: Principal = Depends(signed_in), work: UnitOfWork = Depends(uow)
) -> Response:
    """A new version with one more inject, from the structured form; with any problem the
    editor shows the scenario with the inject written in and every problem, nothing saved."""
    data = await body(request)
    _may(p, "write")
    return await _add(request, p, key, data, "injects", _inject_fields(data))


@router.get("/exercises/studio/{key}/{number}/export", include_in_schema=False)
def studio_export(
    key: str,
    number: int,
    request: Request,
    file: str | None = None,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """A version's scenario file (or one of its documents or translations) as a download."""
    _may(p, "read")
    v = _version(request, key, number)
    src = _studio(request).source(v)
    name = file if file in src.files else src.name
    assert name is not None
    media = "text/markdown" if name.endswith(".md") else "application/yaml"
    download = name.replace("/", "-")
    return Response(
        src.files[name].encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{download}"'},
    )


@router.post("/exercises/studio/{key}/{number}/start", include_in_schema=False)
async def studio_start(
    key: str,
    number: int,
    request: Request,
    p: Principal = Depends(signed_in),
    work: UnitOfWork = Depends(uow),
) -> Response:
    """Start an exercise on a saved version, directed by the user."""
    await body(request)
    if not (allowed(p, "exercise_scenario", "read") and allowed(p, "exercise", "direct")):
        raise PermissionDenied()
    v = _version(request, key, number)
    hub = Hub.for_engine(request.app.state.engine)
    s = await run_in_threadpool(partial(_studio(request).start, hub, v, p.username))
    return RedirectResponse(f"/exercises/{s.exercise_id}/control", status_code=303)
