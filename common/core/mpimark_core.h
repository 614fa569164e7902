/* The C core's public surface: what the Python package calls through ctypes
 * (python/mpimark_py/core.py, libmpimark_core). Every function core.py binds
 * is declared in one of these headers, and tests/python/test_signatures.py
 * checks each binding against exactly them; a function that is not here is
 * the C programs' own. (The mpi4py runner's harness library has its own
 * public header, common/mpi/pyharness.h.) */
#ifndef MM_MPIMARK_CORE_H
#define MM_MPIMARK_CORE_H

#include "atomic_file.h" /* the -o check before a run */
#include "buffers.h"     /* data patterns, the memory bound */
#include "errors.h"      /* one-line messages */
#include "heap.h"        /* the pickled paths' heap */
#include "model.h"       /* the cost model */
#include "modes.h"       /* modes and states of a row */
#include "options.h"     /* the options both runners parse */
#include "output.h"      /* the table, CSV, JSON, the results file */
#include "request.h"     /* the request check */
#include "results.h"     /* rows and metadata */
#include "rounds.h"      /* the rounds' seed */
#include "runmeta.h"     /* the settings' metadata keys */
#include "sizes.h"       /* size lists */
#include "stats.h"       /* medians, intervals, paired ratios */
#include "sweep.h"       /* the sweep's cells and memory fit */
#include "timing.h"      /* the sync and rank-time names */
#include "validate.h"    /* the validation run's data */

#endif
