#include "errors.h"

static const struct {
  int exit_code;
  const char *message;
} errors[] = {
#define MM_ERROR(name, code, msg) {code, msg},
#include "errors.def"
#undef MM_ERROR
};

const char *mm_strerror(int err) {
  if (err < 0 || err >= MM_ERROR_COUNT) return "unknown error";
  return errors[err].message;
}

int mm_exit_code(int err) {
  if (err < 0 || err >= MM_ERROR_COUNT) return 1;
  return errors[err].exit_code;
}
