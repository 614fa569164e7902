/* The CSV and JSON writers, byte for byte, and the table's shape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "unit.h"

static char *render(const mm_results *r, mm_format f) {
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  mm_output_write(fp, r, f);
  fclose(fp);
  return buf;
}

static mm_row row(const char *path, const char *payload, size_t bytes, const char *metric,
                  double median, const double rounds[3]) {
  mm_row w = {.bytes = bytes, .wire_bytes = bytes + 10, .iterations = 100, .rounds = 3,
              .round_min = median - 0.5, .round_max = median + 0.5};
  for (int i = 0; i < 3; i++) w.round_median[i] = rounds[i];
  snprintf(w.op, sizeof w.op, "sendrecv");
  snprintf(w.path, sizeof w.path, "%s", path);
  snprintf(w.payload, sizeof w.payload, "%s", payload);
  snprintf(w.metric, sizeof w.metric, "%s", metric);
  snprintf(w.unit, sizeof w.unit, "us");
  w.st = (mm_stats){10, median - 1, median, median + 0.5, median + 2, median + 1.5, median - 0.25,
                    median + 0.25};
  return w;
}

int main(void) {
  mm_results r = {0};
  mm_results_set_meta(&r, "ranks", "2");
  mm_results_set_meta(&r, "command", "mpimark \"quoted\"\nsecond line");
  mm_results_set_meta(&r, "ranks", "4"); /* replaces */
  CHECK(r.n_meta == 2);
  CHECK_STR(mm_results_meta(&r, "ranks"), "4");
  CHECK(mm_results_meta(&r, "nope") == NULL);
  /* per-round object/buffer ratios 2.5, 2.684..., 2.190...: median 2.50,
   * and a repeat run's 95% interval from 3 rounds (mm_stats_predict: t(2) =
   * 4.303 times the log ratios' sd 0.103 times sqrt(pi/3)): [1.59, 3.94] */
  mm_row a = row("buffer", "MPI_BYTE", 8, "latency", 2.0, (const double[3]){2.0, 1.9, 2.1});
  mm_row b = row("object", "bytes", 8, "latency", 5.0, (const double[3]){5.0, 5.1, 4.6});
  b.late = 7;
  /* b's rows carry their own state probes (a's were not measured): the
   * column lists them and its one mode is named by their median */
  memcpy(b.round_probe, (const double[3]){50, 300, 52}, 3 * sizeof(double));
  mm_results_add_row(&r, &a);
  mm_results_add_row(&r, &b);

  char *csv = render(&r, MM_FORMAT_CSV);
  const char *want_csv =
      "#@ranks=4\n"
      "#@command=mpimark \"quoted\" second line\n"
      "op,path,payload,bytes,wire_bytes,metric,unit,samples,iterations,min,median,mean,max,p99,"
      "ci_low,ci_high,rounds,round_min,round_max,unstable,late,round_medians,modes,mode_medians,"
      "mode_ci_low,mode_ci_high,mode_shares,mode_probe_ns,round_probes_ns\n"
      "sendrecv,buffer,MPI_BYTE,8,18,latency,us,10,100,1,2,2.5,4,3.5,1.75,2.25,3,1.5,2.5,0,0,"
      "2;1.9;2.1,1,2,1.75,2.25,1,,\n"
      "sendrecv,object,bytes,8,18,latency,us,10,100,4,5,5.5,7,6.5,4.75,5.25,3,4.5,5.5,0,7,"
      "5;5.1;4.6,1,5,4.75,5.25,1,52,50;300;52\n";
  CHECK_STR(csv, want_csv);
  if (strcmp(csv, want_csv)) fprintf(stderr, "got:\n%s", csv);

  char *json = render(&r, MM_FORMAT_JSON);
  CHECK(strstr(json, "\"command\": \"mpimark \\\"quoted\\\" second line\"") != NULL);
  CHECK(strstr(json, "{\"op\": \"sendrecv\", \"path\": \"object\", \"payload\": \"bytes\", "
                     "\"bytes\": 8, \"wire_bytes\": 18, \"metric\": \"latency\", \"unit\": \"us\", "
                     "\"samples\": 10, \"iterations\": 100, \"min\": 4, \"median\": 5,") != NULL);
  CHECK(strstr(json, "\"rounds\": 3, \"round_min\": 4.5, \"round_max\": 5.5, \"unstable\": 0, "
                     "\"late\": 7, \"round_medians\": [5, 5.1, 4.6], \"modes\": 1, \"mode_medians\": [5], "
               "\"mode_ci_low\": [4.75], \"mode_ci_high\": [5.25], \"mode_shares\": [1], "
               "\"mode_probe_ns\": [52], \"round_probes_ns\": [50, 300, 52]}") != NULL);
  CHECK(json[0] == '{' && json[strlen(json) - 2] == '}');

  /* The default table: medians +- the interval's half-width in %, within
   * 100 columns; the ratio paired by round; no row stands out of two. */
  char *table = render(&r, MM_FORMAT_TABLE);
  CHECK(strstr(table, "# sendrecv\n# payload: buffer MPI_BYTE; object bytes;") != NULL);
  CHECK(strstr(table, "    size  path    wire B         us   +-PI  to buffer   +-PI\n") != NULL);
  CHECK(strstr(table, "     8 B  buffer      18      2.000  +-12%\n") != NULL);
  /* The states line from the rows' own probes: b's three rounds, two at
   * 50-52 ns and one at 300 (a's were not measured). */
  CHECK(strstr(table, "line 51 ns in 67%, line 300 ns in 33% of the rows' rounds") != NULL);
  CHECK(strstr(table, "     8 B  object      18      5.000 +-5.0%      2.50x  +-57%\n") != NULL);
  CHECK(strstr(table, "0 of 2 rows stand out") != NULL && strstr(table, " !") == NULL);
  for (const char *line = table; *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    CHECK(len <= 100);
    line += len + (end != NULL);
  }
  /* --wide: today's layout, both ends of each interval. */
  char *wide = render(&r, MM_FORMAT_WIDE);
  CHECK(strstr(wide, "latency (us) median [95% PI]") != NULL); /* 3 rounds: a repeat's */
  CHECK(strstr(wide, "object/buffer") != NULL);
  CHECK(strstr(wide, "2.50x [1.59, 3.94]") != NULL); /* paired by round */
  CHECK(strstr(wide, "5.000 [4.750, 5.250]") != NULL);
  CHECK(strstr(wide, "2.000 [1.750, 2.250]") != NULL);
  free(wide);

  char *js = NULL;
  size_t js_len = 0;
  FILE *fp = open_memstream(&js, &js_len);
  mm_output_json_string(fp, "a\"b\\c\td");
  fclose(fp);
  CHECK_STR(js, "\"a\\\"b\\\\c\\u0009d\"");
  free(js);

  /* No text reaches a CSV as a spreadsheet formula (OWASP's CSV injection):
   * a row's cell, or a piece of a metadata value after a ','. */
  char cell[64];
  const char *cells[][3] = {/* in, as a row's cell, as a metadata value */
                            {"=1+1", "'=1+1", "=1+1"},
                            {"@SUM(A1)", "'@SUM(A1)", "@SUM(A1)"},
                            {"+1", "'+1", "+1"},
                            {"-2", "'-2", "-2"},
                            {"\tx", "' x", " x"},
                            {"a,=1+2,@x", "\"a,=1+2,@x\"", "a,'=1+2,'@x"},
                            {"say \"hi\"", "\"say \"\"hi\"\"\"", "say \"hi\""},
                            {"two\nlines", "two lines", "two lines"},
                            {"plain", "plain", "plain"}};
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
    CHECK(mm_csv_text(cell, sizeof cell, cells[i][0], false) == strlen(cells[i][1]));
    CHECK_STR(cell, cells[i][1]);
    mm_csv_text(cell, sizeof cell, cells[i][0], true);
    CHECK_STR(cell, cells[i][2]);
  }
  CHECK(mm_csv_text(cell, 4, "=abcdef", false) == 8 && !strcmp(cell, "'=a")); /* cut, terminated */
  mm_results_set_meta(&r, "command", "mpimark -o a,=1+2,@SUM(1).csv");
  char *csv2 = render(&r, MM_FORMAT_CSV);
  CHECK(strstr(csv2, "#@command=mpimark -o a,'=1+2,'@SUM(1).csv\n") != NULL);
  free(csv2);

  /* The heap note: under a run whose pickled rows reach 1 MiB with the
   * heap as it is (#@heap=default), with the environment that pins it
   * (from heap.def); not with a pinned heap, not below 1 MiB. */
  mm_results_set_meta(&r, "heap", "default");
  char *small = render(&r, MM_FORMAT_TABLE);
  CHECK(strstr(small, "# heap:") == NULL);
  mm_row big = row("object", "bytes", 1048576, "latency", 300.0, (const double[3]){300, 290, 310});
  mm_results_add_row(&r, &big);
  char *heap = render(&r, MM_FORMAT_TABLE);
  CHECK(strstr(heap, "# heap: each pickled size as a program that sets nothing and sends only that size") != NULL);
  CHECK(strstr(heap, "MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456\n") != NULL);
  mm_results_set_meta(&r, "heap", "mallopt M_MMAP_THRESHOLD=33554432 M_TRIM_THRESHOLD=268435456");
  char *pinned = render(&r, MM_FORMAT_TABLE);
  CHECK(strstr(pinned, "# heap:") == NULL);
  free(small);
  free(heap);
  free(pinned);

  /* Modes named by their state probes; probes of one state (within
   * MM_STATE_RATIO, 3x) do not tell the modes apart, and the line says so. */
  mm_mode two[2] = {{0.130, NAN, NAN, 2}, {0.371, 0.25, 0.49, 3}};
  char text[256];
  mm_output_modes(two, 2, (const double[2]){30, 180}, 6, false, text, sizeof text);
  CHECK_STR(text, "0.130 (2 of 6, no interval, line 30 ns) | 0.371 +-33% (3 of 6, line 180 ns)");
  mm_output_modes(two, 2, (const double[2]){58, 59}, 6, false, text, sizeof text);
  CHECK_STR(text, "0.130 (2 of 6, no interval, line 58 ns) | 0.371 +-33% (3 of 6, line 59 ns); "
                  "the state probe does not tell them apart");
  mm_output_modes(two, 2, (const double[2]){330, 750}, 6, false, text, sizeof text);
  CHECK(strstr(text, "apart") != NULL); /* the slow state's short probes wander 2.3x */
  mm_output_modes(two, 2, NULL, 6, false, text, sizeof text);
  CHECK(strstr(text, "apart") == NULL); /* no probe: nothing said of it */

  CHECK(mm_output_format_for("a/b.json") == MM_FORMAT_JSON);
  CHECK(mm_output_format_for("a/b.csv") == MM_FORMAT_CSV);
  /* A disturbed probe or two among hundreds is a state "in under 1%", not
   * "in 0%": 4 rows of 64 rounds, one probe of 256 at 10 us. */
  mm_results many = {0};
  for (int i = 0; i < 4; i++) {
    mm_row w = row("buffer", "MPI_BYTE", 8u << i, "latency", 2.0, (const double[3]){2.0, 2.0, 2.0});
    w.rounds = 64;
    for (int k = 0; k < 64; k++) w.round_median[k] = 2.0, w.round_probe[k] = i == 0 && k == 0 ? 10000 : 50;
    mm_results_add_row(&many, &w);
  }
  char *few = render(&many, MM_FORMAT_TABLE);
  CHECK(strstr(few, "line 50 ns in 100%, line 10000 ns in under 1% of the rows' rounds") != NULL);
  free(few);
  mm_results_free(&many);

  /* A row whose launches ran in two states: its all-data interval (the
   * rows' own 1.9-2.1 here) holds both modes, the fast one's interval and
   * the slow one's median (2 values: no interval of its own), in the CSV
   * and in the table; written again, it stays the same. */
  mm_results mixed = {0};
  mm_row w = row("buffer", "MPI_BYTE", 8, "latency", 2.0, (const double[3]){1.0, 1.02, 0.98});
  w.rounds = 5;
  memcpy(w.round_median + 3, (const double[2]){3.0, 3.1}, 2 * sizeof(double));
  memcpy(w.round_probe, (const double[5]){50, 52, 51, 400, 420}, 5 * sizeof(double));
  w.st.ci_low = 1.9, w.st.ci_high = 2.1;
  mm_results_add_row(&mixed, &w);
  mm_mode m[MM_MAX_MODES];
  size_t k = mm_modes_probed(w.round_median, w.round_probe, 5, m, NULL);
  CHECK(k == 2 && m[0].ci_low < 0.98 && m[0].ci_high > 1.02 && !isfinite(m[1].ci_low));
  char *spans = render(&mixed, MM_FORMAT_CSV), want[64];
  snprintf(want, sizeof want, ",%.6g,%.6g,5,", m[0].ci_low, 3.05);
  CHECK(strstr(spans, want) != NULL);
  if (!strstr(spans, want)) fprintf(stderr, "no %s in:\n%s", want, spans);
  w.st.ci_low = m[0].ci_low, w.st.ci_high = 3.05;
  mixed.rows[0] = w;
  char *again = render(&mixed, MM_FORMAT_CSV);
  CHECK_STR(again, spans);
  char *mixed_table = render(&mixed, MM_FORMAT_TABLE);
  char spread[32];
  snprintf(spread, sizeof spread, "+-%.0f%%", 100 * fmax(3.05 / 2.0 - 1, 1 - m[0].ci_low / 2.0));
  CHECK(strstr(mixed_table, spread) != NULL);
  free(spans);
  free(again);
  free(mixed_table);
  mm_results_free(&mixed);

  /* An object/buffer ratio whose rounds ran in two states: 18 rounds at
   * 2.0x (fast, 50 ns), 2 at 1.1x (slow, 400 ns). The paired ratios'
   * interval alone (about +-17%) misses the slow state's 1.1x; widened, the
   * table's ratio says +-45%. */
  mm_results pair = {0};
  mm_row buf = row("buffer", "MPI_BYTE", 8, "latency", 1.0, (const double[3]){1, 1, 1});
  mm_row obj = row("object", "bytes", 8, "latency", 2.0, (const double[3]){2, 2, 2});
  buf.rounds = obj.rounds = 20;
  for (int i = 0; i < 20; i++) {
    bool slow = i >= 18;
    buf.round_median[i] = slow ? 3.0 : 1.0 + 0.001 * i;
    obj.round_median[i] = buf.round_median[i] * (slow ? 1.1 : 2.0);
    buf.round_probe[i] = obj.round_probe[i] = slow ? 400 : 50;
  }
  mm_results_add_row(&pair, &buf);
  mm_results_add_row(&pair, &obj);
  char *ratio_table = render(&pair, MM_FORMAT_TABLE);
  CHECK(strstr(ratio_table, "2.00x  +-45%") != NULL);
  CHECK(strstr(ratio_table, "to buffer: 1.10x (2 of 20, no interval, line 400 ns) | 2.00x +-") != NULL);
  if (!strstr(ratio_table, "2.00x  +-45%")) fprintf(stderr, "%s", ratio_table);
  free(ratio_table);
  mm_results_free(&pair);

  free(csv);
  free(json);
  free(table);
  mm_results_free(&r);
  return unit_report("test_output");
}
