"""The portal keeps no tables of its own: a resubmitted "start an application" form is
recognised by the safe-retry keys of legion.idempotency."""
