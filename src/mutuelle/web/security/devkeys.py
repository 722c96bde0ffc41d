"""The development and test key of the encrypted columns (no Django import: settings use it).
Public on purpose, refused in production (system check mutuelle.E003)."""

DEV_FIELD_KEY = (
    "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="  # b"dev-only-field-key-not-for-prod!"
)
