"""The probation and the recognition dossier that ends it (RULES.md "Probation and official recognition")."""
