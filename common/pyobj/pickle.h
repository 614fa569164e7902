/* Pickle protocol 5 codec: the serializer of mpi4py's object path.
 *
 * A small object model (None, bool, int, float, bytes, str, list, tuple,
 * dict) with one allocation per object, as CPython allocates them, because
 * that allocation pattern is the cost model of mpi4py's lowercase methods.
 *
 * mm_pickle_dumps() writes exactly what CPython 3.11's
 * pickle.dumps(obj, protocol=5) writes for bytes objects and lists of
 * floats (framing included). mm_pickle_loads() accepts what CPython writes
 * for the supported types with protocols 2 to 5 and rejects anything else
 * with an error code, never a crash. No MPI here. See docs/pickle-codec.md. */
#ifndef MM_PICKLE_H
#define MM_PICKLE_H

#include <stddef.h>
#include <stdint.h>

/* X(name, message): the codec's error codes, in one list. */
#define MM_PICKLE_ERROR_LIST(X)                                              \
  X(MM_PICKLE_OK, "success")                                                 \
  X(MM_PICKLE_EINVAL, "invalid argument")                                    \
  X(MM_PICKLE_ENOMEM, "out of memory")                                       \
  X(MM_PICKLE_ETRUNCATED, "pickle ends in the middle of an opcode or before STOP") \
  X(MM_PICKLE_EOPCODE, "unknown or unsupported opcode")                      \
  X(MM_PICKLE_EPROTO, "unsupported pickle protocol (above 5)")               \
  X(MM_PICKLE_ELENGTH, "length or frame runs past the end of the input")     \
  X(MM_PICKLE_ETOOBIG, "size too large")                                     \
  X(MM_PICKLE_EFRAME, "opcode crosses a frame boundary, or nested FRAME")    \
  X(MM_PICKLE_EUNDERFLOW, "stack underflow")                                 \
  X(MM_PICKLE_EMARK, "MARK missing, misplaced or left open")                 \
  X(MM_PICKLE_EMEMO, "memo index out of range")                              \
  X(MM_PICKLE_ESTACK, "STOP without exactly one object on the stack")        \
  X(MM_PICKLE_ETRAILING, "data after STOP")                                  \
  X(MM_PICKLE_EDEPTH, "objects nested too deeply")                           \
  X(MM_PICKLE_EINTRANGE, "integer does not fit in 64 bits")                  \
  X(MM_PICKLE_EUTF8, "string is not valid UTF-8")                            \
  X(MM_PICKLE_ETYPE, "operand has the wrong type")                           \
  X(MM_PICKLE_EGLOBAL, "unsupported global or REDUCE call")                  \
  X(MM_PICKLE_ERECURSIVE, "self-referencing object")                         \
  X(MM_PICKLE_EUNHASHABLE, "unhashable dict key")                            \
  X(MM_PICKLE_EUNSUPPORTED, "object cannot be pickled by this codec")     \
  X(MM_PICKLE_EBUFFER, "NEXT_BUFFER without an out-of-band buffer left")

typedef enum {
#define MM_PICKLE_ERROR_ENUM(name, msg) name,
  MM_PICKLE_ERROR_LIST(MM_PICKLE_ERROR_ENUM)
#undef MM_PICKLE_ERROR_ENUM
  MM_PICKLE_ERROR_COUNT
} mm_pickle_err;

/* "unknown error" for codes outside the list. */
const char *mm_pickle_strerror(int err);
/* The enum name ("MM_PICKLE_EMARK"), for test output. */
const char *mm_pickle_errname(int err);

typedef enum {
  MM_PY_NONE,
  MM_PY_BOOL,
  MM_PY_INT,
  MM_PY_FLOAT,
  MM_PY_BYTES,
  MM_PY_STR,   /* UTF-8 bytes (CPython's "surrogatepass" form allowed) */
  MM_PY_LIST,
  MM_PY_TUPLE,
  MM_PY_DICT,  /* keys[i] -> values[i], in insertion order */
  MM_PY_BYTEARRAY, /* as BYTES, but mutable (unhashable) */
  MM_PY_DTYPE,     /* numpy.dtype('<f8'), the one dtype supported */
  MM_PY_NDARRAY,   /* a 1-D C-contiguous float64 NumPy array: arr.n elements at
                      arr.data, inside arr.base (a BYTEARRAY), as NumPy's
                      _frombuffer makes it: a view of the unpickled buffer */
  MM_PY_GLOBAL /* decoder-internal callable; never in a returned object */
} mm_pytype;

/* A decoded or constructed object. Fields are read-only for users: build
 * objects with the constructors below and release them with
 * mm_pyobj_free(). Objects are reference counted because a pickle may
 * share one object between several containers (memo GET). Scalars (None,
 * bool, int, float) are allocated with the header and their 8-byte value
 * only: never copy an mm_pyobj by value. */
typedef struct mm_pyobj mm_pyobj;
struct mm_pyobj {
  uint8_t type;     /* mm_pytype */
  uint8_t flags;    /* decoder-internal */
  uint16_t depth;   /* nesting depth: 0 for scalars, 1 + deepest child */
  uint32_t refcnt;
  union {
    int64_t i;      /* BOOL (0/1), INT */
    double f;       /* FLOAT */
    struct {
      size_t len;
      unsigned char *data; /* BYTES, STR: stored in the same allocation */
    } s;
    struct {
      size_t len, cap;
      mm_pyobj **items; /* LIST (separate array, grows), TUPLE */
    } seq;
    struct {
      size_t len, cap;
      mm_pyobj **keys, **values;
    } dict;
    struct {
      size_t n;
      double *data;
      mm_pyobj *base;
    } arr;
  } u;
};

/* Deepest nesting accepted by the decoder (CPython's own recursion limit
 * stops pickling at about this depth). */
#define MM_PICKLE_MAX_DEPTH 1000

/* Drops one reference; frees the object and its children at zero.
 * NULL is allowed. */
void mm_pyobj_free(mm_pyobj *obj);

/* Returns the scalar objects cached by this thread to malloc (None, bool,
 * int and float objects are recycled like CPython's float freelist). */
void mm_pyobj_trim(void);

/* Constructors; NULL when memory runs out. */
mm_pyobj *mm_py_none(void);
mm_pyobj *mm_py_bool(int value);
mm_pyobj *mm_py_int(int64_t value);
mm_pyobj *mm_py_float(double value);
mm_pyobj *mm_py_bytes(const void *data, size_t len); /* copies data */
mm_pyobj *mm_py_str(const char *utf8, size_t len);   /* copies, unchecked */
/* A list of n float objects (n + 2 allocations, as in CPython). */
mm_pyobj *mm_py_float_list(const double *values, size_t n);
mm_pyobj *mm_py_bytearray(const void *data, size_t len); /* copies data */
/* numpy.array(values, dtype=float64): n elements copied into a new
 * bytearray and an array object viewing it (two allocations, as NumPy).
 * numpy: the NumPy major version whose pickle the encoder writes for it,
 * 1 or 2 (2 names numpy._core.numeric, 1 numpy.core.numeric: one byte
 * less); the decoder keeps what it read. */
mm_pyobj *mm_py_ndarray(const double *values, size_t n, int numpy);
/* That version of an ndarray (1 or 2). */
int mm_py_ndarray_numpy(const mm_pyobj *arr);
/* Empty containers with room for n items; fill with the append functions. */
mm_pyobj *mm_py_list(size_t n);
mm_pyobj *mm_py_tuple(size_t n);
mm_pyobj *mm_py_dict(size_t n);
/* Append item to a list or tuple (tuples: at most the n given at creation);
 * takes over the caller's reference to item, also on failure. */
int mm_py_append(mm_pyobj *seq, mm_pyobj *item);
/* Add key -> value to a dict (no duplicate check); takes over both
 * references, also on failure. */
int mm_py_dict_set(mm_pyobj *dict, mm_pyobj *key, mm_pyobj *value);

/* Encodes obj as CPython's pickle.dumps(obj, protocol=5) does, into a new
 * malloc'ed buffer (*out, *len); free it with free(). Byte-identical to
 * CPython for bytes, lists of floats and float64 NumPy arrays (with NumPy
 * 1.x's numpy.core.numeric._frombuffer, in-band: BYTEARRAY8) (and for None, bool, int, float,
 * str, tuple, dict trees without shared sub-objects, which CPython would
 * memoize and reference with BINGET). */
int mm_pickle_dumps(const mm_pyobj *obj, unsigned char **out, size_t *len);
/* The exact length mm_pickle_dumps() produces for obj. */
int mm_pickle_dumps_size(const mm_pyobj *obj, size_t *len);
/* Encodes into a caller buffer of cap bytes (MM_PICKLE_ETOOBIG if short).
 * Like CPython, the encoder reserves a 9-byte FRAME header before it knows
 * whether the frame will be kept, so cap must be the exact size plus
 * MM_PICKLE_DUMPS_SLACK to be sure to fit. */
#define MM_PICKLE_DUMPS_SLACK 9
int mm_pickle_dumps_into(const mm_pyobj *obj, unsigned char *buf, size_t cap,
                         size_t *len);

/* Decodes one pickle occupying exactly in[0..len). On success *out is a new
 * object (free with mm_pyobj_free); on error *out is NULL and nothing is
 * leaked. */
int mm_pickle_loads(const unsigned char *in, size_t len, mm_pyobj **out);

/* Out-of-band buffers (protocol 5's PickleBuffer, what mpi4py.util.pkl5
 * sends as separate messages): an array's data, not copied into the
 * pickle. `owned`: the block was malloc'ed and the decoder may adopt it.
 * `shared`: the decoded object may view it without a copy, and the caller
 * keeps it alive for as long as that object (as pickle.loads with the
 * sender's own PickleBuffer: the bcast root's result views its array). */
typedef struct mm_pickle_buffer {
  unsigned char *data;
  size_t len;
  int owned, shared;
} mm_pickle_buffer;

/* As pickle.dumps(obj, protocol=5, buffer_callback=cb) with the callback of
 * mpi4py.util.pkl5: an array of at least `threshold` bytes has its data as a
 * NEXT_BUFFER in the stream and an entry of bufs (at most cap; *nbufs of
 * them), pointing into obj: nothing is copied. A smaller array stays
 * in-band (the callback returned True), and bytes objects always do
 * (CPython pickles them without a PickleBuffer). threshold 0: every array
 * out-of-band, as buffer_callback=bufs.append. */
int mm_pickle_dumps_oob(const mm_pyobj *obj, size_t threshold, unsigned char **out,
                        size_t *len, mm_pickle_buffer *bufs, size_t cap, size_t *nbufs);

/* As pickle.loads(in, buffers=bufs): NEXT_BUFFER takes the next of the
 * nbufs buffers (none left: MM_PICKLE_EBUFFER). An owned buffer is adopted
 * by the object that views it: no copy, its `owned` is cleared and it is
 * freed with the object (also on error); the caller frees the buffers still
 * owned afterwards. A shared buffer is viewed; another buffer is copied
 * once. Without buffers (mm_pickle_loads), NEXT_BUFFER is an unsupported
 * opcode. */
int mm_pickle_loads_oob(const unsigned char *in, size_t len, mm_pickle_buffer *bufs,
                        size_t nbufs, mm_pyobj **out);

/* Appends a canonical one-line text form of obj to a malloc'ed string
 * (*text, *len), used by the interop tests (tests/pickle/interop.py builds
 * the same form in Python): N T F i<int> f<%.17g> b<hex> s<hex of UTF-8>
 * y<hex> (bytearray) D<f8> (dtype) A<hex of the float64 data> (ndarray)
 * [a,b] (a,b) {k:v,k:v}. */
int mm_pyobj_repr(const mm_pyobj *obj, char **text, size_t *len);

#endif
