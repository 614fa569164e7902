/* mm_error_line: every error message is one line of bounded length,
 * whatever the argument it quotes. */
#include <string.h>

#include "errors.h"
#include "unit.h"

int main(void) {
  char out[512], big[12000];
  CHECK_STR(mm_error_line(out, sizeof out, "unknown operation 'x' (choose from: a b)"),
            "unknown operation 'x' (choose from: a b)");
  CHECK_STR(mm_error_line(out, sizeof out, "bad 'a\nb\tc\x01' here"), "bad 'a\\nb\\tc\\x01' here");
  /* A 10,000-character argument: its first 100 characters, an ellipsis,
   * the quote closed, and the rest of the message kept. */
  memset(big, 'x', sizeof big);
  memcpy(big, "unknown operation '", 19);
  strcpy(big + 10019, "' (choose from: a b)");
  mm_error_line(out, sizeof out, big);
  CHECK(strlen(out) == 18 + 100 + 3 + 1 + 1 + 18); /* "unknown operation ", 100, "…", "'", " ", "(choose...)" */
  CHECK(strncmp(out, "unknown operation 'xxxx", 23) == 0);
  CHECK(strstr(out, "x\xe2\x80\xa6' (choose from: a b)") != NULL);
  /* Cut by the caller's buffer: still no quote left open. */
  big[300] = '\0';
  mm_error_line(out, sizeof out, big);
  CHECK(out[strlen(out) - 1] == '\'');
  /* Never past the buffer; a UTF-8 character is not split. */
  CHECK(strlen(mm_error_line(out, 8, "abcdefghijkl")) == 7);
  char utf[300];
  memset(utf, 'y', sizeof utf);
  memcpy(utf + 99, "\xc3\xa9", 2);
  utf[299] = '\0';
  mm_error_line(out, sizeof out, utf);
  CHECK(strncmp(out + 99, "\xe2\x80\xa6", 3) == 0);
  return unit_report("test_errors");
}
