"""Qt-free core: the domain model, validation and the projection engine."""
