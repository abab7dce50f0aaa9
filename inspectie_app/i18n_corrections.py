"""Messages for the team lead's corrections, the tablet's conflicts panel and the level-change marker."""

from __future__ import annotations

NL_CORRECTIONS: dict[str, str] = {
    "correction_title": "Bevinding corrigeren",
    "correction_help": ("Kies de vraag (of de notitie) en vul de juiste waarde in. De correctie gaat naar de tablet "
                        "van de inspecteur; wijzigde die hetzelfde veld ook, dan verschijnt een conflict."),
    "correction_field": "Vraag of notitie",
    "correction_pick": "Kies eerst een vraag of de notitie.",
    "correction_save": "Correctie opslaan",
    "correction_saved": "Correctie opgeslagen; de tablet van de inspecteur krijgt haar bij de volgende sync.",
    "correction_unchanged": "De waarde is niet gewijzigd.",
    "correction_person_question": "{person} — {question}",
    "correction_note_label": "Notitie",
    "correction_current": "Nu: {value}",
    "level_change_note": "niveau gewijzigd: {before} → {after} na nieuwe catalogus ({catalogue})",
    "tablet_conflicts_title": "Door de teamleider gecorrigeerd terwijl u het ook wijzigde",
    "tablet_conflict_line": "{field}: uw waarde {mine} · kantoor {office} · geldt: {kept} ({side})",
    "tablet_conflict_side_office": "correctie kantoor",
    "tablet_conflict_side_device": "uw waarde",
    "tablet_conflicts_help": "Uw waarde is bewaard; de teamleider beslist welke blijft.",
}

EN_CORRECTIONS: dict[str, str] = {
    "correction_title": "Correct a finding",
    "correction_help": ("Choose the question (or the note) and enter the right value. The correction goes to the "
                        "inspector's tablet; if they changed the same field too, a conflict appears."),
    "correction_field": "Question or note",
    "correction_pick": "Choose a question or the note first.",
    "correction_save": "Save correction",
    "correction_saved": "Correction saved; the inspector's tablet receives it at the next sync.",
    "correction_unchanged": "The value has not changed.",
    "correction_person_question": "{person} — {question}",
    "correction_note_label": "Note",
    "correction_current": "Now: {value}",
    "level_change_note": "level changed: {before} → {after} after a new catalogue ({catalogue})",
    "tablet_conflicts_title": "Corrected by the team lead while you changed it too",
    "tablet_conflict_line": "{field}: your value {mine} · office {office} · stands: {kept} ({side})",
    "tablet_conflict_side_office": "office correction",
    "tablet_conflict_side_device": "your value",
    "tablet_conflicts_help": "Your value is kept; the team lead decides which one stays.",
}
