/* The placement summaries on made-up jobs: ranks grouped by host, NUMA node
 * and CPUs (one each, or one set for all), the binding verdicts, and a
 * long placement cut with the ranks left counted. */
#include <stdio.h>
#include <string.h>

#include "placement.h"
#include "unit.h"

static mm_place at(int host, int numa, int first, int ncpus, int node_cpus) {
  mm_place p;
  memset(&p, 0, sizeof p);
  p.host = host;
  p.numa = numa;
  p.node_cpus = node_cpus;
  for (int c = first; c < first + ncpus; c++) p.cpus[c / 64] |= 1ull << (c % 64);
  return p;
}

int main(void) {
  const char *hosts[] = {"n1", "n2"};
  char buf[1024];
  /* Two nodes of 4 ranks, one CPU each; NUMA 0 then 1 on each node. */
  mm_place job[8];
  for (int i = 0; i < 8; i++) job[i] = at(i / 4, (i % 4) / 2, i % 4, 1, 4);
  CHECK_STR(mm_placement_text(job, 8, hosts, buf, sizeof buf),
            "r0-1 n1: cpus 0-1 one each, numa 0; r2-3 n1: cpus 2-3 one each, numa 1; "
            "r4-5 n2: cpus 0-1 one each, numa 0; r6-7 n2: cpus 2-3 one each, numa 1");
  CHECK_STR(mm_binding_text(job, 8, buf, sizeof buf), "bound: each rank to its own 1 CPU");
  CHECK(!mm_binding_is_loose(buf));
  /* Ranks 4 and 5 on one CPU: shared. */
  job[5] = at(1, 0, 0, 1, 4);
  CHECK_STR(mm_binding_text(job, 8, buf, sizeof buf),
            "shared: ranks 4 and 5 may run on the same CPU (bound, but not each to CPUs of its own)");
  CHECK(mm_binding_is_loose(buf));
  /* Unbound ranks: one set for all, several NUMA nodes or unknown. */
  mm_place free2[2] = {at(0, -2, 0, 4, 4), at(0, -2, 0, 4, 4)};
  CHECK_STR(mm_placement_text(free2, 2, hosts, buf, sizeof buf), "r0-1 n1: cpus 0-3 each, numa several");
  CHECK_STR(mm_binding_text(free2, 2, buf, sizeof buf), "not bound: every rank may run on any CPU of its node");
  free2[1] = at(0, -1, 2, 2, 4);
  CHECK_STR(mm_binding_text(free2, 2, buf, sizeof buf),
            "partly bound: 1 of 2 ranks bound, the others may run on any CPU of their node");
  CHECK_STR(mm_placement_text(free2, 2, hosts, buf, sizeof buf),
            "r0 n1: cpus 0-3, numa several; r1 n1: cpus 2-3, numa unknown");
  /* 200 ranks that do not group (every other CPU): cut, the rest counted. */
  static mm_place many[200];
  for (int i = 0; i < 200; i++) many[i] = at(0, 0, 2 * i, 1, 400);
  mm_placement_text(many, 200, hosts, buf, 200);
  CHECK(strlen(buf) < 200 && strstr(buf, "r0 n1: cpu 0, numa 0; r1 n1: cpu 2, numa 0") == buf);
  CHECK(strstr(buf, " more ranks") != NULL);
  return unit_report("test_placement");
}
