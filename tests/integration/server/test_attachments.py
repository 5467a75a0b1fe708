"""Attachments (issue 18, item 4): hostile files are refused with a message or served inert;
who opens a file; every upload and download in the audit trail; nothing half-written.

The types are checked against the formats' own signatures (PDF ``%PDF-``, ISO 32000-1 7.5.2;
JPEG ``FF D8 FF``, ITU T.81; PNG's eight bytes, RFC 2083 3.1), not against Pharos' own list;
the headers against what browsers obey (RFC 6266 Content-Disposition, ``nosniff``, a CSP
``sandbox``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pharos.coordinate import attachments as files
from pharos.coordinate.validation import ValidationFailed
from pharos.store.models import Attachment, AuditEntry
from pharos.web.testing import PharosClient, signed_in_client

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
POLYGLOT = PDF + b"<html><script>alert(1)</script></html>"
MAX = 64 * 1024


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("attachments")


@pytest.fixture(scope="module")
def app(engine: Engine, store_dir: Path) -> FastAPI:
    from pharos.web.testing import make_app

    return make_app(
        engine.url.render_as_string(hide_password=False),
        attachments=store_dir,
        attachment_max_bytes=MAX,
    )


@pytest.fixture(scope="module")
def world(app: FastAPI) -> dict[str, int]:
    """An Italian case with the victim's consent to services and other organisations (not
    across borders), referred to the NGO (accepted); the police ask Egypt, Egypt answers."""
    labour = signed_in_client(app, "it.labour")
    case = labour.post(
        "/api/v1/cases", json={"title": "Greenhouse", "first_name": "Amina", "second_name": "H"}
    ).json()["id"]
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    labour.post(f"/api/v1/cases/{case}/consent", json=consent)
    directory = labour.get("/api/v1/directory", params={"state": "ITA"}).json()
    by_kind = {a["kind"]: a["id"] for a in directory}
    out: dict[str, int] = {"case": case}
    for kind, user in (
        ("ngo", "it.ngo"),
        ("law_enforcement", "it.police"),
        ("journalist", "it.journalist"),
    ):
        r = labour.post(
            f"/api/v1/cases/{case}/referrals",
            json={"to_agency_id": by_kind[kind], "stage": 2, "details": "Needs shelter"},
        )
        out[f"referral_{kind}"] = r.json()["id"]
        receiver = signed_in_client(app, user)
        rid = out[f"referral_{kind}"]
        assert receiver.post(f"/referrals/{rid}/respond", data={"action": "accept"}).status_code
    police = signed_in_client(app, "it.police")
    r = police.post(
        f"/api/v1/cases/{case}/requests",
        json={
            "type": "police_information_exchange",
            "receiver_state": "EGY",
            "subject": "Passport",
            "body": "Is this passport genuine?",
        },
    )
    out["request"] = r.json()["id"]
    egypt = signed_in_client(app, "eg.police")
    assert egypt.post(f"/requests/{out['request']}/replies", data={"text": "Yes"}).status_code
    replies = egypt.get(f"/api/v1/requests/{out['request']}").json()["replies"]
    out["reply"] = replies[0]["id"]
    return out


@pytest.fixture(scope="module")
def clients(app: FastAPI, world: dict[str, int]) -> dict[str, PharosClient]:
    users = ("it.labour", "it.ngo", "it.police", "it.journalist", "it.coordinator", "eg.police")
    return {u: signed_in_client(app, u) for u in users}


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count(Attachment.id))).scalar_one())


def _stored(store_dir: Path) -> set[str]:
    return {p.name for p in store_dir.rglob("*") if p.is_file()}


HOSTILE = [
    ("wrong type: HTML named .pdf", "contract.pdf", HTML, "not a PDF, JPEG or PNG", "markup"),
    ("SVG with a script", "photo.svg", SVG, "not a PDF, JPEG or PNG", "markup"),
    ("SVG named .png", "photo.png", SVG, "not a PDF, JPEG or PNG", "markup"),
    (
        "an executable",
        "scan.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60,
        "not a PDF",
        "type",
    ),
    ("a zip named .jpg", "scan.jpg", b"PK\x03\x04" + b"\x00" * 40, "not a PDF", "type"),
    ("text with NUL bytes", "note.txt", b"hello\x00world", "not a PDF", "type"),
    ("empty", "empty.pdf", b"", "The file is empty.", "empty"),
    ("oversized", "big.pdf", b"%PDF-1.4\n" + b"0" * MAX, "larger than 0.0625 MB", "too_large"),
]


def _refusals(engine: Engine, after: int) -> list[AuditEntry]:
    with Session(engine) as s:
        q = select(AuditEntry).where(AuditEntry.id > after, AuditEntry.action == "refuse_upload")
        return list(s.execute(q.order_by(AuditEntry.id)).scalars())


def _last_entry(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.coalesce(func.max(AuditEntry.id), 0))).scalar_one())


@pytest.mark.parametrize(
    ("what", "name", "content", "message", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_files_are_refused(
    what: str,
    name: str,
    content: bytes,
    message: str,
    reason: str,
    clients: dict[str, PharosClient],
    world: dict[str, int],
    engine: Engine,
    store_dir: Path,
) -> None:
    labour = clients["it.labour"]
    rows, kept, last = _count(engine), _stored(store_dir), _last_entry(engine)
    api = labour.post(f"/api/v1/cases/{world['case']}/attachments", files={"file": (name, content)})
    assert api.status_code == 422, (what, api.text)
    detail = api.json()["detail"]
    assert detail[0]["loc"] == ["body", "file"] and message in detail[0]["msg"], detail
    page = labour.post(f"/cases/{world['case']}/attachments", files={"file": (name, content)})
    assert page.status_code == 422 and message in page.text.replace("&#39;", "'")
    assert 'id="f-case-file"' in page.text and 'aria-invalid="true"' in page.text
    # nothing half-written: no row, no file, no temporary file left
    assert _count(engine) == rows and _stored(store_dir) == kept
    # each refusal is in the audit trail: who, which case, why; never the content or the name
    refused = _refusals(engine, last)
    assert [(e.actor, e.case_id, e.resource) for e in refused] == [
        ("it.labour", world["case"], "attachment")
    ] * 2, what
    for e in refused:
        d = json.loads(e.detail)
        assert d["reason"] == reason and d["on"] == "case", (what, d)
        assert d["size"] == len(content) or (reason == "too_large" and d["size"] > MAX)
        # nothing else: no name, no byte of the content
        assert set(d) == {"reason", "size", "on", "referral_id", "reply_id"}, d
    with Session(engine) as s:
        from pharos.coordinate import audit

        assert not audit.check(s).problems  # the chain holds with the refusals in it


def test_refused_uploads_on_referrals_and_replies_are_audited(
    app: FastAPI, clients: dict[str, PharosClient], world: dict[str, int], engine: Engine
) -> None:
    """A refused file on a referral (the NGO that received it) and on a reply to a request
    (Egypt's police) is audited with the case and the record it was meant for; the case's
    history and the audit page say why it was refused."""
    last = _last_entry(engine)
    rid = world["referral_ngo"]
    r = clients["it.ngo"].post(
        f"/api/v1/referrals/{rid}/attachments", files={"file": ("x.pdf", SVG)}
    )
    assert r.status_code == 422
    reply = world["reply"]
    r = clients["eg.police"].post(
        f"/api/v1/replies/{reply}/attachments", files={"file": ("y.txt", b"")}
    )
    assert r.status_code == 422
    got = [(e.actor, e.case_id, json.loads(e.detail)) for e in _refusals(engine, last)]
    assert [(a, c, d["reason"], d["on"], d["referral_id"], d["reply_id"]) for a, c, d in got] == [
        ("it.ngo", world["case"], "markup", "referral", rid, None),
        ("eg.police", world["case"], "empty", "reply", None, reply),
    ]
    expected = "refused a file · attached file (the file was markup or script (HTML, SVG, XML))"
    admin = signed_in_client(app, "admin")
    trail = admin.get("/audit", params={"case": world["case"]})
    assert trail.status_code == 200, trail.text
    assert expected in trail.text and "(the file was empty)" in trail.text
    history = clients["it.coordinator"].get(f"/cases/{world['case']}")
    assert expected in history.text


def test_names_are_made_safe_and_files_served_inert(
    clients: dict[str, PharosClient], world: dict[str, int], engine: Engine
) -> None:
    labour = clients["it.labour"]
    cases = [
        ("../../etc/passwd", PDF, "passwd.pdf", "application/pdf"),
        ("..\\..\\windows\\win.ini", b"plain words\n", "win.txt", "text/plain"),
        # the client sends a NUL in a name as %00 (a header holds no NUL): "%" is replaced
        ("scan\x00.html", PNG, "scan_00.png", "image/png"),
        ("invoice\u202egpj.exe", JPEG, "invoicegpj.jpg", "image/jpeg"),
        ('pass"port;.jpeg', JPEG, "pass_22port_.jpg", "image/jpeg"),  # '"' is sent as %22
        ("جواز السفر.pdf", PDF, "جواز السفر.pdf", "application/pdf"),
        ("polyglot.html", POLYGLOT, "polyglot.pdf", "application/pdf"),
    ]
    for name, content, safe, media_type in cases:
        r = labour.post(
            f"/api/v1/cases/{world['case']}/attachments", files={"file": (name, content)}
        )
        assert r.status_code == 201, (name, r.text)
        a = r.json()
        assert (a["filename"], a["media_type"]) == (safe, media_type), name
        assert a["sha256"] == hashlib.sha256(content).hexdigest() and a["size"] == len(content)
        got = labour.get(a["url"])
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-type"].split(";")[0] == media_type
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in got.headers["content-security-policy"]
        disposition = got.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=")
        assert "/" not in disposition.split("filename=")[1].split(";")[0]
        assert "\x00" not in disposition and "\u202e" not in disposition
    # the polyglot is kept as what its first bytes say (a PDF) and downloaded, never shown
    # as a page: a browser obeys the attachment disposition and the sandbox


def test_a_file_is_in_the_store_once_under_its_hash(
    clients: dict[str, PharosClient], world: dict[str, int], store_dir: Path
) -> None:
    labour = clients["it.labour"]
    content = b"%PDF-1.4\nsigned consent form\n%%EOF\n"
    for name in ("a.pdf", "b.pdf"):
        r = labour.post(
            f"/api/v1/cases/{world['case']}/attachments", files={"file": (name, content)}
        )
        assert r.status_code == 201
    digest = hashlib.sha256(content).hexdigest()
    assert (store_dir / digest[:2] / digest).read_bytes() == content
    assert not list((store_dir / ".incoming").iterdir())


def test_who_opens_a_file(
    clients: dict[str, PharosClient], world: dict[str, int], engine: Engine
) -> None:
    """A passport scan on the case, one on the NGO referral, one on Egypt's reply: the Italian
    caseworkers who see the victim's identity open them; the Egyptian police (pseudonymised
    view) open only the file their agency uploaded; the journalist none."""
    labour, ngo, egypt = clients["it.labour"], clients["it.ngo"], clients["eg.police"]
    passport = b"%PDF-1.4\npassport of Amina H\n%%EOF\n"
    on_case = labour.post(
        f"/api/v1/cases/{world['case']}/attachments", files={"file": ("passport.pdf", passport)}
    ).json()
    on_referral = ngo.post(
        f"/api/v1/referrals/{world['referral_ngo']}/attachments",
        files={"file": ("intake.png", PNG)},
    )
    assert on_referral.status_code == 201, on_referral.text
    on_reply = egypt.post(
        f"/api/v1/replies/{world['reply']}/attachments", files={"file": ("check.pdf", PDF)}
    )
    assert on_reply.status_code == 201, on_reply.text
    # the web form too (multipart with the CSRF token in the form, as the page sends it)
    page = egypt.get(f"/requests/{world['request']}")
    assert 'enctype="multipart/form-data"' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    egypt.csrf_token, saved = "", egypt.csrf_token
    r = egypt.post(
        f"/replies/{world['reply']}/attachments",
        data={"csrf_token": token},
        files={"file": ("answer.txt", b"The passport is genuine.\n")},
    )
    egypt.csrf_token = saved
    assert r.status_code == 303 and r.headers["location"].endswith(f"#reply-{world['reply']}")
    # without the token the form is refused
    bare = PharosClient(egypt.app)
    bare.cookies = egypt.cookies
    assert (
        bare.post(
            f"/replies/{world['reply']}/attachments", files={"file": ("x.txt", b"x\n")}
        ).status_code
        == 403
    )
    ids = {
        "case": on_case["id"],
        "referral": on_referral.json()["id"],
        "reply": on_reply.json()["id"],
    }
    opens = {
        "it.labour": {"case", "referral", "reply"},
        "it.ngo": {"case", "referral", "reply"},
        "it.police": {"case", "referral", "reply"},
        "it.coordinator": {"case", "referral", "reply"},
        "eg.police": {"reply"},
        "it.journalist": set(),
    }
    for user, allowed in opens.items():
        listed = clients[user].get(f"/api/v1/cases/{world['case']}/attachments")
        assert listed.status_code == 200, user
        seen = {a["id"] for a in listed.json()}
        for what, aid in ids.items():
            assert (aid in seen) == (what in allowed), (user, what)
            r = clients[user].get(f"/attachments/{aid}")
            assert (r.status_code == 200) == (what in allowed), (user, what, r.status_code)
            if what not in allowed:
                assert r.status_code == 404
        page = clients[user].get(f"/cases/{world['case']}").text
        assert ("passport.pdf" in page) == ("case" in allowed), user
    assert "Amina" not in egypt.get(f"/api/v1/cases/{world['case']}/attachments").text
    # uploads and downloads are in the case's audit trail
    with Session(engine) as s:
        trail = list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.resource == "attachment", AuditEntry.case_id == world["case"]
                )
            ).scalars()
        )
    uploads = {int(e.resource_id) for e in trail if e.action == "upload"}
    downloads = {(e.actor, int(e.resource_id)) for e in trail if e.action == "download"}
    assert set(ids.values()) <= uploads
    assert ("eg.police", ids["reply"]) in downloads and ("it.ngo", ids["case"]) in downloads
    assert not any(actor == "eg.police" and aid == ids["case"] for actor, aid in downloads)
    detail = json.loads(next(e.detail for e in trail if e.resource_id == str(ids["case"])))
    assert detail["sha256"] == hashlib.sha256(passport).hexdigest()


def test_who_may_attach(clients: dict[str, PharosClient], world: dict[str, int]) -> None:
    case, ref, reply = world["case"], world["referral_ngo"], world["reply"]
    tries = {
        f"/api/v1/cases/{case}/attachments": {"it.labour", "it.ngo", "it.police"},
        f"/api/v1/referrals/{ref}/attachments": {"it.labour", "it.ngo"},
        f"/api/v1/replies/{reply}/attachments": {"eg.police"},
    }
    for path, allowed in tries.items():
        for user, client in clients.items():
            r = client.post(path, files={"file": ("x.pdf", b"")})  # empty: 422 once allowed
            expected = {422} if user in allowed else {403, 404}
            assert r.status_code in expected, (path, user, r.status_code)


def test_nothing_half_written(
    app: FastAPI,
    engine: Engine,
    store_dir: Path,
    world: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the file cannot be written, no row; if the row cannot be committed, no file."""
    labour = signed_in_client(app, "it.labour")
    url = f"/api/v1/cases/{world['case']}/attachments"
    rows, kept = _count(engine), _stored(store_dir)

    def disk_full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(files.os, "replace", disk_full)
        with pytest.raises(OSError):
            labour.post(url, files={"file": ("new.pdf", PDF + b"% disk full\n")})
    assert _count(engine) == rows and _stored(store_dir) == kept
    from pharos.store import uow

    def failing_commit(self: object) -> None:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as m:
        m.setattr(uow.UnitOfWork, "commit", failing_commit)
        with pytest.raises(RuntimeError):
            labour.post(url, files={"file": ("new.pdf", PDF + b"% commit fails\n")})
    assert _count(engine) == rows and _stored(store_dir) == kept
    # a file changed in the store is refused on download (checked against its SHA-256)
    a = labour.post(url, files={"file": ("c.pdf", PDF + b"% tamper\n")}).json()
    (store_dir / a["sha256"][:2] / a["sha256"]).write_bytes(PDF + b"% changed\n")
    r = labour.get(a["url"])
    assert r.status_code == 500 and "changed outside Pharos" in r.text


def test_sniffing_against_the_signatures(tmp_path: Path) -> None:
    assert files.safe_filename("scan\x00.html", "image/png") == "scan.png"
    assert files.safe_filename("../../etc/passwd", "text/plain") == "passwd.txt"
    assert files.safe_filename("...", "application/pdf") == "attachment.pdf"
    assert files.safe_filename("a" * 300 + ".pdf", "application/pdf") == "a" * 100 + ".pdf"
    assert files.sniff(PDF) == "application/pdf"
    assert files.sniff(JPEG) == "image/jpeg" and files.sniff(PNG) == "image/png"
    assert files.sniff("Ελληνικά και عربي\n".encode()) == "text/plain"
    for bad in (
        HTML,
        SVG,
        b"<?xml version='1.0'?><a/>",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        b"\x00\x01",
        b"  <p>x</p>",
    ):
        assert files.sniff(bad) is None, bad
    with pytest.raises(ValidationFailed):
        files.AttachmentStore(tmp_path, 10).put(iter([b"x" * 11]))


def test_a_case_moved_abroad_keeps_its_files_as_held(app: FastAPI) -> None:
    """The Italian police transfer a case to an Egyptian NGO (an override of the missing
    cross-border consent); the NGO adds a file. The Italian police, who read the case as held
    until it moved, open the file they added before, not the NGO's; the NGO opens both; the
    police's case file PDF lists only theirs."""
    import pypdfium2 as pdfium

    police, eg_ngo = signed_in_client(app, "it.police"), signed_in_client(app, "eg.ngo")
    case = police.post("/api/v1/cases", json={"title": "Moved", "first_name": "Nadia"}).json()
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    police.post(f"/api/v1/cases/{case['id']}/consent", json=consent)
    before = police.post(
        f"/api/v1/cases/{case['id']}/attachments", files={"file": ("before.pdf", PDF)}
    ).json()
    ngo = police.get("/api/v1/directory", params={"state": "EGY", "kind": "ngo"}).json()[0]["id"]
    transfer = {"kind": "transfer", "to_agency_id": ngo, "stage": 4, "override_reason": "Safety"}
    assert police.post(f"/api/v1/cases/{case['id']}/referrals", json=transfer).status_code == 201
    rid = eg_ngo.get("/api/v1/referrals").json()["incoming"][0]["id"]
    assert eg_ngo.post(f"/referrals/{rid}/respond", data={"action": "accept"}).status_code == 303
    after = eg_ngo.post(
        f"/api/v1/cases/{case['id']}/attachments",
        files={"file": ("shelter-intake.pdf", PDF + b"% after\n")},
    )
    assert after.status_code == 201, after.text
    listed = {a["filename"] for a in police.get(f"/api/v1/cases/{case['id']}/attachments").json()}
    assert listed == {"before.pdf"}
    assert police.get(before["url"]).status_code == 200
    assert police.get(after.json()["url"]).status_code == 404
    listed = {a["filename"] for a in eg_ngo.get(f"/api/v1/cases/{case['id']}/attachments").json()}
    assert listed == {"before.pdf", "shelter-intake.pdf"}
    pdf = police.get(f"/cases/{case['id']}/file.pdf")
    assert pdf.status_code == 200
    doc = pdfium.PdfDocument(pdf.content)
    # the text without its line breaks (a table cell may wrap a name)
    text = "".join("".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).split())
    assert "before.pdf" in text and "shelter-intake" not in text and "Nadia" in text
