"""The money journal's shell: append-only tables of entries and postings, and the services that
post to it and read balances from it (:mod:`mutuelle.web.journal.services`)."""
