"""Value types: frozen, validated on construction, with text round trips. No I/O, no secrets printed."""
