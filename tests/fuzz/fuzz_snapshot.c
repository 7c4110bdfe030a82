/*
** fuzz_snapshot.c — the snapshot reader on any bytes.  The bytes go into
** a file (fuzz_file_with in fuzz.h) and are opened twice, without and with
** verify.  Opening fails with one message naming the file, or succeeds;
** then asking for every column (ts_bulk_need) either refuses it with a
** message naming the file or lets every value be read: integer keys within
** the column's recorded range, string ids naming a dictionary string.
** Opening with verify fails exactly when some column is refused, with the
** same message.
**
** Random bytes rarely get past the checksums, so each input is tried a
** second time with every checksum the header points at recomputed (the
** layout of snapshot.h, version 2): that reaches the checks behind them,
** as a file written by another program would.
*/
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "snapshot.h"

static bool names_the_file(const char *msg) {
  size_t n = strlen(fuzz_path);
  return strncmp(msg, fuzz_path, n) == 0 && msg[n] == ':' && strchr(msg, '\n') == NULL;
}

static volatile double sink;

static void read_column(const ts_bulk *b, const ts_bulkcol *c) {
  if (c->type == TS_F64) {
    double s = 0;
    for (size_t r = 0; r < b->rows; r++) s += ((const double *)c->data)[r];
    sink = s;
    return;
  }
  int32_t na = c->type == TS_I16 ? TS_NA_I16 : c->type == TS_STR ? TS_NA_ID : TS_NA_I32;
  for (size_t r = 0; r < b->rows; r++) {
    int32_t v = ts_bulk_key(c, r);
    if (v == na) continue;
    REQUIRE(v >= c->lo && v <= c->hi);
    if (c->type == TS_STR) REQUIRE(ts_dict_str(b->dict, v, NULL) != NULL);
  }
}

/* Opens the file as a query would; returns whether every column was
** good, with the first refusal in *first. */
static bool open_and_read(const char *file, ts_err *first) {
  ts_err err = {""};
  ts_bulk *b = ts_snapshot_open(file, false, NULL, &err);
  if (b == NULL) {
    REQUIRE(names_the_file(err.msg));
    snprintf(first->msg, sizeof first->msg, "%s", err.msg);
    return false;
  }
  REQUIRE(b->ncols <= TS_BULK_MAXCOLS && b->rows <= TS_MAX_ROWS);
  REQUIRE(b->measure >= -1 && b->measure < (int)b->ncols);
  bool all = true;
  for (size_t i = 0; i < b->ncols; i++) {
    REQUIRE(b->cols[i].type == TS_I16 || b->cols[i].type == TS_I32 ||
            b->cols[i].type == TS_F64 || b->cols[i].type == TS_STR);
    if (ts_bulk_need(b, (int)i, &err) != 0) {
      REQUIRE(names_the_file(err.msg));
      if (all) snprintf(first->msg, sizeof first->msg, "%s", err.msg);
      all = false;
      continue;
    }
    read_column(b, &b->cols[i]);
  }
  ts_bulk_free(b);
  return all;
}

static void check(const uint8_t *data, size_t size) {
  const char *file = fuzz_file_with(data, size);
  ts_err first = {""}, err = {""};
  bool good = open_and_read(file, &first);
  ts_bulk *b = ts_snapshot_open(file, true, NULL, &err);
  REQUIRE((b != NULL) == good);
  if (b == NULL) REQUIRE(strcmp(err.msg, first.msg) == 0);
  ts_bulk_free(b);
}

/* ---- checksums recomputed ---------------------------------------------------------- */

static uint64_t get64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Writes at `sum` the checksum of the range (offset at `off`, size at
** off + 8) when it lies inside the buffer. */
static void fix_range(uint8_t *buf, size_t size, size_t off, size_t sum) {
  uint64_t at = get64(buf + off), len = get64(buf + off + 8);
  if (at > size || len > size - at) return;
  uint64_t h = ts_hash64(buf + at, (size_t)len, 0);
  memcpy(buf + sum, &h, 8);
}

static void fix_checksums(uint8_t *buf, size_t size) {
  uint32_t ncols;
  memcpy(&ncols, buf + 32, 4);
  if (ncols > TS_BULK_MAXCOLS || size < 128 + (size_t)ncols * 64) return;
  fix_range(buf, size, 56, 72); /* dictionary */
  fix_range(buf, size, 88, 104); /* notes */
  for (size_t i = 0; i < ncols; i++) {
    size_t e = 128 + i * 64;
    fix_range(buf, size, e + 40, e + 56);
  }
  uint64_t h = ts_hash64(buf, 80, 0);
  h = ts_hash64(buf + 88, 40, h);
  h = ts_hash64(buf + 128, (size_t)ncols * 64, h);
  memcpy(buf + 80, &h, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check(data, size);
  if (size >= 128) {
    uint8_t *copy = malloc(size);
    REQUIRE(copy != NULL);
    memcpy(copy, data, size);
    fix_checksums(copy, size);
    if (memcmp(copy, data, size) != 0) check(copy, size);
    free(copy);
  }
  return 0;
}
