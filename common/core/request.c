#include "request.h"

#include <stdio.h>

#include "errors.h"

/* The operations of ops.def, in its order (the C registry's, the runner's). */
#define MM_OP(name, min_ranks, in_default, kind, kernels, busbw, pkl5, data, summary) #name,
static const char *const op_names[] = {
#include "ops.def"
};
#undef MM_OP
#define MM_OP(name, min_ranks, in_default, kind, kernels, busbw, pkl5, data, summary) summary,
static const char *const op_summaries[] = {
#include "ops.def"
};
#undef MM_OP
#define MM_OP(name, min_ranks, in_default, kind, kernels, busbw, pkl5, data, summary) min_ranks,
static const int op_min_ranks[] = {
#include "ops.def"
};
#undef MM_OP
#define MM_OP(name, min_ranks, in_default, kind, kernels, busbw, pkl5, data, summary) in_default,
static const bool op_in_default[] = {
#include "ops.def"
};
#undef MM_OP

static const mm_op_names ops = {sizeof op_names / sizeof *op_names, op_names, op_summaries,
                                op_in_default};

const mm_op_names *mm_request_op_names(void) { return &ops; }

/* Enough ranks and a valid root for what the options select. */
static int check_job(const mm_config *cfg, int nranks, char *why, size_t len) {
  if (cfg->root >= nranks) {
    snprintf(why, len, "--root %d is not a rank of this job (ranks 0..%d)", cfg->root, nranks - 1);
    return MM_EUSAGE;
  }
  for (size_t i = 0; i < ops.n; i++) {
    if (!((cfg->ops >> i) & 1u)) continue;
    if (nranks < op_min_ranks[i]) {
      snprintf(why, len, "%s needs at least %d ranks, this job has %d (mpirun -np %d ...)",
               op_names[i], op_min_ranks[i], nranks, op_min_ranks[i]);
      return MM_EUSAGE;
    }
  }
  return MM_OK;
}

int mm_request_parse(int argc, char **argv, int nranks, bool user_payloads, mm_config *cfg,
                     char *why, size_t len) {
  if (mm_options_parse(argc, argv, &ops, cfg, why, len)) return MM_EUSAGE;
  if (cfg->help || cfg->version) return MM_OK;
  if (cfg->user_payload && !user_payloads) {
    snprintf(why, len, "--payload %s: your own objects need the mpi4py runner (mpimark-py run); "
             "this binary models bytes, floats or ndarray", cfg->user_payload);
    return MM_EUSAGE;
  }
  return nranks > 0 ? check_job(cfg, nranks, why, len) : MM_OK;
}

int mm_request_check_job(const mm_config *cfg, int nranks, char *why, size_t len) {
  return cfg->help || cfg->version ? MM_OK : check_job(cfg, nranks, why, len);
}
