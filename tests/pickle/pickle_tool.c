/* The C side of the pickle interop test (tests/pickle/interop.py).
 *
 *   pickle_tool dumps bytes N    pickle of N bytes, byte i = (i*31+7) & 255
 *   pickle_tool dumps floats N   pickle of a list of N floats, i*0.5 - 3.25
 *   pickle_tool dumps-oob KIND N [T]  out-of-band pickle, arrays of at least
 *                                T bytes (default 0) out-of-band, as pkl5
 *   pickle_tool loads            decode stdin, print the canonical form
 *   pickle_tool redumps          decode stdin, write it again as protocol 5
 *
 * The payloads are the ones interop.py regenerates in Python, so that each
 * side can check the other byte for byte. Exit 1 with the error name on
 * stderr when decoding fails. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pickle.h"

static mm_pyobj *make(const char *kind, size_t n) {
  mm_pyobj *o = NULL;
  if (!strcmp(kind, "bytes")) {
    unsigned char *b = malloc(n ? n : 1);
    if (!b) return NULL;
    for (size_t i = 0; i < n; i++) b[i] = (unsigned char)((i * 31 + 7) & 255);
    o = mm_py_bytes(b, n);
    free(b);
  } else if (!strcmp(kind, "floats") || !strcmp(kind, "ndarray")) {
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) v[i] = (double)i * 0.5 - 3.25;
    /* Arrays as the NumPy of the Python that compares does ($MM_NUMPY, 1 or 2). */
    const char *numpy = getenv("MM_NUMPY");
    o = kind[0] == 'f' ? mm_py_float_list(v, n) : mm_py_ndarray(v, n, numpy && *numpy == '1' ? 1 : 2);
    free(v);
  }
  return o;
}

/* Out-of-band pickles travel as one stream: the buffer count, each
 * buffer (8-byte little-endian length, data), then the pickle's length and
 * bytes. */
static void put_u64(uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  fwrite(b, 1, 8, stdout);
}

static int get_u64(const unsigned char *in, size_t len, size_t *pos, uint64_t *v) {
  if (len - *pos < 8) return -1;
  *v = 0;
  for (int i = 0; i < 8; i++) *v |= (uint64_t)in[*pos + (size_t)i] << (8 * i);
  *pos += 8;
  return 0;
}

static int dumps(const char *kind, const char *count, int oob, size_t threshold) {
  char *end;
  size_t n = strtoull(count, &end, 10);
  if (*end || !*count) {
    fprintf(stderr, "pickle_tool: bad count '%s'\n", count);
    return 2;
  }
  mm_pyobj *o = make(kind, n);
  if (!o) {
    fprintf(stderr, "pickle_tool: unknown kind '%s' or out of memory\n", kind);
    return 2;
  }
  unsigned char *out;
  size_t len, size;
  if (oob) {
    mm_pickle_buffer bufs[4];
    size_t nbufs;
    int rc = mm_pickle_dumps_oob(o, threshold, &out, &len, bufs, 4, &nbufs);
    if (rc) {
      mm_pyobj_free(o);
      fprintf(stderr, "pickle_tool: %s\n", mm_pickle_strerror(rc));
      return 1;
    }
    put_u64(nbufs);
    for (size_t i = 0; i < nbufs; i++) {
      put_u64(bufs[i].len);
      fwrite(bufs[i].data, 1, bufs[i].len, stdout);
    }
    put_u64(len);
    int ok = fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0;
    free(out);
    mm_pyobj_free(o);
    return ok ? 0 : 1;
  }
  int rc = mm_pickle_dumps(o, &out, &len);
  if (!rc) rc = mm_pickle_dumps_size(o, &size);
  mm_pyobj_free(o);
  if (rc) {
    fprintf(stderr, "pickle_tool: %s\n", mm_pickle_strerror(rc));
    return 1;
  }
  if (size != len) {
    fprintf(stderr, "pickle_tool: dumps_size %zu != dumps length %zu\n", size, len);
    free(out);
    return 1;
  }
  int ok = fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0;
  free(out);
  return ok ? 0 : 1;
}

static int loads(int redump, int oob) {
  size_t len = 0, cap = 1 << 16;
  unsigned char *in = malloc(cap);
  size_t got;
  while (in && (got = fread(in + len, 1, cap - len, stdin)) > 0) {
    len += got;
    if (len == cap) {
      unsigned char *p = realloc(in, cap *= 2);
      if (!p) free(in);
      in = p;
    }
  }
  if (!in) {
    fprintf(stderr, "pickle_tool: out of memory\n");
    return 2;
  }
  mm_pyobj *o;
  int rc;
  if (oob) { /* even buffers handed over (adopted), odd ones lent (copied) */
    mm_pickle_buffer bufs[8] = {{0}};
    uint64_t n = 0, blen, plen;
    size_t pos = 0, k;
    rc = get_u64(in, len, &pos, &n) || n > 8;
    for (k = 0; !rc && k < n; k++) {
      rc = get_u64(in, len, &pos, &blen) || blen > len - pos;
      if (rc) break;
      bufs[k].len = blen;
      bufs[k].owned = k % 2 == 0;
      bufs[k].data = bufs[k].owned ? malloc(blen ? blen : 1) : in + pos;
      if (bufs[k].owned && bufs[k].data) memcpy(bufs[k].data, in + pos, blen);
      pos += blen;
    }
    if (rc || get_u64(in, len, &pos, &plen) || plen != len - pos) {
      fprintf(stderr, "pickle_tool: malformed out-of-band stream\n");
      rc = 2;
    } else {
      rc = mm_pickle_loads_oob(in + pos, plen, bufs, n, &o);
    }
    for (k = 0; k < 8; k++)
      if (bufs[k].owned) free(bufs[k].data);
    if (rc == 2) {
      free(in);
      return 2;
    }
  } else {
    rc = mm_pickle_loads(in, len, &o);
  }
  free(in);
  if (rc) {
    fprintf(stderr, "pickle_tool: %s: %s\n", mm_pickle_errname(rc),
            mm_pickle_strerror(rc));
    return 1;
  }
  if (redump) {
    unsigned char *out;
    size_t olen;
    rc = mm_pickle_dumps(o, &out, &olen);
    mm_pyobj_free(o);
    if (rc) {
      fprintf(stderr, "pickle_tool: %s\n", mm_pickle_strerror(rc));
      return 1;
    }
    int ok = fwrite(out, 1, olen, stdout) == olen && fflush(stdout) == 0;
    free(out);
    return ok ? 0 : 1;
  }
  char *text;
  size_t tlen;
  rc = mm_pyobj_repr(o, &text, &tlen);
  mm_pyobj_free(o);
  if (rc) {
    fprintf(stderr, "pickle_tool: %s\n", mm_pickle_strerror(rc));
    return 1;
  }
  fwrite(text, 1, tlen, stdout);
  putchar('\n');
  free(text);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "dumps")) return dumps(argv[2], argv[3], 0, 0);
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "dumps-oob"))
    return dumps(argv[2], argv[3], 1, argc == 5 ? strtoull(argv[4], NULL, 10) : 0);
  if (argc == 2 && !strcmp(argv[1], "loads")) return loads(0, 0);
  if (argc == 2 && !strcmp(argv[1], "loads-oob")) return loads(0, 1);
  if (argc == 2 && !strcmp(argv[1], "redumps")) return loads(1, 0);
  fprintf(stderr, "usage: pickle_tool dumps|dumps-oob bytes|floats|ndarray N [THRESHOLD]\n"
                  "       pickle_tool loads|loads-oob|redumps < file.pickle\n");
  return 2;
}
