/*
** fuzz.h — what the libFuzzer targets share.  Each tests/fuzz/fuzz_NAME.c
** defines LLVMFuzzerTestOneInput; it is linked either with libFuzzer
** (make fuzz) or with replay.c, which feeds it files (make fuzz-regress).
*/
#ifndef TS_FUZZ_H
#define TS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A documented property that does not hold is a finding, as a crash is. */
#define REQUIRE(cond)                                                              \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                     \
    }                                                                              \
  } while (0)

#endif
