/*
** test_kb_alloc.c — the knowledge base when memory or the disk fails.
**
** A dataset load (ts_kb_new, areas registered as the host does, an HS file,
** areas.csv, sources.csv, trade.csv) is run with an allocator that fails its
** N-th allocation, for N = 1, 2, ... until the load no longer reaches the
** failure.  Each failing N must end in -1 with an "out of memory" message,
** leave the step's table absent, let the same step succeed when memory comes
** back (nothing half-done gets in the way), and free every block.
** Then saves whose write fails: the previous file stays as it was.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
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

#include "kb.h"

/* ---- an allocator that fails on request ------------------------------------------ */

typedef struct failing {
  long calls, fail_at, live; /* fail_at 0: never */
} failing;

static void *failing_malloc(void *ud, size_t size) {
  failing *f = ud;
  if (++f->calls == f->fail_at) return NULL;
  void *p = malloc(size);
  if (p != NULL) f->live++;
  return p;
}

static void *failing_realloc(void *ud, void *ptr, size_t size) {
  failing *f = ud;
  if (++f->calls == f->fail_at) return NULL;
  return realloc(ptr, size);
}

static void failing_free(void *ud, void *ptr) {
  failing *f = ud;
  f->live--;
  free(ptr);
}

/* ---- the dataset ------------------------------------------------------------------ */

static const char HS_CSV[] =
    "section,hscode,description,parent,level\n"
    "I,01,Animals; live,TOTAL,2\n"
    "I,0101,\"Horses, asses, mules and hinnies; live\",01,4\n"
    "V,27,Mineral fuels,TOTAL,2\n";

static const char AREAS_CSV[] =
    "code,name,kind,parent,members,scheme,note\n"
    "X-RUFE,Russia's Far East,grouping,RUS,RU-PRI;RU-KHA,project,curator's choice\n"
    "RUVVO,Vladivostok,place,RU-PRI,,UN/LOCODE,Port and city.\n"
    "VNHPH,Hai Phong,place,VN-HP,,UN/LOCODE,\"UN/LOCODE name \"\"Haiphong\"\".\"\n";

static const char SOURCES_CSV[] =
    "id,title,title_basis,publisher,date,date_basis,seed_file,note\n"
    "s000,First article,inferred,,2023-08,inferred,000_a.txt,\n"
    "s001,\"Second, with a comma\",stated,An agency,2025-01-15,stated,001_b.txt,a note\n";

static const char TRADE_CSV[] =
    "id,period,reporter,partner,via,flow,commodity,qualifier,value,value_high,unit,change,"
    "change_qualifier,change_high,change_basis,source,sentence,note\n"
    "t-q1,2023-Q1,VNM,RUS,,turnover,TOTAL,exact,732000000,,USD,-0.49,exact,,2022-Q1,s000,Q1 fell.,\n"
    "t-h1,2023-H1,VNM,X-RUFE,RUVVO,turnover,0101,range,150000000,160000000,USD,0.2,approx,,"
    "2022-H1,s000,\"Far East, up\",\n"
    "t-klu,2020,RU-KLU,VNM,,turnover,TOTAL,more_than,315000000,,USD,9,exact,,2017,s001,Kaluga.,\n";

/* Codes the host registers from iso-codes before any file is read. */
static const char *const ISO[][3] = {
    {"VNM", "country", NULL}, {"RUS", "country", NULL}, {"RU-PRI", "region", "RUS"},
    {"RU-KHA", "region", "RUS"}, {"RU-KLU", "region", "RUS"}, {"VN-HP", "city", "VNM"}};
#define NISO (sizeof ISO / sizeof *ISO)

typedef struct fx {
  char dir[64];
  char hs[128], areas[128], sources[128], trade[128];
} fx;

static void write_file(const char *path, const char *text) {
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(text, 1, strlen(text), out), strlen(text));
  assert_int_equal(fclose(out), 0);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  assert_non_null(f);
  strcpy(f->dir, "/tmp/ts-kb-alloc-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->hs, sizeof f->hs, "%s/hs.csv", f->dir);
  snprintf(f->areas, sizeof f->areas, "%s/areas.csv", f->dir);
  snprintf(f->sources, sizeof f->sources, "%s/sources.csv", f->dir);
  snprintf(f->trade, sizeof f->trade, "%s/trade.csv", f->dir);
  write_file(f->hs, HS_CSV);
  write_file(f->areas, AREAS_CSV);
  write_file(f->sources, SOURCES_CSV);
  write_file(f->trade, TRADE_CSV);
  *state = f;
  return 0;
}

/* Removes the directory and whatever a test left in it. */
static int teardown(void **state) {
  fx *f = *state;
  DIR *d = opendir(f->dir);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[384];
    snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
    if (unlink(path) != 0) rmdir(path);
  }
  if (d != NULL) closedir(d);
  rmdir(f->dir);
  free(f);
  return 0;
}

/* ---- the load, one step at a time ----------------------------------------------- */

/* Steps 0..NISO-1 register the ISO codes, then the HS file and the tables. */
enum { STEP_HS = NISO, STEP_AREAS, STEP_SOURCES, STEP_TRADE, NSTEPS };

static const char *step_table(int step) {
  return step == STEP_AREAS ? "areas" : step == STEP_SOURCES ? "sources"
       : step == STEP_TRADE ? "trade" : NULL;
}

static int run_step(const fx *f, ts_kb *kb, int step, ts_err *err) {
  if (step < (int)NISO)
    return ts_kb_add_area(kb, ISO[step][0], ISO[step][0], ISO[step][1], ISO[step][2], err);
  if (step == STEP_HS) return ts_kb_load_hs(kb, f->hs, err);
  const char *path = step == STEP_AREAS ? f->areas : step == STEP_SOURCES ? f->sources : f->trade;
  return ts_kb_load(kb, ts_kb_schema(step_table(step)), path, err);
}

/* What a whole load gives, counted by hand from the files above. */
static void assert_complete(const ts_kb *kb) {
  assert_int_equal(ts_kbtable_rows(ts_kb_table(kb, "areas")), 3);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(kb, "sources")), 2);
  assert_int_equal(ts_kbtable_rows(ts_kb_table(kb, "trade")), 3);
  assert_true(ts_kb_area(kb, "RU-KLU", NULL, NULL, NULL));
  assert_true(ts_kb_area(kb, "VNHPH", NULL, NULL, NULL));
  assert_true(ts_kb_area_within(kb, "RUVVO", "X-RUFE"));
  assert_true(ts_kbtable_find(ts_kb_table(kb, "trade"), "t-h1") >= 0);
}

/* The state a failed step must leave: its table absent, its codes unknown. */
static void assert_step_undone(const ts_kb *kb, int step) {
  if (step < (int)NISO) assert_false(ts_kb_area(kb, ISO[step][0], NULL, NULL, NULL));
  if (step_table(step) != NULL) assert_null(ts_kb_table(kb, step_table(step)));
  if (step == STEP_AREAS) {
    assert_false(ts_kb_area(kb, "X-RUFE", NULL, NULL, NULL));
    assert_false(ts_kb_area(kb, "RUVVO", NULL, NULL, NULL));
  }
}

static void assert_out_of_memory(const ts_err *err, long n) {
  if (strstr(err->msg, "out of memory") == NULL)
    fail_msg("allocation %ld failed with an unclear message: '%s'", n, err->msg);
}

/* One run failing allocation n; returns whether the failure was reached. */
static bool load_failing_at(const fx *f, long n) {
  failing fa = {.fail_at = n};
  ts_alloc a = {failing_malloc, failing_realloc, failing_free, &fa};
  ts_err err = {""};
  ts_kb *kb = ts_kb_new(&a, &err);
  if (kb == NULL) {
    assert_true(fa.calls >= n); /* the failure was reached */
    assert_out_of_memory(&err, n);
    assert_int_equal(fa.live, 0);
    return true;
  }
  int step = 0;
  while (step < NSTEPS && run_step(f, kb, step, &err) == 0) step++;
  bool failed = step < NSTEPS;
  if (failed) {
    assert_true(fa.calls >= n); /* the failure was reached */
    assert_out_of_memory(&err, n);
    assert_step_undone(kb, step);
    fa.fail_at = 0; /* memory is back: the rest of the load must go through */
    for (; step < NSTEPS; step++)
      if (run_step(f, kb, step, &err) != 0) fail_msg("after failing allocation %ld: %s", n, err.msg);
  } else {
    assert_true(fa.calls < n);
  }
  assert_complete(kb);
  ts_kb_free(kb);
  assert_int_equal(fa.live, 0);
  return failed;
}

static void every_allocation_of_a_load_may_fail(void **state) {
  const fx *f = *state;
  long n = 1;
  while (load_failing_at(f, n)) n++;
  /* n - 1 failure points tried; a load this size allocates well over 20 times. */
  assert_true(n > 20);
  print_message("allocation-failure points tried: %ld\n", n - 1);
}

/* ---- saves whose write fails ------------------------------------------------------- */

static ts_kb *loaded_kb(const fx *f) {
  ts_err err;
  ts_kb *kb = ts_kb_new(NULL, &err);
  assert_non_null(kb);
  for (int step = 0; step < NSTEPS; step++)
    if (run_step(f, kb, step, &err) != 0) fail_msg("load: %s", err.msg);
  return kb;
}

static char *slurp(const char *path) {
  FILE *in = fopen(path, "rb");
  assert_non_null(in);
  char *buf = calloc(1, 65536);
  assert_non_null(buf);
  size_t n = fread(buf, 1, 65535, in);
  fclose(in);
  buf[n] = '\0';
  return buf;
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

/* A full disk, as a file size limit (root ignores permissions, not this):
** the previous file keeps its bytes and no temporary file is left. */
static void save_on_a_full_disk_keeps_the_old_file(void **state) {
  const fx *f = *state;
  ts_kb *kb = loaded_kb(f);
  ts_kbtable *t = ts_kb_table(kb, "trade");
  const char *fields[18] = {"t-new", "2024", "VNM", "RUS", NULL, "export", "TOTAL", "exact",
                            "5", NULL, "USD", NULL, NULL, NULL, NULL, "s001", "New.", NULL};
  ts_err err = {""};
  assert_int_equal(ts_kbtable_add(kb, t, fields, &err), 0);
  int files = entries_in(f->dir);

  struct rlimit old, tiny = {16, 16};
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  tiny.rlim_max = old.rlim_max;
  void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  int rc = ts_kbtable_save(t, f->trade, &err);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, oldsig);

  assert_int_equal(rc, -1);
  char want[256];
  snprintf(want, sizeof want, "%s: cannot write: File too large", f->trade);
  assert_string_equal(err.msg, want);
  char *now = slurp(f->trade);
  assert_string_equal(now, TRADE_CSV);
  free(now);
  assert_int_equal(entries_in(f->dir), files);
  assert_true(ts_kbtable_dirty(t)); /* still to be saved */
  assert_int_equal(ts_kbtable_save(t, f->trade, &err), 0);
  now = slurp(f->trade);
  assert_non_null(strstr(now, "t-new,2024,VNM,RUS,,export,TOTAL,exact,5,,USD,,,,,s001,New.,\n"));
  free(now);
  ts_kb_free(kb);
}

static void save_into_a_missing_directory(void **state) {
  const fx *f = *state;
  ts_kb *kb = loaded_kb(f);
  char path[160], want[256];
  snprintf(path, sizeof path, "%s/no-such-dir/trade.csv", f->dir);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_save(ts_kb_table(kb, "trade"), path, &err), -1);
  snprintf(want, sizeof want, "%s: cannot create a temporary file: No such file or directory", path);
  assert_string_equal(err.msg, want);
  ts_kb_free(kb);
}

/* The temporary file goes beside the target: a file where its directory
** should be stops the save before anything is written. */
static void save_under_a_file_instead_of_a_directory(void **state) {
  const fx *f = *state;
  ts_kb *kb = loaded_kb(f);
  char path[160], want[256];
  snprintf(path, sizeof path, "%s/trade.csv", f->sources); /* sources.csv is a file */
  ts_err err = {""};
  assert_int_equal(ts_kbtable_save(ts_kb_table(kb, "trade"), path, &err), -1);
  snprintf(want, sizeof want, "%s: cannot create a temporary file: Not a directory", path);
  assert_string_equal(err.msg, want);
  char *src = slurp(f->sources);
  assert_string_equal(src, SOURCES_CSV);
  free(src);
  ts_kb_free(kb);
}

/* The rename is the last step: when it fails the target is untouched and the
** temporary file is removed. */
static void save_when_the_rename_fails(void **state) {
  const fx *f = *state;
  ts_kb *kb = loaded_kb(f);
  char path[160], want[256];
  snprintf(path, sizeof path, "%s/target", f->dir);
  assert_int_equal(mkdir(path, 0755), 0);
  char inside[200];
  snprintf(inside, sizeof inside, "%s/keep", path);
  write_file(inside, "kept");
  int files = entries_in(f->dir);
  ts_err err = {""};
  assert_int_equal(ts_kbtable_save(ts_kb_table(kb, "trade"), path, &err), -1);
  snprintf(want, sizeof want, "%s: cannot replace: Is a directory", path);
  assert_string_equal(err.msg, want);
  assert_int_equal(entries_in(f->dir), files);
  char *kept = slurp(inside);
  assert_string_equal(kept, "kept");
  free(kept);
  ts_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(every_allocation_of_a_load_may_fail, setup, teardown),
    cmocka_unit_test_setup_teardown(save_on_a_full_disk_keeps_the_old_file, setup, teardown),
    cmocka_unit_test_setup_teardown(save_into_a_missing_directory, setup, teardown),
    cmocka_unit_test_setup_teardown(save_under_a_file_instead_of_a_directory, setup, teardown),
    cmocka_unit_test_setup_teardown(save_when_the_rename_fails, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
