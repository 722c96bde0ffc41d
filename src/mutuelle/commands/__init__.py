"""Sub-commands of the ``mutuelle`` CLI (the imperative shell: files, printing)."""
