"""The beheerder's checklists (issue 15 part A): drafts per organisation, edited in the office app, compared with the
version they came from and published as the next immutable version for every device (``catalog.service``)."""
