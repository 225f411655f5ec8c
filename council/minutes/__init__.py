"""Minutes (Niederschrift): drafted from the meeting, edited, approved at a later meeting, signed, published."""
