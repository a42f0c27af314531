"""Date and number formats where Django's defaults for a language do not fit the portal
(settings.FORMAT_MODULE_PATH); languages without a module here keep Django's."""
