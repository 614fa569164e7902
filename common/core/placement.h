/* Where each rank runs: its host, the CPUs it may run on (affinity), their
 * NUMA node, and whether it was bound; summarized for #@binding and
 * #@placement. MPI-free: the harness's metadata gathers one mm_place per
 * rank (common/mpi/metadata.c; the mpi4py runner through ctypes). */
#ifndef MM_PLACEMENT_H
#define MM_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#define MM_PLACE_WORDS 16 /* CPUs 0 to 1023 */

typedef struct mm_place {
  int32_t host;      /* the rank's host, an index into the run's hosts (#@hosts) */
  int32_t numa;      /* the NUMA node of all its CPUs; -1: unknown, -2: several */
  int32_t node_cpus; /* CPUs online on its node */
  int32_t pad;
  uint64_t cpus[MM_PLACE_WORDS]; /* bit c: the rank may run on CPU c */
} mm_place;

/* This process: its affinity, the NUMA node of those CPUs and its node's
 * online CPUs; host 0 (the caller sets it). */
void mm_place_self(mm_place *p);

/* #@binding, from n ranks' places: "bound: each rank to its own CPU", "not
 * bound: every rank may run on any CPU of its node", "shared: ...", or
 * "partly bound: ...". */
char *mm_binding_text(const mm_place *p, size_t n, char *buf, size_t len);

/* Whether the binding text says that ranks were not bound or shared CPUs
 * (the table then says so). */
int mm_binding_is_loose(const char *binding);

/* #@placement: consecutive ranks on one host and NUMA node grouped, "r0-15
 * node1: cpus 0-15 one each, numa 0" (or "... each" for a set they all
 * share); hosts[i] names host i. At most len bytes: groups that do not fit
 * are counted at the end ("; and 12 more ranks"). */
char *mm_placement_text(const mm_place *p, size_t n, const char *const *hosts, char *buf, size_t len);

extern const size_t mm_place_size; /* sizeof(mm_place), for the mpi4py runner */

#endif
