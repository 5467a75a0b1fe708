"""Estimating the hidden figure: multiple systems estimation from overlapping agency lists.

``table.read_overlap_csv`` / ``records.overlap_table_from_records`` give an
:class:`~pharos.estimate.table.OverlapTable`; ``report.estimate(table)`` selects a log-linear
model (by default the stepwise p-value threshold, or by AIC or BIC) and returns a
:class:`~pharos.estimate.report.HiddenFigure` with the estimate, its interval, the models
considered and those excluded; ``options`` holds what a user chooses. The package itself
imports nothing, so reading a table or the options does not load the model fitting.
"""
