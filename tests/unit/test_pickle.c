/* The pickle codec without Python: malformed pickles rejected with the
 * expected error code, known-good byte strings (written by CPython 3.11),
 * and round trips. tests/pickle/interop.py checks against Python itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pickle.h"
#include "unit.h"

/* A byte string literal with its length (literals may contain NULs). */
#define LIT(s) (const unsigned char *)(s), sizeof(s) - 1

/* Eight little-endian bytes. */
#define LE8(x)                                                                \
  (char)((x) & 255), (char)((x) >> 8 & 255), (char)((x) >> 16 & 255),        \
      (char)((x) >> 24 & 255), (char)((x) >> 32 & 255),                      \
      (char)((x) >> 40 & 255), (char)((x) >> 48 & 255), (char)((x) >> 56 & 255)

static int loads_err(const unsigned char *in, size_t len) {
  mm_pyobj *o = (mm_pyobj *)1;
  int rc = mm_pickle_loads(in, len, &o);
  if (rc) CHECK(o == NULL); /* nothing handed out on error */
  mm_pyobj_free(o);
  return rc;
}

struct bad {
  const char *what;
  const unsigned char *in;
  size_t len;
  int err;
};

static const char frame_past_end[] = {'\x95', LE8(16ull), 'N', '.'};
static const char frame_crossed[] = {'\x95', LE8(2ull), 'G', 0, 0, 0, 0, 0, 0, 0, 0, '.'};
static const char frame_nested[] = {'\x95', LE8(10ull), '\x95', LE8(1ull), 'N', '.'};
static const char huge_bytes8[] = {'\x8e', LE8(1ull << 62), 'x', '.'};
static const char huge_unicode8[] = {'\x8d', LE8(~0ull), '.'};

static const struct bad bad_pickles[] = {
    {"empty input", LIT(""), MM_PICKLE_ETRUNCATED},
    {"PROTO without argument", LIT("\x80"), MM_PICKLE_ETRUNCATED},
    {"no STOP", LIT("\x80\x05N"), MM_PICKLE_ETRUNCATED},
    {"protocol 6", LIT("\x80\x06N."), MM_PICKLE_EPROTO},
    {"unknown opcode 0xff", LIT("\xff."), MM_PICKLE_EOPCODE},
    {"text INT (protocol 0)", LIT("I42\n."), MM_PICKLE_EOPCODE},
    {"LIST (protocol 0)", LIT("(l."), MM_PICKLE_EOPCODE},
    {"NEXT_BUFFER without buffers", LIT("\x97."), MM_PICKLE_EOPCODE},
    {"BYTEARRAY8 cut", LIT("\x96\x04\x00\x00\x00\x00\x00\x00\x00" "ab."), MM_PICKLE_ELENGTH},
    {"BUILD on a list", LIT("]N\x85" "b."), MM_PICKLE_EGLOBAL},
    {"STOP on empty stack", LIT("."), MM_PICKLE_EUNDERFLOW},
    {"STOP with two objects", LIT("NN."), MM_PICKLE_ESTACK},
    {"trailing byte", LIT("N.N"), MM_PICKLE_ETRAILING},
    {"two STOPs", LIT("N.."), MM_PICKLE_ETRAILING},
    {"SHORT_BINBYTES past end", LIT("C\x05" "ab."), MM_PICKLE_ELENGTH},
    {"BINBYTES 4 GiB past end", LIT("B\xff\xff\xff\xff."), MM_PICKLE_ELENGTH},
    {"BINBYTES length cut", LIT("B\x01\x00"), MM_PICKLE_ETRUNCATED},
    {"BINBYTES8 claims 2^62", (const unsigned char *)huge_bytes8, sizeof huge_bytes8, MM_PICKLE_ELENGTH},
    {"BINUNICODE8 claims 2^64-1", (const unsigned char *)huge_unicode8, sizeof huge_unicode8, MM_PICKLE_ELENGTH},
    {"BINFLOAT cut", LIT("G\x00\x00"), MM_PICKLE_ETRUNCATED},
    {"BININT cut", LIT("J\x01\x02"), MM_PICKLE_ETRUNCATED},
    {"FRAME past end", (const unsigned char *)frame_past_end, sizeof frame_past_end, MM_PICKLE_ELENGTH},
    {"opcode across frame end", (const unsigned char *)frame_crossed, sizeof frame_crossed, MM_PICKLE_EFRAME},
    {"FRAME inside FRAME", (const unsigned char *)frame_nested, sizeof frame_nested, MM_PICKLE_EFRAME},
    {"FRAME length cut", LIT("\x95\x01\x00"), MM_PICKLE_ETRUNCATED},
    {"APPEND on empty stack", LIT("a."), MM_PICKLE_EUNDERFLOW},
    {"APPEND with one object", LIT("]a."), MM_PICKLE_EUNDERFLOW},
    {"APPEND reaching below MARK", LIT("](Na."), MM_PICKLE_EUNDERFLOW},
    {"APPEND to None", LIT("NNa."), MM_PICKLE_ETYPE},
    {"APPENDS without MARK", LIT("]Ne."), MM_PICKLE_EMARK},
    {"APPENDS with nothing below MARK", LIT("(Ne."), MM_PICKLE_EUNDERFLOW},
    {"APPENDS to None", LIT("N(Ne."), MM_PICKLE_ETYPE},
    {"MARK left open", LIT("N(."), MM_PICKLE_EMARK},
    {"TUPLE without MARK", LIT("Nt."), MM_PICKLE_EMARK},
    {"TUPLE1 below MARK", LIT("N(\x85."), MM_PICKLE_EUNDERFLOW},
    {"TUPLE3 with two objects", LIT("NN\x87."), MM_PICKLE_EUNDERFLOW},
    {"SETITEMS odd count", LIT("}(Nu."), MM_PICKLE_EMARK},
    {"SETITEM on a list", LIT("]NNs."), MM_PICKLE_ETYPE},
    {"SETITEM with list key", LIT("}]Ns."), MM_PICKLE_EUNHASHABLE},
    {"SETITEM with tuple-of-list key", LIT("}]\x85Ns."), MM_PICKLE_EUNHASHABLE},
    {"MEMOIZE on empty stack", LIT("\x94N."), MM_PICKLE_EUNDERFLOW},
    {"MEMOIZE below MARK", LIT("N(\x94."), MM_PICKLE_EUNDERFLOW},
    {"BINGET of empty memo", LIT("h\x00."), MM_PICKLE_EMEMO},
    {"BINGET past memo", LIT("N\x94h\x01."), MM_PICKLE_EMEMO},
    {"LONG_BINGET 2^32-1", LIT("N\x94j\xff\xff\xff\xff."), MM_PICKLE_EMEMO},
    {"sparse BINPUT", LIT("Nq\x05."), MM_PICKLE_EMEMO},
    {"sparse LONG_BINPUT 2^32-1", LIT("Nr\xff\xff\xff\xff."), MM_PICKLE_EMEMO},
    {"LONG1 of 9 bytes", LIT("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."), MM_PICKLE_EINTRANGE},
    {"LONG1 cut", LIT("\x8a\x04\x00\x01"), MM_PICKLE_ETRUNCATED},
    {"bad UTF-8", LIT("\x8c\x02\xc3\x28."), MM_PICKLE_EUTF8},
    {"overlong UTF-8", LIT("\x8c\x02\xc0\xaf."), MM_PICKLE_EUTF8},
    {"UTF-8 above U+10FFFF", LIT("\x8c\x04\xf4\x90\x80\x80."), MM_PICKLE_EUTF8},
    {"UTF-8 cut in a character", LIT("\x8c\x02\xe2\x82."), MM_PICKLE_EUTF8},
    {"list appended to itself", LIT("]\x94h\x00" "a."), MM_PICKLE_ERECURSIVE},
    {"cycle through two lists", LIT("]\x94]\x94h\x00" "ah\x00h\x01" "a."), MM_PICKLE_ERECURSIVE},
    {"dict holding itself", LIT("}\x94\x8c\x01kh\x00s."), MM_PICKLE_ERECURSIVE},
    {"global as result", LIT("c_codecs\nencode\n."), MM_PICKLE_EGLOBAL},
    {"os.system", LIT("cos\nsystem\n\x8c\x02id\x85R."), MM_PICKLE_EGLOBAL},
    {"GLOBAL without newline", LIT("c_codecs\nencode"), MM_PICKLE_ETRUNCATED},
    {"global inside a tuple", LIT("c_codecs\nencode\n\x85."), MM_PICKLE_EGLOBAL},
    {"REDUCE of None", LIT("N)R."), MM_PICKLE_EGLOBAL},
    {"REDUCE with list args", LIT("c_codecs\nencode\n]R."), MM_PICKLE_EGLOBAL},
    {"encode to utf-8", LIT("c_codecs\nencode\n\x8c\x01" "a\x8c\x05utf-8\x86R."), MM_PICKLE_EGLOBAL},
    {"latin1 of U+0100", LIT("c_codecs\nencode\n\x8c\x02\xc4\x80\x8c\x06latin1\x86R."), MM_PICKLE_EGLOBAL},
    {"bytes(None)", LIT("cbuiltins\nbytes\nN\x85R."), MM_PICKLE_EGLOBAL},
    {"STACK_GLOBAL of None", LIT("NN\x93."), MM_PICKLE_ETYPE},
    {"STACK_GLOBAL os.system", LIT("\x8c\x02os\x8c\x06system\x93."), MM_PICKLE_EGLOBAL},
};

static void test_malformed(void) {
  for (size_t k = 0; k < sizeof bad_pickles / sizeof bad_pickles[0]; k++) {
    const struct bad *b = &bad_pickles[k];
    int rc = loads_err(b->in, b->len);
    if (rc != b->err)
      fprintf(stderr, "  malformed '%s': got %s, want %s\n", b->what,
              mm_pickle_errname(rc), mm_pickle_errname(b->err));
    CHECK(rc == b->err);
  }
}

/* Nesting: MM_PICKLE_MAX_DEPTH levels load, one more does not. */
static void test_depth(void) {
  for (int extra = 0; extra <= 1; extra++) {
    size_t levels = MM_PICKLE_MAX_DEPTH + (size_t)extra, n = 0;
    unsigned char *p = malloc(2 * levels + 2);
    for (size_t k = 0; k <= levels; k++) p[n++] = ']';
    for (size_t k = 0; k < levels; k++) p[n++] = 'a';
    p[n++] = '.';
    mm_pyobj *o;
    int rc = mm_pickle_loads(p, n, &o);
    CHECK(rc == (extra ? MM_PICKLE_EDEPTH : MM_PICKLE_OK));
    if (!rc) CHECK(o->depth == MM_PICKLE_MAX_DEPTH);
    mm_pyobj_free(o);
    free(p);
  }
}

struct good {
  const char *what;
  const unsigned char *pickle;
  size_t len;
  const char *repr;
};

/* Byte strings from CPython 3.11 pickle.dumps(obj, protocol=5) (and 2, 3). */
static const struct good good_pickles[] = {
    {"b''", LIT("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00\x43\x00\x94."), "b"},
    {"b'aaa'", LIT("\x80\x05\x95\x07\x00\x00\x00\x00\x00\x00\x00\x43\x03\x61\x61\x61\x94."), "b616161"},
    {"[]", LIT("\x80\x05]\x94."), "[]"},
    {"[1.5]", LIT("\x80\x05\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94G?\xf8\x00\x00\x00\x00\x00\x00" "a."), "[f1.5]"},
    {"[0.5]*3", LIT("\x80\x05\x95\x20\x00\x00\x00\x00\x00\x00\x00]\x94(G?\xe0\x00\x00\x00\x00\x00\x00G?\xe0\x00\x00\x00\x00\x00\x00G?\xe0\x00\x00\x00\x00\x00\x00" "e."), "[f0.5,f0.5,f0.5]"},
    {"{'a': 7, 'b': 3.14}", LIT("\x80\x05\x95\x18\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94K\x07\x8c\x01" "b\x94G@\t\x1e\xb8Q\xeb\x85\x1fu."), "{s61:i7,s62:f3.1400000000000001}"},
    {"(1, 'x', None, True)", LIT("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00(K\x01\x8c\x01x\x94N\x88t\x94."), "(i1,s78,N,T)"},
    {"[[1, 2], [3]]", LIT("\x80\x05\x95\x12\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94(K\x01K\x02" "e]\x94K\x03" "ae."), "[[i1,i2],[i3]]"},
    {"2**40", LIT("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00\x8a\x06\x00\x00\x00\x00\x00\x01."), "i1099511627776"},
    {"-5", LIT("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xfb\xff\xff\xff."), "i-5"},
    {"300", LIT("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00M,\x01."), "i300"},
    {"-2**31", LIT("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x00\x80."), "i-2147483648"},
    {"2**31", LIT("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x80\x00."), "i2147483648"},
    {"[x, x] with x = b'abc'", LIT("\x80\x05\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03" "abc\x94h\x01" "e."), "[b616263,b616263]"},
    {"protocol 3 b'ab\\xff'", LIT("\x80\x03" "C\x03" "ab\xffq\x00."), "b6162ff"},
    {"protocol 2 b'ab\\xff'", LIT("\x80\x02" "c_codecs\nencode\nq\x00X\x04\x00\x00\x00" "ab\xc3\xbfq\x01X\x06\x00\x00\x00latin1q\x02\x86q\x03Rq\x04."), "b6162ff"},
    {"protocol 2 b''", LIT("\x80\x02" "c__builtin__\nbytes\nq\x00)Rq\x01."), "b"},
    {"protocol 2 {'a': 7}", LIT("\x80\x02}q\x00X\x01\x00\x00\x00" "aq\x01K\x07s."), "{s61:i7}"},
};

static char *repr_of(const mm_pyobj *o) {
  char *text = NULL;
  size_t len;
  CHECK(mm_pyobj_repr(o, &text, &len) == MM_PICKLE_OK);
  return text;
}

static void test_known_good(void) {
  for (size_t k = 0; k < sizeof good_pickles / sizeof good_pickles[0]; k++) {
    const struct good *g = &good_pickles[k];
    mm_pyobj *o;
    int rc = mm_pickle_loads(g->pickle, g->len, &o);
    if (rc) fprintf(stderr, "  good '%s': %s\n", g->what, mm_pickle_errname(rc));
    CHECK(rc == MM_PICKLE_OK);
    if (rc) continue;
    char *text = repr_of(o);
    if (text && strcmp(text, g->repr))
      fprintf(stderr, "  good '%s': repr %s, want %s\n", g->what, text, g->repr);
    CHECK(text && !strcmp(text, g->repr));
    free(text);
    /* Protocol 5 pickles of trees re-encode to the very same bytes. */
    if (g->pickle[1] == 5 && !strstr(g->what, "[x, x]")) {
      unsigned char *out;
      size_t len;
      CHECK(mm_pickle_dumps(o, &out, &len) == MM_PICKLE_OK);
      if (len != g->len || memcmp(out, g->pickle, len))
        fprintf(stderr, "  good '%s': dumps differs\n", g->what);
      CHECK(len == g->len && !memcmp(out, g->pickle, len));
      free(out);
    }
    mm_pyobj_free(o);
  }
}

/* Every proper prefix of a valid pickle is an error, never a crash. */
static void test_prefixes(void) {
  for (size_t k = 0; k < sizeof good_pickles / sizeof good_pickles[0]; k++) {
    const struct good *g = &good_pickles[k];
    for (size_t n = 0; n < g->len; n++) {
      unsigned char *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
      memcpy(copy, g->pickle, n);
      CHECK(loads_err(copy, n) != MM_PICKLE_OK);
      free(copy);
    }
  }
}

static void test_bytes_roundtrip(void) {
  static const size_t sizes[] = {0, 1, 255, 256, 65535, 65536, 1 << 20, 16 << 20};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k];
    unsigned char *data = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) data[i] = (unsigned char)((i * 31 + 7) & 255);
    mm_pyobj *o = mm_py_bytes(data, n), *back = NULL;
    unsigned char *out;
    size_t len, size;
    CHECK(mm_pickle_dumps(o, &out, &len) == MM_PICKLE_OK);
    CHECK(mm_pickle_dumps_size(o, &size) == MM_PICKLE_OK && size == len);
    /* The header: PROTO 5, then FRAME below 64 KiB, the payload unframed
     * from 64 KiB on, SHORT_BINBYTES / BINBYTES by size. */
    CHECK(out[0] == 0x80 && out[1] == 5);
    if (n < 65536) {
      CHECK(out[2] == 0x95 && len == n + (n <= 255 ? 2 : 5) + 13);
      CHECK(out[11] == (n <= 255 ? 'C' : 'B'));
    } else {
      CHECK(out[2] == 'B' && len == n + 9);
    }
    CHECK(out[len - 2] == 0x94 && out[len - 1] == '.');
    CHECK(mm_pickle_loads(out, len, &back) == MM_PICKLE_OK);
    CHECK(back && back->type == MM_PY_BYTES && back->u.s.len == n &&
          (n == 0 || !memcmp(back->u.s.data, data, n)));
    /* dumps_into: the size plus the slack fits, one byte less than the
     * size does not. */
    unsigned char *buf = malloc(len + MM_PICKLE_DUMPS_SLACK);
    size_t got;
    CHECK(mm_pickle_dumps_into(o, buf, len + MM_PICKLE_DUMPS_SLACK, &got) == MM_PICKLE_OK &&
          got == len && !memcmp(buf, out, len));
    CHECK(mm_pickle_dumps_into(o, buf, len - 1, &got) == MM_PICKLE_ETOOBIG);
    free(buf);
    mm_pyobj_free(back);
    mm_pyobj_free(o);
    free(out);
    free(data);
  }
}

static void test_floats_roundtrip(void) {
  static const size_t counts[] = {0, 1, 2, 999, 1000, 1001, 2500, 7281, 131072};
  for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
    size_t n = counts[k];
    double *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = (double)i * 0.5 - 3.25;
    if (n > 3) {
      v[1] = -0.0;
      v[2] = INFINITY;
      v[3] = NAN;
    }
    mm_pyobj *o = mm_py_float_list(v, n), *back = NULL;
    CHECK(o && o->u.seq.len == n);
    unsigned char *out;
    size_t len, size;
    CHECK(mm_pickle_dumps(o, &out, &len) == MM_PICKLE_OK);
    CHECK(mm_pickle_dumps_size(o, &size) == MM_PICKLE_OK && size == len);
    /* 9 bytes per float, MARK+APPENDS per batch of 1000 (APPEND alone for
     * one element), 9 per frame: check the total without frames. */
    size_t batches = n == 1 ? 0 : (n + 999) / 1000;
    size_t body = 2 + 2 + 9 * n + 2 * batches + (n == 1) + 1;
    CHECK(len >= body && (len - body) % 9 == 0);
    CHECK(mm_pickle_loads(out, len, &back) == MM_PICKLE_OK);
    CHECK(back && back->type == MM_PY_LIST && back->u.seq.len == n);
    int same = back != NULL;
    for (size_t i = 0; same && i < n; i++)
      same = back->u.seq.items[i]->type == MM_PY_FLOAT &&
             !memcmp(&back->u.seq.items[i]->u.f, &v[i], sizeof(double));
    CHECK(same);
    mm_pyobj_free(back);
    mm_pyobj_free(o);
    free(out);
    free(v);
  }
}

/* The other constructors and types: build, encode, decode, compare text. */
static void test_objects(void) {
  mm_pyobj *d = mm_py_dict(0), *t = mm_py_tuple(4), *l = mm_py_list(0);
  CHECK(mm_py_append(t, mm_py_int(INT64_MIN)) == MM_PICKLE_OK);
  CHECK(mm_py_append(t, mm_py_int(INT64_MAX)) == MM_PICKLE_OK);
  CHECK(mm_py_append(t, mm_py_str("h\xc3\xa9", 3)) == MM_PICKLE_OK);
  CHECK(mm_py_append(t, mm_py_none()) == MM_PICKLE_OK);
  CHECK(mm_py_append(t, mm_py_none()) == MM_PICKLE_EINVAL); /* tuple full */
  CHECK(mm_py_append(l, mm_py_bool(0)) == MM_PICKLE_OK);
  CHECK(mm_py_append(l, mm_py_int(-70000)) == MM_PICKLE_OK);
  CHECK(mm_py_dict_set(d, mm_py_str("k", 1), l) == MM_PICKLE_OK);
  CHECK(mm_py_dict_set(d, mm_py_list(0), mm_py_none()) == MM_PICKLE_EUNHASHABLE);
  CHECK(mm_py_append(l, mm_py_none()) == MM_PICKLE_ERECURSIVE); /* l has a parent */
  CHECK(mm_py_dict_set(d, t, mm_py_float(-2.5)) == MM_PICKLE_OK);
  const char *want = "{s6b:[F,i-70000],(i-9223372036854775808,i9223372036854775807,s68c3a9,N):f-2.5}";
  char *text = repr_of(d);
  CHECK(text && !strcmp(text, want));
  free(text);
  unsigned char *out;
  size_t len;
  mm_pyobj *back = NULL;
  CHECK(mm_pickle_dumps(d, &out, &len) == MM_PICKLE_OK);
  CHECK(mm_pickle_loads(out, len, &back) == MM_PICKLE_OK);
  text = back ? repr_of(back) : NULL;
  CHECK(text && !strcmp(text, want));
  free(text);
  free(out);
  mm_pyobj_free(back);
  mm_pyobj_free(d);
}

static void test_errors(void) {
  for (int e = 0; e < MM_PICKLE_ERROR_COUNT; e++) {
    CHECK(strlen(mm_pickle_strerror(e)) > 0);
    CHECK(!strncmp(mm_pickle_errname(e), "MM_PICKLE_", 10));
    for (int f = 0; f < e; f++) CHECK(strcmp(mm_pickle_strerror(e), mm_pickle_strerror(f)));
  }
  CHECK_STR(mm_pickle_strerror(MM_PICKLE_ERROR_COUNT), "unknown error");
  CHECK_STR(mm_pickle_strerror(-1), "unknown error");
  mm_pyobj *o;
  CHECK(mm_pickle_loads(NULL, 5, &o) == MM_PICKLE_EINVAL);
  CHECK(mm_pickle_loads(LIT("N."), NULL) == MM_PICKLE_EINVAL);
  CHECK(mm_pickle_dumps(NULL, NULL, NULL) == MM_PICKLE_EINVAL);
  mm_pyobj_free(NULL);
}

int main(void) {
  test_malformed();
  test_depth();
  test_known_good();
  test_prefixes();
  test_bytes_roundtrip();
  test_floats_roundtrip();
  test_objects();
  test_errors();
  return unit_report("test_pickle");
}
