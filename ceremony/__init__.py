"""ceremony: an offline, guided key ceremony and SLIP-39 Shamir backup toolkit."""

__version__ = "0.1.0"
