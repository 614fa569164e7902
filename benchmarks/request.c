#include "request.h"

#include <stdio.h>

#include "errors.h"
#include "op.h"

const mm_op_names *mm_request_op_names(void) {
  static const char *names[MM_MAX_OPS], *summaries[MM_MAX_OPS];
  static mm_op_names ops;
  if (!ops.n) {
    for (size_t i = 0; i < mm_n_ops; i++) names[i] = mm_ops[i]->name, summaries[i] = mm_op_summaries[i];
    ops = (mm_op_names){mm_n_ops, names, summaries};
  }
  return &ops;
}

/* Enough ranks and a valid root for what the options select. */
static int check_job(const mm_config *cfg, int nranks, char *why, size_t len) {
  if (cfg->root >= nranks) {
    snprintf(why, len, "--root %d is not a rank of this job (ranks 0..%d)", cfg->root, nranks - 1);
    return MM_EUSAGE;
  }
  for (size_t i = 0; i < mm_n_ops; i++) {
    const mm_op *op = mm_ops[i];
    if (!((cfg->ops >> i) & 1u)) continue;
    if (nranks < mm_op_min_ranks[i]) {
      snprintf(why, len, "%s needs at least %d ranks, this job has %d (mpirun -np %d ...)",
               op->name, mm_op_min_ranks[i], nranks, mm_op_min_ranks[i]);
      return MM_EUSAGE;
    }
  }
  return MM_OK;
}

int mm_request_parse(int argc, char **argv, int nranks, mm_config *cfg, char *why, size_t len) {
  if (mm_options_parse(argc, argv, mm_request_op_names(), cfg, why, len)) return MM_EUSAGE;
  if (cfg->help || cfg->version) return MM_OK;
  return check_job(cfg, nranks, why, len);
}
