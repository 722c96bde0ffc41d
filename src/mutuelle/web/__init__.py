"""The Django project (imperative shell): persistence, the staff back office (French admin),
and later the public site and the JSON API. It loads facts from the database, calls the pure
core (:mod:`mutuelle.membership`, :mod:`mutuelle.pricing`) and stores the results.

Apps, one per domain: ``members`` (persons, adhesions, dependants, formula history, documents,
event history), ``public`` (public pages, namespace ``public``), ``api`` (JSON API, namespace
``api``). Settings are split by environment: ``settings.base``, ``settings.dev`` (the default
of ``mutuelle serve``), ``settings.test``.
"""
