/* The commit the binaries were built from, read at every build (not at
 * configure time): `git describe --always --dirty`, or "unknown" outside a
 * git checkout (cmake/build_id.cmake). */
#ifndef MM_BUILD_ID_H
#define MM_BUILD_ID_H

extern const char mm_build_commit[];

#endif
