"""dangvien: party-member development for Vietnamese party committees."""

__version__ = "0.1.0"
