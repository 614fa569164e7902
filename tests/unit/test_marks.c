/* The marks on synthetic runs: a row is marked only when it stands out of
 * its run (split into two groups, or spread far beyond the typical row), a
 * uniformly noisy run marks few rows and says it was noisy. */
#include <stdlib.h>
#include <string.h>

#include "marks.h"
#include "unit.h"

static unsigned long long seed = 42;
static double uniform(void) {
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }

/* A row of 6 rounds: level * factor[i] (NULL: 1) * exp(sd * N(0, 1)). */
static void add(mm_results *r, double sd, const double *factor) {
  mm_row w = {.bytes = 8 * (r->n_rows + 1), .rounds = 6};
  snprintf(w.op, sizeof w.op, "bcast");
  snprintf(w.path, sizeof w.path, "buffer");
  snprintf(w.metric, sizeof w.metric, "latency");
  for (int i = 0; i < 6; i++) w.round_median[i] = 3.0 * (factor ? factor[i] : 1.0) * exp(sd * normal());
  mm_results_add_row(r, &w);
}

static size_t run(mm_results *r, unsigned char *marks, mm_stability *s) {
  CHECK(mm_marks_compute(r, marks, s) == 0);
  return s->marked;
}

int main(void) {
  const double split[6] = {1, 1.5, 1, 1.5, 1, 1.5}, wide[6] = {1, 1.3, 0.8, 1.1, 0.9, 1.2};
  const double slight[6] = {1, 1.05, 1, 1.03, 1, 1.04}, states[6] = {1, 3, 1, 1, 3, 3};
  unsigned char marks[256];
  mm_stability s;
  char line[512];

  /* A quiet run (1% noise) with one bimodal row and one wide one: those two
   * are marked, and why; a 5% spread is not, on any run (the floor). */
  mm_results q = {0};
  for (int i = 0; i < 40; i++) add(&q, 0.01, i == 10 ? split : i == 20 ? wide : i == 30 ? slight : NULL);
  CHECK(run(&q, marks, &s) == 2);
  CHECK(marks[10] == MM_MARK_SPLIT && marks[20] == MM_MARK_WIDE && marks[30] == MM_MARK_NONE);
  CHECK(s.rows == 40 && s.typical < 0.05 && s.worst > 0.45 && s.worst_row == 20);
  mm_marks_describe(&q, &s, "rounds", line, sizeof line);
  CHECK(strstr(line, "2 of 40 rows stand out") != NULL && strstr(line, "noisy") == NULL);
  mm_results_free(&q);

  /* A uniformly noisy run (15% per round): few rows marked, and it says it
   * was noisy; a row that flips between two states 3x apart still is. */
  mm_results n = {0};
  for (int i = 0; i < 200; i++) add(&n, 0.15, i == 100 ? states : NULL);
  size_t marked = run(&n, marks, &s);
  CHECK(marks[100] != MM_MARK_NONE);
  CHECK(marked <= 6); /* at most 3% of the run */
  CHECK(s.typical > MM_MARK_NOISY);
  mm_marks_describe(&n, &s, "launches", line, sizeof line);
  CHECK(strstr(line, "a row's launches differed by") != NULL && strstr(line, "a noisy run") != NULL);
  CHECK(strstr(line, "speed or load changed") != NULL); /* no probes: it cannot say which */
  printf("noisy run: %zu of %zu rows marked, typical spread %.0f%%\n", marked, s.rows,
         100 * s.typical);
  /* The same spread where every probe saw one state: not the machine's
   * speed as the probe sees it, and it says so. */
  for (size_t i = 0; i < n.n_rows; i++)
    for (int k = 0; k < 6; k++) n.rows[i].round_probe[k] = 50.0 + k;
  run(&n, marks, &s);
  mm_marks_describe(&n, &s, "launches", line, sizeof line);
  CHECK(s.by_state == 0 && strstr(line, "not between the states the probe tells apart") != NULL);
  CHECK(strstr(line, "speed changed") == NULL);
  mm_results_free(&n);

  /* A run whose every row moved with the machine's state (3x, the probes
   * say which rounds ran slow) and 1% noise within it: nothing stands
   * out, the spread is taken within a state and the one across the states
   * is said once; a row noisy within its state (30%) stands out; without
   * the probes the same run is one noisy whole (as above). */
  mm_results b = {0};
  const double probe[6] = {50, 400, 55, 52, 700, 350};
  for (int i = 0; i < 40; i++) {
    add(&b, i == 7 ? 0.3 : 0.01, states);
    memcpy(b.rows[i].round_probe, probe, sizeof probe);
  }
  CHECK(run(&b, marks, &s) == 1 && marks[7] != MM_MARK_NONE);
  CHECK(s.by_state == 40 && s.typical < 0.06 && s.across > 1.5);
  mm_marks_describe(&b, &s, "launches", line, sizeof line);
  CHECK(strstr(line, "within a state,") != NULL && strstr(line, "across its states") != NULL);
  CHECK(strstr(line, "40 of 40 rows ran") != NULL && strstr(line, "a noisy run") == NULL);
  for (int i = 0; i < 40; i++) memset(b.rows[i].round_probe, 0, sizeof probe);
  CHECK(run(&b, marks, &s) == 0 && s.by_state == 0 && s.typical > 1.5);
  mm_results_free(&b);

  /* One round per row: nothing to compare, nothing marked. */
  mm_results one = {0};
  add(&one, 0.5, split);
  one.rows[0].rounds = 1;
  CHECK(run(&one, marks, &s) == 0 && s.rows == 0 && marks[0] == MM_MARK_NONE);
  mm_results_free(&one);

  /* A stall (one call 5 s, SIGSTOP of a rank) marks its row even with one
   * round, and is named; ordinary far samples are not stalls: 2000x the
   * median but under 0.1 s (a 600 us hiccup at 0.3 us), or 0.2 s but only
   * 200x a 1 ms median, or a bandwidth row. */
  mm_results st = {0};
  const double stat[][2] = {{0.4, 5.01e6}, {0.3, 600}, {1000, 2e5}, {0.4, 5.01e6}};
  for (int i = 0; i < 4; i++) {
    add(&st, 0.01, NULL);
    st.rows[i].rounds = 1;
    st.rows[i].st.median = stat[i][0], st.rows[i].st.max = stat[i][1];
  }
  snprintf(st.rows[3].metric, sizeof st.rows[3].metric, "bandwidth");
  CHECK(run(&st, marks, &s) == 1 && marks[0] == MM_MARK_STALL);
  CHECK(marks[1] == MM_MARK_NONE && marks[2] == MM_MARK_NONE && marks[3] == MM_MARK_NONE);
  CHECK(mm_marks_stalls(&st, line, sizeof line) == 1);
  CHECK(!strcmp(line, "bcast 8 B buffer: 5.01 s (1.3e+07x its median)"));
  mm_results_free(&st);
  return unit_report("test_marks");
}
