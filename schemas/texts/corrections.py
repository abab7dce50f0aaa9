"""Messages for the team lead's corrections, the tablet's conflicts panel and the level-change marker."""

from __future__ import annotations

from schemas.texts.plural import Message, Plural

NL_CORRECTIONS: dict[str, Message] = {
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
    "level_change_note": "niveau gewijzigd: {before} → {after} na een nieuwe indicatorcatalogus",
    "tablet_conflicts_title": "Door de teamleider gecorrigeerd terwijl u het ook wijzigde",
    "tablet_conflict_line": "{field}: uw waarde {mine} · kantoor {office} · geldt: {kept} ({side})",
    "tablet_conflict_side_office": "correctie kantoor",
    "tablet_conflict_side_device": "uw waarde",
    "tablet_conflicts_help": "Uw waarde is bewaard; de teamleider beslist welke blijft.",
    # a person deleted on the tablet after a correction it had not seen (conflict field "person")
    "sync_conflicts_person": (Plural("{n} keer verwijderde u een persoon die de teamleider had gecorrigeerd. De "
                                     "verwijdering geldt; de correcties zijn bewaard.",
                                     "{n} keer verwijderde u een persoon die de teamleider had gecorrigeerd. De "
                                     "verwijderingen gelden; de correcties zijn bewaard.")),
    "sync_conflict_person_item": "{person} verwijderd; correctie teamleider bewaard: {corrections}",
    "tablet_conflict_person_line": ("{person} verwijderd op deze tablet; de correctie van de teamleider "
                                    "({corrections}) is bewaard in dit conflict"),
    "tablet_conflicts_person_help": "De persoon blijft verwijderd; de teamleider ziet welke correcties vervielen.",
    "conflict_dropped_answer": "{question}: {value}",
    "conflict_person_row": ("{person} verwijderd op de tablet; de correctie van de teamleider ({corrections}) is "
                            "bewaard in dit conflict."),
    "conflict_person_help": "Terugzetten van de persoon kan niet; de correctie blijft hier leesbaar.",
    "conflict_accept_delete": "Verwijdering accepteren",
    "conflict_side_deleted": "verwijdering geaccepteerd",
    "person_deleted": "Deze persoon is op de tablet verwijderd; corrigeren kan niet meer.",
    "person_not_restorable": ("Een op de tablet verwijderde persoon kan niet worden teruggezet; accepteer de "
                              "verwijdering (de correcties blijven in het conflict bewaard)."),
}

EN_CORRECTIONS: dict[str, Message] = {
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
    "level_change_note": "level changed: {before} → {after} after a new indicator catalogue",
    "tablet_conflicts_title": "Corrected by the team lead while you changed it too",
    "tablet_conflict_line": "{field}: your value {mine} · office {office} · stands: {kept} ({side})",
    "tablet_conflict_side_office": "office correction",
    "tablet_conflict_side_device": "your value",
    "tablet_conflicts_help": "Your value is kept; the team lead decides which one stays.",
    "sync_conflicts_person": (Plural("{n} time you deleted a person the team lead had corrected. The deletion "
                                     "stands; the corrections are kept.",
                                     "{n} times you deleted a person the team lead had corrected. The deletions "
                                     "stand; the corrections are kept.")),
    "sync_conflict_person_item": "{person} deleted; team lead's correction kept: {corrections}",
    "tablet_conflict_person_line": ("{person} deleted on this tablet; the team lead's correction ({corrections}) "
                                    "is kept in this conflict"),
    "tablet_conflicts_person_help": "The person stays deleted; the team lead sees which corrections went with it.",
    "conflict_dropped_answer": "{question}: {value}",
    "conflict_person_row": ("{person} deleted on the tablet; the team lead's correction ({corrections}) is kept in "
                            "this conflict."),
    "conflict_person_help": "The person cannot be restored; the correction stays readable here.",
    "conflict_accept_delete": "Accept the deletion",
    "conflict_side_deleted": "deletion accepted",
    "person_deleted": "This person was deleted on the tablet; their answers can no longer be corrected.",
    "person_not_restorable": ("A person deleted on the tablet cannot be restored; accept the deletion (the "
                              "corrections stay kept in the conflict)."),
}
