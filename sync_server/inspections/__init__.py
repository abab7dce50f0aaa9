"""Inspections as the server stores them. Importing the package registers the hook that keeps the signal facts in
step with every flag written (``signal_facts``) and the one that keeps each control's fact row for the office's
aggregates (``control_facts``), whichever module writes it."""

from sync_server.inspections import control_facts as control_facts
from sync_server.inspections import signal_facts as signal_facts
