"""Inspections as the server stores them. Importing the package registers the hook that keeps the signal facts in
step with every flag written (``signal_facts``), whichever module writes it."""

from sync_server.inspections import signal_facts as signal_facts
