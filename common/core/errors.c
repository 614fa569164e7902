#include "errors.h"

#include <stdio.h>
#include <string.h>

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

enum { LONGEST_WORD = 120, KEPT_OF_WORD = 100 };

/* Appends s to out (capacity n, length *len), always terminated. */
static void put(char *out, size_t n, size_t *len, const char *s) {
  for (; *s && *len + 1 < n; s++) out[(*len)++] = *s;
  out[*len] = '\0';
}

/* Appends the k bytes at p, control characters escaped. */
static void put_escaped(char *out, size_t n, size_t *len, const char *p, size_t k) {
  for (size_t i = 0; i < k; i++) {
    unsigned char c = (unsigned char)p[i];
    char one[8] = {(char)c, 0};
    if (c < 0x20 || c == 0x7f) snprintf(one, sizeof one, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\x%02x", c);
    put(out, n, len, one);
  }
}

char *mm_error_line(char *out, size_t n, const char *in) {
  size_t len = 0;
  if (!n) return out;
  out[0] = '\0';
  for (const char *p = in; *p;) {
    size_t word = strcspn(p, " "), gap = p[word] == ' ';
    if (word <= LONGEST_WORD) {
      put_escaped(out, n, &len, p, word + gap);
    } else { /* its first KEPT_OF_WORD bytes, not ending inside a UTF-8 character */
      size_t keep = KEPT_OF_WORD;
      while (keep && ((unsigned char)p[keep] & 0xC0) == 0x80) keep--;
      put_escaped(out, n, &len, p, keep);
      put(out, n, &len, "\xe2\x80\xa6"); /* U+2026, an ellipsis */
      char quote[2] = {*p, 0};
      if (*p == '\'' || *p == '"') put(out, n, &len, quote); /* its closing one was cut */
      put(out, n, &len, gap ? " " : "");
    }
    p += word + gap;
  }
  return out;
}
