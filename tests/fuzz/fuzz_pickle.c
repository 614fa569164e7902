/* libFuzzer target for the pickle decoder (built by scripts/fuzz with
 * clang -fsanitize=fuzzer,address,undefined).
 *
 * Any input must either decode or be rejected with a listed error code,
 * without a crash, a leak, or an out-of-bounds read (the input is handed
 * over in a buffer of exactly its size). A decoded object must also encode
 * and decode again to the same canonical text: the decoder accepts nothing
 * the codec cannot represent faithfully. The out-of-band decoder gets every
 * input too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pickle.h"

/* The same input with three out-of-band buffers (16 bytes each: one handed
 * over, one lent, one shared): NEXT_BUFFER and READONLY_BUFFER get
 * exercised, an adopted buffer must be freed exactly once, and a shared one
 * never, whatever happens. */
static void fuzz_out_of_band(const uint8_t *data, size_t size) {
  static unsigned char lent[16], shared[16];
  mm_pickle_buffer bufs[3] = {{malloc(16), 16, 1, 0}, {lent, 16, 0, 0}, {shared, 16, 0, 1}};
  if (!bufs[0].data) abort();
  memset(bufs[0].data, 0x3f, 16);
  mm_pyobj *obj = NULL;
  int rc = mm_pickle_loads_oob(data, size, bufs, 3, &obj);
  if (rc < 0 || rc >= MM_PICKLE_ERROR_COUNT || (rc != MM_PICKLE_OK) != (obj == NULL)) abort();
  if (obj) {
    char *text = NULL;
    size_t len;
    if (mm_pyobj_repr(obj, &text, &len)) abort();
    free(text);
  }
  mm_pyobj_free(obj);
  if (bufs[0].owned) free(bufs[0].data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_out_of_band(data, size);
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
