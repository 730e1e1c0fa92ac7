"""One table model per entity over the core model, plus the shared base and editor widget."""
