"""The audit trail's action labels read as one list: each is a noun phrase ("personne ajoutée",
"persona aggiunta", "persona añadida"), never a conjugated verb among them ("a modifié…",
"ha modificato…", "modificó…"). The translation review of docs/translation-review.md found the
second wave's case-work labels written as verbs in every language; this keeps them in form.

The check is on the shapes a conjugated past takes at the start of a label: the French and
Italian auxiliary ("a ", "ha "), the Spanish preterite's stressed -ó ("modificó", "rechazó").
"""

from __future__ import annotations

import re

import pytest

from pharos.coordinate.vocabulary import AUDIT_LABELS
from pharos.i18n import use_locale

VERB_FIRST = {
    "fr": re.compile(r"^(a|ont|s’est|s'est) \w"),
    "it": re.compile(r"^(ha|hanno) \w"),
    "es": re.compile(r"^\w+ó\b"),
}


@pytest.mark.parametrize("lang", sorted(VERB_FIRST))
def test_audit_labels_are_noun_phrases(lang: str) -> None:
    with use_locale(lang):
        labels = {action: str(label) for action, label in AUDIT_LABELS.items()}
    verbs = {a: text for a, text in labels.items() if VERB_FIRST[lang].match(text)}
    assert not verbs, verbs
    # the check sees the translations, not the English (which is verb-first throughout)
    assert labels["add_person"] != "added a person"
