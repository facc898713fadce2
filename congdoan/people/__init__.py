"""People and union groups: accounts, roles, groups, member import."""
