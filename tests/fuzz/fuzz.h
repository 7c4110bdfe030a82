/*
** fuzz.h — what the libFuzzer targets share.  Each tests/fuzz/fuzz_NAME.c
** defines LLVMFuzzerTestOneInput; it is linked either with libFuzzer
** (make fuzz) or with replay.c, which feeds it files (make fuzz-regress).
*/
#ifndef TS_FUZZ_H
#define TS_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A documented property that does not hold is a finding, as a crash is. */
#define REQUIRE(cond)                                                              \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                     \
    }                                                                              \
  } while (0)

/* The one file of this process, holding data[0..size): an anonymous
** memory file (/proc/self/fd/N), else /tmp/fuzz-PID; for targets whose
** code under test reads a path. */
static char fuzz_path[64];
static int fuzz_fd = -1;

static void fuzz_remove_file(void) { unlink(fuzz_path); }

static inline const char *fuzz_file_with(const uint8_t *data, size_t size) {
  if (fuzz_fd < 0) {
    fuzz_fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fuzz_fd >= 0) {
      snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fuzz_fd);
    } else {
      snprintf(fuzz_path, sizeof fuzz_path, "/tmp/fuzz-%ld", (long)getpid());
      fuzz_fd = open(fuzz_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      REQUIRE(fuzz_fd >= 0);
      atexit(fuzz_remove_file);
    }
  }
  REQUIRE(ftruncate(fuzz_fd, 0) == 0);
  for (size_t done = 0; done < size;) {
    ssize_t n = pwrite(fuzz_fd, data + done, size - done, (off_t)done);
    REQUIRE(n > 0);
    done += (size_t)n;
  }
  return fuzz_path;
}

#endif
