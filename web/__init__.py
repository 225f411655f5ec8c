"""web: the Litestar application, the only package that knows HTTP."""
