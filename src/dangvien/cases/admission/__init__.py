"""The admission dossier: from the sympathizer list to the ceremony (RULES.md "Admission")."""
