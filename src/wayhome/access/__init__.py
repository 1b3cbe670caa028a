"""Need-to-know: accounts, authentication, markings, sharing scopes and the visibility rule."""
