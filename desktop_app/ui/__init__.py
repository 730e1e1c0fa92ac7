"""The PySide6 user interface; binds core and storage, owns no domain logic."""
