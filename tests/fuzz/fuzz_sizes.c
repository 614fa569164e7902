/* libFuzzer target for the message-size parser (-m) and the memory bound's
 * (-M: auto, or more than 0 bytes, at most 10^18), built by scripts/fuzz
 * with clang -fsanitize=fuzzer,address,undefined.
 *
 * Any text must either parse or be rejected with a message, without a
 * crash or an out-of-bounds access (the text is handed over in a buffer of
 * exactly its length plus the NUL). A parsed list must keep the contract of
 * sizes.h: 1 to MM_SIZES_MAX_COUNT sizes, none above MM_SIZE_MAX, none
 * twice, ascending for MIN:MAX; and every single size of a list must parse
 * alone to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "sizes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) abort();
  memcpy(text, data, size);
  text[size] = '\0';
  static mm_sizes s; /* 2 KiB: off the fuzzer's stack */
  char err[256] = "";
  int rc = mm_sizes_parse(text, &s, err, sizeof err);
  if (rc != 0) {
    if (rc != -1 || err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL) abort();
  } else {
    if (s.n < 1 || s.n > MM_SIZES_MAX_COUNT) abort();
    int range = strchr(text, ':') != NULL;
    for (size_t i = 0; i < s.n; i++) {
      if (s.v[i] > MM_SIZE_MAX) abort();
      for (size_t j = 0; j < i; j++)
        if (s.v[j] == s.v[i] || (range && s.v[j] > s.v[i])) abort();
      char human[32];
      if (strlen(mm_size_human(s.v[i], human, sizeof human)) >= sizeof human) abort();
    }
    if (mm_sizes_max(&s) > MM_SIZE_MAX) abort();
    if (!range) { /* each item alone gives the value the list gave */
      size_t i = 0;
      for (char *item = strtok(text, ","); item; item = strtok(NULL, ","), i++) {
        size_t one;
        if (i >= s.n || mm_size_parse(item, &one, err, sizeof err) != 0 || one != s.v[i]) abort();
      }
      if (i != s.n) abort();
    }
  }
  double bound = -1;
  err[0] = '\0';
  rc = mm_memory_parse(text, &bound, err, sizeof err);
  if (rc == 0 ? !(bound == 0 || (bound >= 1 && bound <= 1e18))
              : rc != -1 || err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
    abort();
  free(text);
  return 0;
}
