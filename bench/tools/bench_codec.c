/* Throughput of the C pickle codec, the C half of bench/codec.
 *
 *   bench_codec [-s SIZE,SIZE,...] [-t MIN_SAMPLE_SECONDS] [-n SAMPLES]
 *
 * For each size (payload bytes) and payload (a bytes object of SIZE bytes,
 * a list of SIZE/8 floats, a float64 NumPy array of SIZE/8 elements) it
 * times, per call:
 *   enc     mm_pickle_dumps + free of the output (what pickle.dumps costs:
 *           a new bytes object, dropped afterwards)
 *   dec     mm_pickle_loads + mm_pyobj_free (pickle.loads in a loop also
 *           deallocates each result)
 * and, once per size, a plain memcpy of SIZE bytes between two warm buffers.
 * Each sample runs enough calls to last MIN_SAMPLE_SECONDS; the median of
 * the samples is printed as one tab-separated line per measurement:
 *   payload  size  op  ns_per_call  wire_bytes
 * The objects hold the payloads tests/pickle/interop.py uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pickle.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The compiler must not drop the copies. */
static volatile unsigned char sink;

enum { OP_ENC, OP_DEC, OP_MEMCPY };

typedef struct {
  int op;
  const mm_pyobj *obj;
  const unsigned char *wire;
  size_t wire_len;
  unsigned char *src, *dst;
  size_t size;
} job;

static int run_once(const job *j) {
  if (j->op == OP_ENC) {
    unsigned char *out;
    size_t len;
    int rc = mm_pickle_dumps(j->obj, &out, &len);
    if (rc) return rc;
    sink = out[len - 1];
    free(out);
  } else if (j->op == OP_DEC) {
    mm_pyobj *o;
    int rc = mm_pickle_loads(j->wire, j->wire_len, &o);
    if (rc) return rc;
    sink = o->type;
    mm_pyobj_free(o);
  } else {
    memcpy(j->dst, j->src, j->size);
    sink = j->dst[j->size ? j->size - 1 : 0];
  }
  return 0;
}

/* Median ns per call over `samples` samples of at least min_time each. */
static double measure(const job *j, double min_time, int samples) {
  long calls = 1;
  for (;;) { /* calibrate (also the warmup) */
    double t0 = now();
    for (long k = 0; k < calls; k++)
      if (run_once(j)) return -1;
    double dt = now() - t0;
    if (dt >= min_time) break;
    calls = dt > 0 ? (long)(calls * 1.2 * min_time / dt) + 1 : calls * 10;
  }
  double *t = malloc((size_t)samples * sizeof *t);
  for (int s = 0; s < samples; s++) {
    double t0 = now();
    for (long k = 0; k < calls; k++) run_once(j);
    t[s] = (now() - t0) / (double)calls * 1e9;
  }
  qsort(t, (size_t)samples, sizeof *t, cmp_double);
  double med = samples % 2 ? t[samples / 2]
                           : 0.5 * (t[samples / 2 - 1] + t[samples / 2]);
  free(t);
  return med;
}

static const char *const kinds[] = {"bytes", "floats", "ndarray"};

static mm_pyobj *make(int kind, size_t size) {
  if (kind == 0) {
    unsigned char *b = malloc(size ? size : 1);
    for (size_t i = 0; i < size; i++) b[i] = (unsigned char)((i * 31 + 7) & 255);
    mm_pyobj *o = mm_py_bytes(b, size);
    free(b);
    return o;
  }
  size_t n = size / 8;
  double *v = malloc((n ? n : 1) * sizeof *v);
  for (size_t i = 0; i < n; i++) v[i] = (double)i * 0.5 - 3.25;
  mm_pyobj *o = kind == 1 ? mm_py_float_list(v, n) : mm_py_ndarray(v, n, 2); /* NumPy 2's pickle */
  free(v);
  return o;
}

int main(int argc, char **argv) {
  const char *sizes = "1024,65536,1048576,16777216";
  double min_time = 0.02;
  int samples = 5;
  for (int k = 1; k < argc; k++) {
    if (!strcmp(argv[k], "-s") && k + 1 < argc) sizes = argv[++k];
    else if (!strcmp(argv[k], "-t") && k + 1 < argc) min_time = atof(argv[++k]);
    else if (!strcmp(argv[k], "-n") && k + 1 < argc) samples = atoi(argv[++k]);
    else {
      fprintf(stderr, "usage: bench_codec [-s SIZE,...] [-t MIN_SAMPLE_SECONDS] [-n SAMPLES]\n");
      return 2;
    }
  }
  if (samples < 1 || min_time <= 0) {
    fprintf(stderr, "bench_codec: -n must be >= 1 and -t > 0\n");
    return 2;
  }
  printf("payload\tsize\top\tns_per_call\twire_bytes\n");
  for (const char *p = sizes; *p;) {
    char *end;
    size_t size = strtoull(p, &end, 10);
    if (end == p || (*end && *end != ',')) {
      fprintf(stderr, "bench_codec: bad size list '%s'\n", sizes);
      return 2;
    }
    p = *end ? end + 1 : end;
    for (int kind = 0; kind < 3; kind++) {
      mm_pyobj *obj = make(kind, size);
      unsigned char *wire;
      size_t wire_len;
      if (!obj || mm_pickle_dumps(obj, &wire, &wire_len)) {
        fprintf(stderr, "bench_codec: cannot build the %zu-byte payload\n", size);
        return 1;
      }
      const char *name = kinds[kind];
      for (int op = OP_ENC; op <= OP_DEC; op++) {
        job j = {op, obj, wire, wire_len, NULL, NULL, size};
        double ns = measure(&j, min_time, samples);
        if (ns < 0) {
          fprintf(stderr, "bench_codec: codec error\n");
          return 1;
        }
        printf("%s\t%zu\t%s\t%.1f\t%zu\n", name, size, op == OP_ENC ? "enc" : "dec",
               ns, wire_len);
        fflush(stdout);
      }
      free(wire);
      mm_pyobj_free(obj);
    }
    unsigned char *src = malloc(size ? size : 1), *dst = malloc(size ? size : 1);
    if (!src || !dst) return 1;
    memset(src, 1, size);
    memset(dst, 2, size); /* touch: no page faults in the timing */
    job j = {OP_MEMCPY, NULL, NULL, 0, src, dst, size};
    printf("memcpy\t%zu\tmemcpy\t%.1f\t%zu\n", size, measure(&j, min_time, samples), size);
    fflush(stdout);
    free(src);
    free(dst);
  }
  return 0;
}
