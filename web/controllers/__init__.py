"""Controllers, one module per context: load, call one service, render."""
