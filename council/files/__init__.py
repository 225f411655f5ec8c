"""Documents: checked uploads, content-addressed storage on disk, and who may read them."""
