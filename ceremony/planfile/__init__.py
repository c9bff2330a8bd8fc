"""Reading the ceremony's input files (the plan, an amendment): strict TOML checks that name each
bad field and its line. The values they produce are in `ceremony.model`; this package sits just above
it, so that model/ holds value types only and every layer above may read a plan."""
