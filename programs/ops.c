/* The registry of operations, generated from ops.def. */
#include "op.h"

#define MM_OP(name, ...) &mm_op_##name,
const mm_op *const mm_ops[] = {
#include "ops.def"
};
#undef MM_OP
const size_t mm_n_ops = sizeof mm_ops / sizeof mm_ops[0];
