"""Developer tools outside the installed package: the synthetic applicants the
identity model is trained on, and the training itself (`python -m devtools.training`)."""
