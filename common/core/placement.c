#define _GNU_SOURCE /* sched_getaffinity, CPU_SET */
#include "placement.h"

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const size_t mm_place_size = sizeof(mm_place);

static bool has(const mm_place *p, int c) { return (p->cpus[c / 64] >> (c % 64)) & 1u; }

static int count(const mm_place *p) {
  int n = 0;
  for (int w = 0; w < MM_PLACE_WORDS; w++) n += __builtin_popcountll(p->cpus[w]);
  return n;
}

static bool same_cpus(const mm_place *a, const mm_place *b) {
  return !memcmp(a->cpus, b->cpus, sizeof a->cpus);
}

static bool overlap(const mm_place *a, const mm_place *b) {
  for (int w = 0; w < MM_PLACE_WORDS; w++)
    if (a->cpus[w] & b->cpus[w]) return true;
  return false;
}

static int first_cpu(const mm_place *p) {
  for (int c = 0; c < 64 * MM_PLACE_WORDS; c++)
    if (has(p, c)) return c;
  return -1;
}

/* "0-3,8" into buf. */
static char *cpu_list(const mm_place *p, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (int c = 0; c < 64 * MM_PLACE_WORDS && at < len; c++) {
    if (!has(p, c)) continue;
    int end = c;
    while (end + 1 < 64 * MM_PLACE_WORDS && has(p, end + 1)) end++;
    at += (size_t)(end > c ? snprintf(buf + at, len - at, "%s%d-%d", at ? "," : "", c, end)
                           : snprintf(buf + at, len - at, "%s%d", at ? "," : "", c));
    c = end;
  }
  return buf;
}

/* The NUMA node holding all of p's CPUs, from /sys (-1: no such file, -2:
 * several). */
static int numa_of(const mm_place *p) {
  int found = -1;
  for (int node = 0; node < 1024; node++) {
    char path[64], line[4096];
    snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", node);
    FILE *fp = fopen(path, "r");
    if (!fp) {
      if (node > 64) break; /* nodes are numbered densely, with rare gaps */
      continue;
    }
    bool any = false;
    if (fgets(line, sizeof line, fp))
      for (char *s = line; *s && *s != '\n';) {
        int a, b, used;
        if (sscanf(s, "%d%n", &a, &used) != 1) break;
        s += used;
        b = a;
        if (*s == '-' && sscanf(s + 1, "%d%n", &b, &used) == 1) s += 1 + used;
        for (int c = a; c <= b && c < 64 * MM_PLACE_WORDS; c++) any |= c >= 0 && has(p, c);
        if (*s == ',') s++;
      }
    fclose(fp);
    if (any) found = found == -1 ? node : -2;
  }
  return found;
}

void mm_place_self(mm_place *p) {
  memset(p, 0, sizeof *p);
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE && c < 64 * MM_PLACE_WORDS; c++)
      if (CPU_ISSET(c, &set)) p->cpus[c / 64] |= 1ull << (c % 64);
  p->numa = numa_of(p);
  p->node_cpus = (int32_t)sysconf(_SC_NPROCESSORS_ONLN);
}

char *mm_binding_text(const mm_place *p, size_t n, char *buf, size_t len) {
  size_t bound = 0, lo = SIZE_MAX, hi = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = (size_t)count(&p[i]);
    bound += (int)k < p[i].node_cpus;
    lo = k < lo ? k : lo;
    hi = k > hi ? k : hi;
  }
  for (size_t i = 0; i < n; i++) /* the first two ranks of one host that may share a CPU */
    for (size_t j = i + 1; j < n && bound == n; j++)
      if (p[i].host == p[j].host && overlap(&p[i], &p[j])) {
        snprintf(buf, len, "shared: ranks %zu and %zu may run on the same CPU (bound, but not "
                 "each to CPUs of its own)", i, j);
        return buf;
      }
  if (bound == n && lo == hi)
    snprintf(buf, len, "bound: each rank to its own %zu CPU%s", lo, lo == 1 ? "" : "s");
  else if (bound == n)
    snprintf(buf, len, "bound: each rank to its own %zu-%zu CPUs", lo, hi);
  else if (bound == 0)
    snprintf(buf, len, "not bound: every rank may run on any CPU of its node");
  else
    snprintf(buf, len, "partly bound: %zu of %zu ranks bound, the others may run on any CPU of "
             "their node", bound, n);
  return buf;
}

int mm_binding_is_loose(const char *binding) { return strncmp(binding, "bound:", 6) != 0; }

char *mm_placement_text(const mm_place *p, size_t n, const char *const *hosts, char *buf, size_t len) {
  size_t at = 0, i = 0;
  buf[0] = '\0';
  while (i < n) {
    /* One group: the same host and NUMA node, and either one set for all
     * or one CPU each, numbered on from the first. */
    size_t j = i + 1;
    bool single = count(&p[i]) == 1, shared = true, stepping = single;
    for (; j < n && p[j].host == p[i].host && p[j].numa == p[i].numa; j++) {
      bool s = shared && same_cpus(&p[j], &p[i]);
      bool t = stepping && count(&p[j]) == 1 && first_cpu(&p[j]) == first_cpu(&p[i]) + (int)(j - i);
      if (!s && !t) break;
      shared = s;
      stepping = t;
    }
    char cpus[512], numa[16], ranks[48], group[700];
    if (j - i > 1 && stepping && !shared)
      snprintf(cpus, sizeof cpus, "%d-%d one each", first_cpu(&p[i]), first_cpu(&p[j - 1]));
    else
      snprintf(cpus + (size_t)0, sizeof cpus, "%s%s", cpu_list(&p[i], group, sizeof group),
               j - i > 1 ? " each" : "");
    if (p[i].numa >= 0) snprintf(numa, sizeof numa, "%d", (int)p[i].numa);
    else snprintf(numa, sizeof numa, "%s", p[i].numa == -2 ? "several" : "unknown");
    if (j - i > 1) snprintf(ranks, sizeof ranks, "r%zu-%zu", i, j - 1);
    else snprintf(ranks, sizeof ranks, "r%zu", i);
    snprintf(group, sizeof group, "%s%s %s: cpu%s %s, numa %s", at ? "; " : "", ranks,
             hosts[p[i].host], count(&p[i]) > 1 || (stepping && !shared && j - i > 1) ? "s" : "", cpus,
             numa);
    if (at + strlen(group) + 32 >= len) {
      snprintf(buf + at, len - at, "; and %zu more rank%s", n - i, n - i == 1 ? "" : "s");
      break;
    }
    at += (size_t)snprintf(buf + at, len - at, "%s", group);
    i = j;
  }
  return buf;
}
