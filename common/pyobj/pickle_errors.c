/* The codec's error codes as text (pickle.h's MM_PICKLE_ERROR_LIST). */
#include "pickle.h"

static const char *const error_messages[] = {
#define MM_PICKLE_ERROR_MSG(name, msg) msg,
    MM_PICKLE_ERROR_LIST(MM_PICKLE_ERROR_MSG)
#undef MM_PICKLE_ERROR_MSG
};
static const char *const error_names[] = {
#define MM_PICKLE_ERROR_NAME(name, msg) #name,
    MM_PICKLE_ERROR_LIST(MM_PICKLE_ERROR_NAME)
#undef MM_PICKLE_ERROR_NAME
};

const char *mm_pickle_strerror(int err) {
  if (err < 0 || err >= MM_PICKLE_ERROR_COUNT) return "unknown error";
  return error_messages[err];
}

const char *mm_pickle_errname(int err) {
  if (err < 0 || err >= MM_PICKLE_ERROR_COUNT) return "MM_PICKLE_UNKNOWN";
  return error_names[err];
}
