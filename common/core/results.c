#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows an array by doubling; returns 0 or -1. */
static int grow(void **items, size_t *cap, size_t need, size_t item_size) {
  if (need <= *cap) return 0;
  size_t cap2 = *cap ? *cap * 2 : 16;
  while (cap2 < need) cap2 *= 2;
  void *p = realloc(*items, cap2 * item_size);
  if (!p) return -1;
  *items = p;
  *cap = cap2;
  return 0;
}

int mm_results_set_meta(mm_results *r, const char *key, const char *value) {
  mm_meta *m = NULL;
  for (size_t i = 0; i < r->n_meta && !m; i++)
    if (!strcmp(r->meta[i].key, key)) m = &r->meta[i];
  if (!m) {
    if (grow((void **)&r->meta, &r->cap_meta, r->n_meta + 1, sizeof *r->meta)) return -1;
    m = &r->meta[r->n_meta++];
    snprintf(m->key, sizeof m->key, "%s", key);
  }
  /* Metadata lines must stay one line: newlines would break the CSV header. */
  snprintf(m->value, sizeof m->value, "%s", value ? value : "");
  for (char *c = m->value; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' ';
  return 0;
}

size_t mm_row_probes(const mm_row *w) {
  size_t n = w->rounds > 0 ? (size_t)w->rounds : 0;
  if (n > MM_MAX_ROUNDS) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(w->round_probe[i] > 0)) return 0;
  return n;
}

const char *mm_results_meta(const mm_results *r, const char *key) {
  for (size_t i = 0; i < r->n_meta; i++)
    if (!strcmp(r->meta[i].key, key)) return r->meta[i].value;
  return NULL;
}

int mm_results_add_row(mm_results *r, const mm_row *row) {
  if (grow((void **)&r->rows, &r->cap_rows, r->n_rows + 1, sizeof *r->rows)) return -1;
  r->rows[r->n_rows++] = *row;
  return 0;
}

void mm_results_free(mm_results *r) {
  free(r->meta);
  free(r->rows);
  memset(r, 0, sizeof *r);
}
