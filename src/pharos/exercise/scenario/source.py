"""A scenario's text: the scenario file, its translations and its documents, as one value.

An exercise keeps the text it was created from (``ScenarioSource``), never a path: moving or
editing the file afterwards changes neither its pages nor its replay. The text is named by its
SHA-256 (:func:`source_hash`, over a canonical JSON of the file names and texts), stored once in
the database whoever uses it (exercises, the studio's versions) and checked against its hash
when it is read back.

What belongs to a scenario's text, read from a folder by :func:`read_source`:

- the scenario file itself (``aegean.yaml``);
- its translations next to it (``aegean.fr.yaml``, ``pharos.exercise.scenario.translation``);
- the documents its evidence names (``evidence[*].file``, relative to the scenario file);
- the simulation scenario, when ``world.sim_scenario`` names a file rather than a bundled
  scenario (a bundled one is part of Pharos, like its code).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pharos.domain import userfile

#: Largest document (Markdown) read with a scenario: the bundled ones have under 1 kB.
MAX_DOCUMENT_BYTES = 64 * 1024


def source_hash(name: str, files: Mapping[str, str]) -> str:
    """The SHA-256 of a scenario's text: hex digest of the canonical JSON (sorted keys, UTF-8,
    no spaces) of ``{"name": name, "files": files}``. Migration 0010 computes the same."""
    canonical = json.dumps(
        {"name": name, "files": dict(files)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ScenarioSource:
    """The text of a scenario: ``files[name]`` is the scenario, the others what it reads."""

    name: str
    files: Mapping[str, str]
    #: the folder the files were read from, only to name them in messages ("" when the text
    #: came from the database or the studio)
    folder: str = ""
    _hash: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def text(self) -> str:
        return self.files[self.name]

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def sha256(self) -> str:
        if not self._hash:
            self._hash.append(source_hash(self.name, self.files))
        return self._hash[0]

    def label(self, rel: str) -> str:
        """How a file of this text is named in a message (its path when read from disk)."""
        return str(Path(self.folder) / rel) if self.folder else rel

    def translations(self) -> dict[str, str]:
        """The translation files by language (``<stem>.<language>.yaml``)."""
        out = {}
        for rel in sorted(self.files):
            if "/" in rel or not rel.startswith(self.stem + ".") or not rel.endswith(".yaml"):
                continue
            lang = rel.removeprefix(self.stem + ".").removesuffix(".yaml")
            if re.fullmatch(r"[a-z]{2,3}", lang):
                out[lang] = rel
        return out

    def with_text(self, text: str) -> ScenarioSource:
        """The same translations and documents with another scenario text (the studio)."""
        return ScenarioSource(self.name, {**self.files, self.name: text}, self.folder)

    def with_file(self, file: str, text: str) -> ScenarioSource:
        """The text with ``file`` (the scenario, a translation or a document) now ``text``; a
        translation or document given no text (only blanks) is left out: the studio removes a
        file so. The scenario file itself is kept whatever its text (the validator names it)."""
        files = {**self.files, file: text}
        if file != self.name and not text.strip():
            del files[file]
        return ScenarioSource(self.name, files, self.folder)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "files": dict(self.files)}


def from_json(data: Mapping[str, Any], expected_hash: str | None = None) -> ScenarioSource:
    """A text stored by :meth:`ScenarioSource.as_json`; ``ValueError`` if it does not match
    ``expected_hash`` (a changed row)."""
    src = ScenarioSource(str(data["name"]), {str(k): str(v) for k, v in data["files"].items()})
    if expected_hash is not None and src.sha256 != expected_hash:
        raise ValueError(
            f"the stored scenario text {expected_hash[:12]}… does not match its hash "
            f"({src.sha256[:12]}…)"
        )
    return src


def document_key(ref: str) -> str | None:
    """``ref`` (a document or simulation scenario named relative to the scenario file) as a key
    of ``files``; None for an absolute path, which is not part of the scenario's text."""
    p = PurePosixPath(ref.replace("\\", "/"))
    if p.is_absolute() or not p.parts or re.match(r"^[A-Za-z]:", ref):
        return None
    return str(p)


def read_source(path: Path) -> ScenarioSource:
    """The text of the scenario file ``path`` and of what it reads (see the module docstring).

    Raises ``OSError``/``UnicodeDecodeError`` if the scenario file itself cannot be read and
    ``userfile.UserFileError`` if it is too large; a translation or document that cannot be read
    is left out (the loader then reports it missing, with its field and line)."""
    folder = path.parent
    files: dict[str, str] = {path.name: userfile.read_text(path, userfile.MAX_SCENARIO_BYTES)}
    stem = path.stem
    for p in sorted(folder.glob(f"{stem}.*.yaml")):
        lang = p.name.removeprefix(f"{stem}.").removesuffix(".yaml")
        if re.fullmatch(r"[a-z]{2,3}", lang):
            try:
                files[p.name] = userfile.read_text(p, userfile.MAX_SCENARIO_BYTES)
            except (OSError, UnicodeDecodeError, userfile.UserFileError):
                continue
    try:
        data, _node = userfile.load(files[path.name], userfile.MAX_SCENARIO_BYTES)
    except userfile.UserFileError:
        data = None
    refs: list[tuple[str, int]] = []
    if isinstance(data, dict):
        for ev in data.get("evidence") or []:
            if isinstance(ev, dict) and isinstance(ev.get("file"), str):
                refs.append((ev["file"], MAX_DOCUMENT_BYTES))
        world = data.get("world")
        sim = world.get("sim_scenario") if isinstance(world, dict) else None
        if isinstance(sim, str) and sim.endswith((".yaml", ".yml")):
            refs.append((sim, userfile.MAX_SCENARIO_BYTES))
    for ref, limit in refs:
        key = document_key(ref)
        if key is None or key in files or not (folder / key).is_file():
            continue
        try:
            files[key] = userfile.read_text(folder / key, limit)
        except (OSError, UnicodeDecodeError, userfile.UserFileError):
            continue
    return ScenarioSource(path.name, files, str(folder))
