"""Terminal user interface: prompts, tables and progress on a stderr console; no secret logic."""
