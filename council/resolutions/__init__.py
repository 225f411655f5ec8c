"""The resolution register and the follow-up of resolutions."""
