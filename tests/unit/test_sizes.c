/* Size-list parsing: ranges, lists, suffixes, and every kind of bad input;
 * the memory bound's value (-M) and amounts of memory. */
#include "buffers.h"
#include "sizes.h"
#include "unit.h"

static double memory(const char *text) {
  char err[256] = "";
  double v = -1;
  return mm_memory_parse(text, &v, err, sizeof err) ? -1 : v;
}

static int parses(const char *text, mm_sizes *s) {
  char err[256];
  return mm_sizes_parse(text, s, err, sizeof err) == 0;
}

static int rejects(const char *text, const char *needle) {
  mm_sizes s;
  char err[256] = "";
  int rc = mm_sizes_parse(text, &s, err, sizeof err);
  if (rc == 0 || !strstr(err, needle)) {
    fprintf(stderr, "  '%s' gave rc=%d err='%s' (want '%s')\n", text, rc, err, needle);
    return 0;
  }
  return 1;
}

int main(void) {
  mm_sizes s;
  CHECK(parses("1:4M", &s));
  CHECK(s.n == 23 && s.v[0] == 1 && s.v[1] == 2 && s.v[22] == 4u << 20);
  CHECK(parses("0:4", &s));
  CHECK(s.n == 4 && s.v[0] == 0 && s.v[1] == 1 && s.v[3] == 4);
  CHECK(parses("3:100", &s));
  CHECK(s.n == 6 && s.v[0] == 3 && s.v[5] == 96);
  CHECK(parses("8,1K,64K", &s));
  CHECK(s.n == 3 && s.v[0] == 8 && s.v[1] == 1024 && s.v[2] == 65536);
  CHECK(parses("1000", &s));
  CHECK(s.n == 1 && s.v[0] == 1000);
  CHECK(parses("2k,3MiB,1G,5B", &s));
  CHECK(s.n == 4 && s.v[0] == 2048 && s.v[1] == 3u << 20 && s.v[2] == 1u << 30 && s.v[3] == 5);
  CHECK(parses("4M:4M", &s));
  CHECK(s.n == 1 && s.v[0] == 4u << 20);
  CHECK(mm_sizes_max(&s) == 4u << 20);

  CHECK(rejects("", "empty"));
  CHECK(rejects("4:1", "MIN is larger than MAX"));
  CHECK(rejects("4K:1K", "MIN is larger than MAX"));
  CHECK(rejects("abc", "bad size 'abc'"));
  CHECK(rejects("1:", "bad size"));
  CHECK(rejects(":4", "bad size range"));
  CHECK(rejects("1:2:3", "bad size range"));
  CHECK(rejects("8,,16", "empty"));
  CHECK(rejects("8,16,", "empty"));
  CHECK(rejects("8,8", "listed twice"));
  CHECK(rejects("1,2:4", "not both"));
  CHECK(rejects("1T", "unknown suffix"));
  CHECK(rejects("3G", "exceeds the largest MPI message"));
  CHECK(rejects("99999999999999999999999", "out of range"));
  CHECK(rejects("-1", "bad size '-1'"));
  CHECK(rejects("1.5K", "unknown suffix"));

  char buf[32];
  CHECK_STR(mm_size_human(4u << 20, buf, sizeof buf), "4 MiB");
  CHECK_STR(mm_size_human(1000, buf, sizeof buf), "1000 B");
  CHECK_STR(mm_size_human(0, buf, sizeof buf), "0 B");

  CHECK(memory("auto") == 0);
  CHECK(memory("512") == 512);
  CHECK(memory("3M") == 3 << 20);
  CHECK(memory("4G") == 4.0 * (1 << 30));
  CHECK(memory("2T") == 2.0 * 1099511627776.0);
  CHECK(memory("0") == -1 && memory("1.5G") == -1 && memory("-1") == -1 && memory("10X") == -1);
  CHECK(memory("") == -1 && memory("G") == -1 && memory("1GB") == -1);
  CHECK_STR(mm_bytes_human(10, buf, sizeof buf), "10 B");
  CHECK_STR(mm_bytes_human(3 << 20, buf, sizeof buf), "3.00 MiB");
  CHECK_STR(mm_bytes_human(9.25 * (1 << 30), buf, sizeof buf), "9.25 GiB");
  return unit_report("test_sizes");
}
