/* Pickle protocol 5 as the encoder (pickle_encode.c) and the decoder
 * (pickle_decode.c) both need it: opcodes, CPython's framing and batching
 * constants, NumPy's names, and byte order. */
#ifndef MM_PICKLE_FORMAT_H
#define MM_PICKLE_FORMAT_H

#include <stdint.h>
#include <string.h>

/* Opcodes (names as in CPython's pickletools). */
enum {
  OP_MARK = '(', OP_STOP = '.', OP_BININT = 'J', OP_BININT1 = 'K',
  OP_BININT2 = 'M', OP_NONE = 'N', OP_REDUCE = 'R', OP_BINUNICODE = 'X',
  OP_APPEND = 'a', OP_BUILD = 'b', OP_GLOBAL = 'c', OP_EMPTY_DICT = '}', OP_APPENDS = 'e',
  OP_BINGET = 'h', OP_LONG_BINGET = 'j', OP_EMPTY_LIST = ']',
  OP_BINPUT = 'q', OP_LONG_BINPUT = 'r', OP_SETITEM = 's', OP_TUPLE = 't',
  OP_EMPTY_TUPLE = ')', OP_SETITEMS = 'u', OP_BINFLOAT = 'G',
  OP_BINBYTES = 'B', OP_SHORT_BINBYTES = 'C',
  OP_PROTO = 0x80, OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87,
  OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a,
  OP_SHORT_BINUNICODE = 0x8c, OP_BINUNICODE8 = 0x8d, OP_BINBYTES8 = 0x8e,
  OP_STACK_GLOBAL = 0x93, OP_MEMOIZE = 0x94, OP_FRAME = 0x95, OP_BYTEARRAY8 = 0x96,
  OP_NEXT_BUFFER = 0x97, OP_READONLY_BUFFER = 0x98
};

/* CPython's framing constants (_pickle.c). */
#define FRAME_SIZE_MIN 4
#define FRAME_SIZE_TARGET (64 * 1024)
#define FRAME_HEADER_SIZE 9
/* CPython's BATCHSIZE for APPENDS and SETITEMS. */
#define BATCHSIZE 1000

/* What NumPy pickles a float64 array as (numpy.ndarray.__reduce_ex__ with
 * protocol 5; 1.x and 2.x alike but for the module's name): _frombuffer(
 * buffer, dtype, shape, order), the dtype as dtype('f8', False, True) with
 * this BUILD state (version 3, little-endian, no subarray, names or fields,
 * elsize and alignment -1, no flags). */
#define NUMPY_FROMBUFFER_MODULE "numpy.core.numeric"   /* NumPy 1.x */
#define NUMPY2_FROMBUFFER_MODULE "numpy._core.numeric" /* NumPy 2.x */
#define NUMPY_FROMBUFFER_NAME "_frombuffer"
#define NUMPY_F8 "f8"

/* Byte order (memcpy + swap compiles to one load/bswap). */
static inline uint64_t bswap64(uint64_t x) { return __builtin_bswap64(x); }

static inline void put_be_double(unsigned char *p, double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  u = bswap64(u);
#endif
  memcpy(p, &u, 8);
}

static inline double get_be_double(const unsigned char *p) {
  uint64_t u;
  double v;
  memcpy(&u, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  u = bswap64(u);
#endif
  memcpy(&v, &u, 8);
  return v;
}

static inline uint64_t get_le(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int k = n - 1; k >= 0; k--) v = v << 8 | p[k];
  return v;
}

static inline void put_le(unsigned char *p, uint64_t v, int n) {
  for (int k = 0; k < n; k++, v >>= 8) p[k] = (unsigned char)v;
}

#endif
