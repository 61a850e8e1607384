"""Benchmarks of the explorer: scripts that measure and report, never pass/fail tests.

`benchmarks/run.py` is the entry point. Beside it: the data sets (`datasets`), the scripted filter
changes (`scripted`), the same work done in pandas and DuckDB (`reference`), the engine's timings
(`compute`), the window's timings offscreen (`window`), the real window on an X server (`real_window`,
played by `session` with `gestures`, counted by `paints`, on `xserver`), fresh-process measurements
(`processes`) and the report (`report`)."""
