"""Register numbers: patterns such as ``VO/{yyyy}/{seq:05}`` and gapless counters that restart each year."""
