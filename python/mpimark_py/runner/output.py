"""The runner's results until the end of the run: the metadata and the rows
(core.Row, as common/core/results.h holds them); common/core/output.c writes
them (core.output_results), to stdout and the -o file, as for the C binary."""


class Results:
    """The run's metadata, in insertion order (a repeated key replaces), and
    its rows."""

    def __init__(self):
        self.meta = []  # [key, value]
        self.rows = []

    def set_meta(self, key, value):
        for kv in self.meta:
            if kv[0] == key:
                kv[1] = value
                return
        self.meta.append([key, value])

