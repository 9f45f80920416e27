"""Tasks: what a case manager must do by a date, from the legal clocks in the rules file or added by hand."""
