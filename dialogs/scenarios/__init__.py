"""Practice scenarios as data: one YAML file per scenario, both languages in each."""
