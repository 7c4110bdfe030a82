/*
** test_bulk_alloc.c — bulk datasets when memory or the disk fails.
**
** Each operation (a BACI parse on one and on two threads, a Comtrade
** parse, a BACI file grouped a block at a time, a snapshot save, a
** snapshot open with verify, an append) is run
** with an allocator that fails its N-th allocation, for N = 1, 2, ...
** until the operation no longer reaches the failure.  Each failing N must
** end in NULL or -1 with an "out of memory" message, leave nothing behind
** (every block freed, a target dataset or file as it was), and the same
** operation must succeed when memory comes back.  The BACI parser calls
** the allocator from two threads at once, so its counters are atomic.
** Then saves whose write fails: the previous snapshot keeps every byte.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "baci.h"
#include "bulk.h"
#include "bulkfold.h"
#include "comtrade.h"
#include "snapshot.h"

/* ---- an allocator that fails on request ------------------------------------------ */

typedef struct failing {
  atomic_long calls, fail_at, live; /* fail_at 0: never */
} failing;

static bool fails_now(failing *f) {
  long n = atomic_fetch_add(&f->calls, 1) + 1;
  return n == atomic_load(&f->fail_at);
}

static void *failing_malloc(void *ud, size_t size) {
  failing *f = ud;
  if (fails_now(f)) return NULL;
  void *p = malloc(size);
  if (p != NULL) atomic_fetch_add(&f->live, 1);
  return p;
}

static void *failing_realloc(void *ud, void *ptr, size_t size) {
  failing *f = ud;
  if (fails_now(f)) return NULL;
  return realloc(ptr, size);
}

static void failing_free(void *ud, void *ptr) {
  failing *f = ud;
  atomic_fetch_sub(&f->live, 1);
  free(ptr);
}

/* Counting restarts: the next allocation is number 1. */
static void fail_from_now(failing *f, long n) {
  atomic_store(&f->calls, 0);
  atomic_store(&f->fail_at, n);
}

static ts_alloc allocator(failing *f) {
  return (ts_alloc){failing_malloc, failing_realloc, failing_free, f};
}

static void assert_out_of_memory(const ts_err *err, const char *op, long n) {
  if (strstr(err->msg, "out of memory") == NULL)
    fail_msg("%s: allocation %ld failed with an unclear message: '%s'", op, n, err->msg);
}

/* ---- the data ------------------------------------------------------------------------ */

/* Short and long (dictionary path) codes, a 5-digit code that gets its zero
** back, a quoted one, missing quantities, CRLF; long enough to be split in
** two halves. */
static const char BACI_CSV[] =
    "t,i,j,k,v,q\n"
    "2022,704,643,010121,12.5,0.75\n"
    "2022,704,156,30111,3,NA\n"
    "2022,842,156,\"847130\",100.25,\n"
    "2021,4,32767,9999AA,0,1e3\n"
    "2022,704,643,010121,1.5,2\n"
    "2023,156,704,270900123456789,7,\n"
    "2023,156,704,847130,2.25,0.5\r\n"
    "2023,643,704,010121,4,1\n";
#define BACI_ROWS 8
static const char *const BACI_PRODUCTS[BACI_ROWS] = {
    "010121", "030111", "847130", "9999AA", "010121", "270900123456789", "847130", "010121"};
static const double BACI_VALUES[BACI_ROWS] = {12.5, 3, 100.25, 0, 1.5, 7, 2.25, 4};
static const int16_t BACI_EXPORTERS[BACI_ROWS] = {704, 704, 842, 4, 704, 156, 156, 643};

static const char COMTRADE_CSV[] =
    "freqCode,period,reporterCode,flowCode,partnerCode,partner2Code,motCode,customsCode,cmdCode,"
    "cmdDesc,primaryValue,netWgt,isAggregate\n"
    "A,2023,704,X,643,0,0,C00,010121,\"Horses; live, pure-bred\",7,1.5,0\n"
    "A,2023,704,X,643,0,0,C00,0101,\"Horses, asses\",7,,0\n"
    "A,2023,704,X,0,0,0,C00,010121,Horses,9,,0\n"
    "A,2023,704,X,643,0,0,C00,TOTAL,All,20,,0\n"
    "A,2023,704,M,156,0,2100,C00,847130,Computers,5.5,,0\n"
    "A,2023,704,M,156,0,0,C00,847130,Computers,8.25,,0\n"
    "M,202307,704,M,156,0,0,C00,847130,Computers,1,,1\n";

static const char *product_of(const ts_bulk *b, size_t row) {
  int c = ts_bulk_find(b, "product");
  assert_true(c >= 0);
  return ts_dict_str(b->dict, ts_bulk_key(&b->cols[c], row), NULL);
}

static double value_of(const ts_bulk *b, size_t row) {
  int c = ts_bulk_find(b, "value");
  assert_true(c >= 0);
  return ((const double *)b->cols[c].data)[row];
}

/* The first `rows` rows of BACI_CSV, starting at row `from`. */
static void assert_baci_rows(const ts_bulk *b, size_t from, size_t rows) {
  assert_int_equal(b->rows, rows);
  assert_int_equal(b->ncols, 6);
  for (size_t r = 0; r < rows; r++) {
    assert_string_equal(product_of(b, r), BACI_PRODUCTS[from + r]);
    assert_true(value_of(b, r) == BACI_VALUES[from + r]);
    assert_int_equal(ts_bulk_key(&b->cols[1], r), BACI_EXPORTERS[from + r]);
  }
}

static ts_bulk *parse_baci(const char *csv, size_t len, int threads, const ts_alloc *a,
                           ts_err *err) {
  ts_baci_opts o = {.threads = threads, .alloc = a};
  return ts_baci_parse("b.csv", csv, len, &o, err);
}

/* ---- BACI -------------------------------------------------------------------------- */

/* One parse failing allocation n; returns whether the failure was reached. */
static bool baci_failing_at(int threads, long n) {
  failing fa = {0};
  ts_alloc a = allocator(&fa);
  fail_from_now(&fa, n);
  ts_err err = {""};
  ts_bulk *b = parse_baci(BACI_CSV, strlen(BACI_CSV), threads, &a, &err);
  bool reached = atomic_load(&fa.calls) >= n;
  if (b == NULL) {
    assert_true(reached);
    assert_out_of_memory(&err, "baci", n);
    assert_int_equal(atomic_load(&fa.live), 0);
    fail_from_now(&fa, 0); /* memory is back */
    b = parse_baci(BACI_CSV, strlen(BACI_CSV), threads, &a, &err);
    if (b == NULL) fail_msg("after failing allocation %ld: %s", n, err.msg);
  }
  assert_baci_rows(b, 0, BACI_ROWS);
  ts_bulk_free(b);
  assert_int_equal(atomic_load(&fa.live), 0);
  return reached;
}

static long every_failure_of_baci(int threads) {
  long n = 1;
  while (baci_failing_at(threads, n)) n++;
  return n - 1;
}

static void every_allocation_of_a_baci_parse_may_fail(void **state) {
  (void)state;
  long points = every_failure_of_baci(1);
  print_message("baci parse, 1 thread: %ld allocation-failure points\n", points);
  /* the dataset, its dictionary and six columns at least */
  assert_true(points >= 8);
}

static void every_allocation_of_a_two_thread_baci_parse_may_fail(void **state) {
  (void)state;
  long points = every_failure_of_baci(2);
  print_message("baci parse, 2 threads: %ld allocation-failure points\n", points);
  /* the second half's own dictionary, code table and id map as well */
  assert_true(points > every_failure_of_baci(1));
}

/* ---- Comtrade ------------------------------------------------------------------------- */

static const char *why_of(const ts_bulk *b, size_t row) {
  int c = ts_bulk_find(b, "why");
  assert_true(c >= 0);
  return ts_dict_str(b->dict, ts_bulk_key(&b->cols[c], row), NULL);
}

/* Counted by hand from COMTRADE_CSV (comtrade.h says where each row goes). */
static void assert_comtrade_split(const ts_bulk *detail, const ts_bulk *apart) {
  assert_int_equal(detail->rows, 2);
  assert_string_equal(product_of(detail, 0), "010121");
  assert_true(value_of(detail, 0) == 7);
  assert_string_equal(product_of(detail, 1), "847130");
  assert_true(value_of(detail, 1) == 8.25);
  static const char *const why[] = {"parent", "world", "total", "breakdown", "aggregate"};
  assert_int_equal(apart->rows, 5);
  for (size_t r = 0; r < 5; r++) assert_string_equal(why_of(apart, r), why[r]);
  assert_true(value_of(apart, 3) == 5.5);
}

static bool comtrade_failing_at(long n) {
  failing fa = {0};
  ts_alloc a = allocator(&fa);
  fail_from_now(&fa, n);
  ts_err err = {""};
  ts_bulk *detail, *apart;
  int rc = ts_comtrade_parse("c.csv", COMTRADE_CSV, strlen(COMTRADE_CSV), &a, &detail, &apart,
                             &err);
  bool reached = atomic_load(&fa.calls) >= n;
  if (rc != 0) {
    assert_int_equal(rc, -1);
    assert_true(reached);
    assert_null(detail);
    assert_null(apart);
    assert_out_of_memory(&err, "comtrade", n);
    assert_int_equal(atomic_load(&fa.live), 0);
    fail_from_now(&fa, 0);
    if (ts_comtrade_parse("c.csv", COMTRADE_CSV, strlen(COMTRADE_CSV), &a, &detail, &apart,
                          &err) != 0)
      fail_msg("after failing allocation %ld: %s", n, err.msg);
  }
  assert_comtrade_split(detail, apart);
  ts_bulk_free(detail);
  ts_bulk_free(apart);
  assert_int_equal(atomic_load(&fa.live), 0);
  return reached;
}

static void every_allocation_of_a_comtrade_parse_may_fail(void **state) {
  (void)state;
  long n = 1;
  while (comtrade_failing_at(n)) n++;
  print_message("comtrade parse: %ld allocation-failure points\n", n - 1);
  /* three datasets of 16 or 17 columns each */
  assert_true(n - 1 >= 48);
}

/* ---- files ------------------------------------------------------------------------------- */

typedef struct fx {
  char dir[64];
  char snap[128];
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  strcpy(f->dir, "/tmp/ts-bulk-alloc-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->snap, sizeof f->snap, "%s/s.tsb", f->dir);
  *state = f;
  return 0;
}

/* Removes the directory and whatever a test left in it (one level down too). */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) != 0) remove_tree(path);
  }
  if (d != NULL) closedir(d);
  rmdir(dir);
}

static int teardown(void **state) {
  fx *f = *state;
  chmod(f->dir, 0700);
  remove_tree(f->dir);
  free(f);
  return 0;
}

typedef struct bytes {
  unsigned char *p;
  size_t n;
} bytes;

static bytes slurp(const char *path) {
  FILE *in = fopen(path, "rb");
  assert_non_null(in);
  bytes b = {malloc(1 << 16), 0};
  assert_non_null(b.p);
  b.n = fread(b.p, 1, 1 << 16, in);
  assert_true(b.n < (1 << 16));
  fclose(in);
  return b;
}

static void assert_same_bytes(bytes want, const char *path) {
  bytes now = slurp(path);
  assert_int_equal(now.n, want.n);
  assert_memory_equal(now.p, want.p, want.n);
  free(now.p);
}

static int entries_in(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

/* The BACI rows [0, rows) as a dataset through allocator a (never failing). */
static ts_bulk *baci_dataset(size_t rows, const ts_alloc *a) {
  const char *end = BACI_CSV;
  for (size_t lines = 0; lines < rows + 1; lines++) end = strchr(end, '\n') + 1;
  ts_err err;
  ts_bulk *b = parse_baci(BACI_CSV, (size_t)(end - BACI_CSV), 1, a, &err);
  if (b == NULL) fail_msg("%s", err.msg);
  return b;
}

static const char NOTES[] = "{\"areas\":{\"704\":\"VNM\"}}";

/* ---- snapshot save ----------------------------------------------------------------------- */

/* A save failing allocation n over an older snapshot of 3 rows: the old
** file keeps its bytes and no temporary file is left. */
static bool save_failing_at(const fx *f, long n) {
  ts_bulk *old = baci_dataset(3, NULL);
  ts_err err = {""};
  assert_int_equal(ts_snapshot_save(old, f->snap, &err), 0);
  ts_bulk_free(old);
  bytes before = slurp(f->snap);

  failing fa = {0};
  ts_alloc a = allocator(&fa);
  ts_bulk *b = baci_dataset(BACI_ROWS, &a);
  assert_int_equal(ts_bulk_set_notes(b, NOTES, strlen(NOTES), &err), 0);
  fail_from_now(&fa, n);
  int rc = ts_snapshot_save(b, f->snap, &err);
  bool reached = atomic_load(&fa.calls) >= n;
  if (rc != 0) {
    assert_int_equal(rc, -1);
    assert_true(reached);
    assert_out_of_memory(&err, "save", n);
    assert_same_bytes(before, f->snap);
    assert_int_equal(entries_in(f->dir), 1);
    fail_from_now(&fa, 0);
    if (ts_snapshot_save(b, f->snap, &err) != 0) fail_msg("after failing %ld: %s", n, err.msg);
  }
  free(before.p);
  ts_bulk_free(b);
  assert_int_equal(atomic_load(&fa.live), 0);
  ts_bulk *back = ts_snapshot_open(f->snap, true, NULL, &err);
  if (back == NULL) fail_msg("%s", err.msg);
  assert_baci_rows(back, 0, BACI_ROWS);
  assert_int_equal(back->notes_len, strlen(NOTES));
  assert_memory_equal(back->notes, NOTES, strlen(NOTES));
  ts_bulk_free(back);
  return reached;
}

/* ---- a file grouped a block at a time ---------------------------------------------------- */

static int fold_block(void *fold, ts_bulk *rows, ts_err *err) {
  int rc = ts_bfold_add(fold, rows, err);
  ts_bulk_free(rows);
  return rc;
}

/* Exporter sums of BACI_CSV, read in blocks of 40 bytes on two threads;
** NULL when allocation n failed. */
static ts_bulk *scan_failing_at(const char *path, const ts_alloc *a, ts_err *err) {
  const char *key = "exporter";
  ts_bfold *f = ts_bfold_new(&key, 1, "value", TS_AGG_SUM, a, err);
  ts_baci_opts o = {.threads = 2, .alloc = a};
  ts_bulk *g = NULL;
  if (f != NULL && ts_baci_import_blocks(path, &o, 40, fold_block, f, err) == 0)
    g = ts_bfold_result(f, path, err);
  ts_bfold_free(f);
  return g;
}

static void assert_exporter_sums(const ts_bulk *g) {
  double want[32768] = {0};
  for (size_t r = 0; r < BACI_ROWS; r++) want[BACI_EXPORTERS[r]] += BACI_VALUES[r];
  assert_int_equal(g->rows, 5); /* 4, 156, 643, 704, 842 */
  for (size_t r = 0; r < g->rows; r++)
    assert_true(((const double *)g->cols[1].data)[r] == want[ts_bulk_key(&g->cols[0], r)]);
}

static void every_allocation_of_a_scan_may_fail(void **state) {
  fx *x = *state;
  char path[160];
  snprintf(path, sizeof path, "%s/b.csv", x->dir);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  fputs(BACI_CSV, out);
  assert_int_equal(fclose(out), 0);
  long n = 1;
  for (;; n++) {
    failing fa = {0};
    ts_alloc a = allocator(&fa);
    fail_from_now(&fa, n);
    ts_err err = {""};
    ts_bulk *g = scan_failing_at(path, &a, &err);
    bool reached = atomic_load(&fa.calls) >= n;
    if (g == NULL) {
      assert_true(reached);
      assert_out_of_memory(&err, "scan", n);
      assert_int_equal(atomic_load(&fa.live), 0);
      fail_from_now(&fa, 0);
      if ((g = scan_failing_at(path, &a, &err)) == NULL) fail_msg("after %ld: %s", n, err.msg);
    }
    assert_exporter_sums(g);
    ts_bulk_free(g);
    assert_int_equal(atomic_load(&fa.live), 0);
    if (!reached) break;
  }
  print_message("scan in blocks: %ld allocation-failure points\n", n - 1);
  assert_true(n - 1 > every_failure_of_baci(2)); /* many blocks, and the fold */
}

static void every_allocation_of_a_save_may_fail(void **state) {
  const fx *f = *state;
  long n = 1;
  while (save_failing_at(f, n)) n++;
  print_message("snapshot save: %ld allocation-failure points\n", n - 1);
  assert_true(n - 1 >= 1);
}

/* ---- snapshot open ----------------------------------------------------------------------- */

static bool open_failing_at(const fx *f, long n) {
  failing fa = {0};
  ts_alloc a = allocator(&fa);
  fail_from_now(&fa, n);
  ts_err err = {""};
  ts_bulk *b = ts_snapshot_open(f->snap, true, &a, &err);
  bool reached = atomic_load(&fa.calls) >= n;
  if (b == NULL) {
    assert_true(reached);
    assert_out_of_memory(&err, "open", n);
    assert_int_equal(atomic_load(&fa.live), 0);
    fail_from_now(&fa, 0);
    if ((b = ts_snapshot_open(f->snap, true, &a, &err)) == NULL)
      fail_msg("after failing allocation %ld: %s", n, err.msg);
  }
  for (size_t i = 0; i < b->ncols; i++)
    if (ts_bulk_need(b, (int)i, &err) != 0) fail_msg("column %zu: %s", i, err.msg);
  assert_baci_rows(b, 0, BACI_ROWS);
  assert_memory_equal(b->notes, NOTES, strlen(NOTES));
  ts_bulk_free(b);
  assert_int_equal(atomic_load(&fa.live), 0);
  return reached;
}

static void every_allocation_of_an_open_may_fail(void **state) {
  const fx *f = *state;
  ts_bulk *b = baci_dataset(BACI_ROWS, NULL);
  ts_err err;
  assert_int_equal(ts_bulk_set_notes(b, NOTES, strlen(NOTES), &err), 0);
  assert_int_equal(ts_snapshot_save(b, f->snap, &err), 0);
  ts_bulk_free(b);
  long n = 1;
  while (open_failing_at(f, n)) n++;
  print_message("snapshot open: %ld allocation-failure points\n", n - 1);
  /* the dataset, its dictionary, five strings, the notes */
  assert_true(n - 1 >= 4);
}

/* ---- append ------------------------------------------------------------------------------ */

/* The rows of BACI_CSV from row `from` on, as a dataset of its own. */
static ts_bulk *baci_tail(size_t from, const ts_alloc *a) {
  static char csv[sizeof BACI_CSV];
  const char *body = strchr(BACI_CSV, '\n') + 1, *p = body;
  for (size_t r = 0; r < from; r++) p = strchr(p, '\n') + 1;
  snprintf(csv, sizeof csv, "t,i,j,k,v,q\n%s", p);
  ts_err err;
  ts_bulk *b = parse_baci(csv, strlen(csv), 1, a, &err);
  if (b == NULL) fail_msg("%s", err.msg);
  return b;
}

static bool append_failing_at(long n) {
  failing fa = {0};
  ts_alloc a = allocator(&fa);
  ts_bulk *dst = baci_dataset(3, &a), *src = baci_tail(3, &a);
  size_t strings = ts_dict_count(dst->dict);
  fail_from_now(&fa, n);
  ts_err err = {""};
  int rc = ts_bulk_append(dst, src, &err);
  bool reached = atomic_load(&fa.calls) >= n;
  if (rc != 0) {
    assert_int_equal(rc, -1);
    assert_true(reached);
    assert_out_of_memory(&err, "append", n);
    assert_baci_rows(dst, 0, 3); /* as it was */
    assert_int_equal(ts_dict_count(dst->dict), strings);
    fail_from_now(&fa, 0);
    if (ts_bulk_append(dst, src, &err) != 0) fail_msg("after failing %ld: %s", n, err.msg);
  }
  assert_baci_rows(dst, 0, BACI_ROWS);
  assert_baci_rows(src, 3, BACI_ROWS - 3);
  ts_bulk_free(dst);
  ts_bulk_free(src);
  assert_int_equal(atomic_load(&fa.live), 0);
  return reached;
}

static void every_allocation_of_an_append_may_fail(void **state) {
  (void)state;
  long n = 1;
  while (append_failing_at(n)) n++;
  print_message("append: %ld allocation-failure points\n", n - 1);
  /* the id map, the new strings, six columns grown */
  assert_true(n - 1 >= 7);
}

/* ---- saves whose write fails ---------------------------------------------------------------- */

/* The snapshot of the first 3 rows at f->snap, and its bytes. */
static bytes old_snapshot(const fx *f) {
  ts_bulk *old = baci_dataset(3, NULL);
  ts_err err;
  assert_int_equal(ts_snapshot_save(old, f->snap, &err), 0);
  ts_bulk_free(old);
  return slurp(f->snap);
}

/* A full disk, as a file size limit (root ignores permissions, not this). */
static void save_on_a_full_disk_keeps_the_old_snapshot(void **state) {
  const fx *f = *state;
  bytes before = old_snapshot(f);
  ts_bulk *b = baci_dataset(BACI_ROWS, NULL);

  struct rlimit old, tiny = {16, 16};
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  tiny.rlim_max = old.rlim_max;
  void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  ts_err err = {""};
  int rc = ts_snapshot_save(b, f->snap, &err);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, oldsig);

  assert_int_equal(rc, -1);
  char want[256];
  /* the target is named: the temporary file is gone when the message is read */
  snprintf(want, sizeof want, "%s: cannot write: File too large", f->snap);
  assert_string_equal(err.msg, want);
  assert_same_bytes(before, f->snap);
  assert_int_equal(entries_in(f->dir), 1);
  ts_bulk *back = ts_snapshot_open(f->snap, true, NULL, &err);
  assert_non_null(back);
  assert_baci_rows(back, 0, 3);
  ts_bulk_free(back);

  assert_int_equal(ts_snapshot_save(b, f->snap, &err), 0);
  ts_bulk_free(b);
  back = ts_snapshot_open(f->snap, true, NULL, &err);
  assert_non_null(back);
  assert_baci_rows(back, 0, BACI_ROWS);
  ts_bulk_free(back);
  free(before.p);
}

static void save_into_a_missing_directory(void **state) {
  const fx *f = *state;
  ts_bulk *b = baci_dataset(BACI_ROWS, NULL);
  char path[160], want[256];
  snprintf(path, sizeof path, "%s/no-such-dir/s.tsb", f->dir);
  ts_err err = {""};
  assert_int_equal(ts_snapshot_save(b, path, &err), -1);
  snprintf(want, sizeof want, "%s: cannot create a temporary file: No such file or directory",
           path);
  assert_string_equal(err.msg, want);
  assert_int_equal(entries_in(f->dir), 0);
  ts_bulk_free(b);
}

/* Only a user other than root is kept out by the directory's mode. */
static void save_into_a_read_only_directory_keeps_the_old_snapshot(void **state) {
  const fx *f = *state;
  if (geteuid() == 0) skip();
  bytes before = old_snapshot(f);
  ts_bulk *b = baci_dataset(BACI_ROWS, NULL);
  assert_int_equal(chmod(f->dir, 0500), 0);
  ts_err err = {""};
  int rc = ts_snapshot_save(b, f->snap, &err);
  chmod(f->dir, 0700);
  assert_int_equal(rc, -1);
  char want[256];
  snprintf(want, sizeof want, "%s: cannot create a temporary file: Permission denied", f->snap);
  assert_string_equal(err.msg, want);
  assert_same_bytes(before, f->snap);
  assert_int_equal(entries_in(f->dir), 1);
  ts_bulk_free(b);
  free(before.p);
}

/* The rename is the last step: when it fails the target is untouched and
** the temporary file is removed. */
static void save_when_the_rename_fails(void **state) {
  const fx *f = *state;
  ts_bulk *b = baci_dataset(BACI_ROWS, NULL);
  assert_int_equal(mkdir(f->snap, 0755), 0);
  char inside[200];
  snprintf(inside, sizeof inside, "%s/keep", f->snap);
  FILE *out = fopen(inside, "wb");
  assert_non_null(out);
  fputs("kept", out);
  assert_int_equal(fclose(out), 0);
  ts_err err = {""};
  assert_int_equal(ts_snapshot_save(b, f->snap, &err), -1);
  char want[256];
  snprintf(want, sizeof want, "%s: cannot rename into place: Is a directory", f->snap);
  assert_string_equal(err.msg, want);
  assert_int_equal(entries_in(f->dir), 1);
  bytes kept = slurp(inside);
  assert_int_equal(kept.n, 4);
  assert_memory_equal(kept.p, "kept", 4);
  free(kept.p);
  ts_bulk_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_allocation_of_a_baci_parse_may_fail),
    cmocka_unit_test(every_allocation_of_a_two_thread_baci_parse_may_fail),
    cmocka_unit_test(every_allocation_of_a_comtrade_parse_may_fail),
    cmocka_unit_test_setup_teardown(every_allocation_of_a_scan_may_fail, setup, teardown),
    cmocka_unit_test_setup_teardown(every_allocation_of_a_save_may_fail, setup, teardown),
    cmocka_unit_test_setup_teardown(every_allocation_of_an_open_may_fail, setup, teardown),
    cmocka_unit_test(every_allocation_of_an_append_may_fail),
    cmocka_unit_test_setup_teardown(save_on_a_full_disk_keeps_the_old_snapshot, setup, teardown),
    cmocka_unit_test_setup_teardown(save_into_a_missing_directory, setup, teardown),
    cmocka_unit_test_setup_teardown(save_into_a_read_only_directory_keeps_the_old_snapshot, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(save_when_the_rename_fails, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
