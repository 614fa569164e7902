/* libFuzzer target for the pickle decoder (built by scripts/fuzz with
 * clang -fsanitize=fuzzer,address,undefined).
 *
 * Any input must either decode or be rejected with a listed error code,
 * without a crash, a leak, or an out-of-bounds read (the input is handed
 * over in a buffer of exactly its size). A decoded object must also encode
 * and decode again to the same canonical text: the decoder accepts nothing
 * the codec cannot represent faithfully. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mm_pyobj *obj = NULL;
  int rc = mm_pickle_loads(data, size, &obj);
  if (rc < 0 || rc >= MM_PICKLE_ERROR_COUNT) abort();
  if (rc != MM_PICKLE_OK) {
    if (obj) abort();
    mm_pyobj_trim();
    return 0;
  }
  if (!obj) abort();
  char *text1 = NULL, *text2 = NULL;
  size_t len1, len2, enc_len, size_len;
  unsigned char *enc = NULL;
  mm_pyobj *again = NULL;
  if (mm_pyobj_repr(obj, &text1, &len1)) abort();
  if (mm_pickle_dumps(obj, &enc, &enc_len)) abort();
  if (mm_pickle_dumps_size(obj, &size_len) || size_len != enc_len) abort();
  if (mm_pickle_loads(enc, enc_len, &again)) abort();
  if (mm_pyobj_repr(again, &text2, &len2)) abort();
  if (len1 != len2 || memcmp(text1, text2, len1)) abort();
  free(text1);
  free(text2);
  free(enc);
  mm_pyobj_free(again);
  mm_pyobj_free(obj);
  mm_pyobj_trim(); /* keep mallocs and frees balanced per input */
  return 0;
}
