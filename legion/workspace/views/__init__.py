"""Staff workspace views: thin, each calls a selector or a service."""
