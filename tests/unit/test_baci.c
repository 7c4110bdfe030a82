#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "baci.h"

/* ---- helpers ------------------------------------------------------------------ */

static char dir[] = "/tmp/test_baci.XXXXXX";

static int make_dir(void **state) {
  (void)state;
  return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Writes `text` to dir/name; returns the path (static buffer). */
static const char *fixture(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
  return path;
}

static ts_bulk *import_ok(const char *path, int threads) {
  ts_err err = {{0}};
  ts_baci_opts o = {.threads = threads};
  ts_bulk *b = ts_baci_import(path, &o, &err);
  if (b == NULL) fail_msg("import failed: %s", err.msg);
  return b;
}

static const char *product(const ts_bulk *b, size_t row) {
  return ts_dict_str(b->dict, ((const int32_t *)b->cols[3].data)[row], NULL);
}

static int16_t i16(const ts_bulk *b, int col, size_t row) {
  return ((const int16_t *)b->cols[col].data)[row];
}

static double f64(const ts_bulk *b, int col, size_t row) {
  return ((const double *)b->cols[col].data)[row];
}

/* The message an import of `text` gives, with the fixture path replaced
** by "F" so that expectations read as they print. */
static const char *import_error(const char *text, int threads) {
  static char msg[600];
  const char *path = fixture("bad.csv", text);
  ts_err err = {{0}};
  ts_baci_opts o = {.threads = threads};
  ts_bulk *b = ts_baci_import(path, &o, &err);
  if (b != NULL) {
    ts_bulk_free(b);
    fail_msg("expected an error for: %s", text);
  }
  size_t plen = strlen(path);
  if (strncmp(err.msg, path, plen) != 0) fail_msg("message lacks the path: %s", err.msg);
  snprintf(msg, sizeof msg, "F%s", err.msg + plen);
  return msg;
}

/* ---- reading good files ----------------------------------------------------- */

static void columns_and_values(void **state) {
  (void)state;
  const char *path = fixture("ok.csv",
                             "t,i,j,k,v,q\n"
                             "2022,704,643,010121,12.5,0.75\n"
                             "2022,4,8,9999AA,0.001,NA\n"
                             "2021,842,156,847130,1234567.891,\n");
  for (int threads = 1; threads <= 2; threads++) {
    ts_bulk *b = import_ok(path, threads);
    assert_string_equal(b->kind, "baci");
    assert_int_equal(b->rows, 3);
    assert_int_equal(b->ncols, 6);
    const char *names[] = {"year", "exporter", "importer", "product", "value", "quantity"};
    for (int c = 0; c < 6; c++) assert_string_equal(b->cols[c].name, names[c]);
    assert_int_equal(ts_bulk_row_bytes(b), 26);
    assert_int_equal(i16(b, 0, 0), 2022);
    assert_int_equal(i16(b, 1, 0), 704);
    assert_int_equal(i16(b, 2, 0), 643);
    assert_string_equal(product(b, 0), "010121");
    assert_true(f64(b, 4, 0) == 12.5);
    assert_true(f64(b, 5, 0) == 0.75);
    assert_string_equal(product(b, 1), "9999AA");
    assert_true(f64(b, 4, 1) == 0.001);
    assert_true(isnan(f64(b, 5, 1)));
    assert_int_equal(i16(b, 0, 2), 2021);
    assert_int_equal(i16(b, 1, 2), 842);
    assert_string_equal(product(b, 2), "847130");
    assert_true(f64(b, 4, 2) == 1234567.891);
    assert_true(isnan(f64(b, 5, 2)));
    /* ranges recorded for the dense group-by */
    assert_int_equal(b->cols[0].lo, 2021);
    assert_int_equal(b->cols[0].hi, 2022);
    assert_int_equal(b->cols[1].lo, 4);
    assert_int_equal(b->cols[1].hi, 842);
    assert_int_equal(b->cols[2].lo, 8);
    assert_int_equal(b->cols[2].hi, 643);
    assert_int_equal(b->measure, 4);
    ts_bulk_free(b);
  }
}

static void product_codes_as_written(void **state) {
  (void)state;
  const char *path = fixture("codes.csv",
                             "t,i,j,k,v,q\n"
                             "2022,1,2,10121,1,1\n"        /* leading zero lost: restored */
                             "2022,1,2,\"030111\",1,1\n"   /* quoted */
                             "2022,1,2,TOTAL,1,1\n"
                             "2022,1,2,123456789012345,1,1\n" /* 15 characters */
                             "2022,1,2,010121,1,1\n"
                             "2022,1,2,1234,1,1\n");
  ts_bulk *b = import_ok(path, 1);
  assert_string_equal(product(b, 0), "010121");
  assert_string_equal(product(b, 1), "030111");
  assert_string_equal(product(b, 2), "TOTAL");
  assert_string_equal(product(b, 3), "123456789012345");
  assert_string_equal(product(b, 4), "010121");
  assert_string_equal(product(b, 5), "1234");
  /* one dictionary entry per distinct code */
  assert_int_equal(ts_dict_count(b->dict), 5);
  ts_bulk_free(b);
}

static void layout_variants(void **state) {
  (void)state;
  /* BOM, quoted header, CRLF, blank lines, spaces around numbers, no final
  ** line end. */
  const char *path = fixture("layout.csv",
                             "\xEF\xBB\xBF\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"\r\n"
                             "2022,4,8,010121,  1.5 ,   NA\r\n"
                             "\r\n"
                             "\n"
                             "2022,4,8,010122,2, 3.25\n"
                             "2022,4,8,010123,1e3,1.5E-2");
  ts_bulk *b = import_ok(path, 2);
  assert_int_equal(b->rows, 3);
  assert_true(f64(b, 4, 0) == 1.5);
  assert_true(isnan(f64(b, 5, 0)));
  assert_true(f64(b, 5, 1) == 3.25);
  assert_true(f64(b, 4, 2) == 1000.0);
  assert_true(f64(b, 5, 2) == 0.015);
  ts_bulk_free(b);
}

static void header_only_is_empty(void **state) {
  (void)state;
  ts_bulk *b = import_ok(fixture("empty.csv", "t,i,j,k,v,q\n"), 2);
  assert_int_equal(b->rows, 0);
  ts_bulk_free(b);
}

/* Decimal conversion matches strtod: the sums other tools compute. */
static void numbers_convert_as_strtod_does(void **state) {
  (void)state;
  const char *nums[] = {"0.1", "0.3", "123456789.123", "999999999999.999", "5e-324",
                        "0.12345678901234567890123", "17976931348623157e292", "1.7976931348623157e308",
                        "123456789012345678901234567890", "000000.000001", "4.35", "0"};
  size_t n = sizeof nums / sizeof *nums;
  char text[4096] = "t,i,j,k,v,q\n";
  for (size_t i = 0; i < n; i++) {
    char line[128];
    snprintf(line, sizeof line, "2022,1,2,0101%02zu,%s,%s\n", i, nums[i], nums[i]);
    strcat(text, line);
  }
  ts_bulk *b = import_ok(fixture("nums.csv", text), 1);
  assert_int_equal(b->rows, n);
  for (size_t i = 0; i < n; i++) {
    double want = strtod(nums[i], NULL);
    if (f64(b, 4, i) != want || f64(b, 5, i) != want)
      fail_msg("%s: got %.17g, strtod gives %.17g", nums[i], f64(b, 4, i), want);
  }
  ts_bulk_free(b);
}

/* A larger file, rows generated here (with blank lines): both thread
** counts give exactly the rows written, in file order. */
static void two_threads_keep_file_order(void **state) {
  (void)state;
  enum { N = 20000 };
  size_t cap = N * 50 + 32, used = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
  uint64_t s = 42;
  static int16_t ex[N], im[N];
  static int codes[N];
  static double val[N];
  for (int r = 0; r < N; r++) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    ex[r] = (int16_t)((s >> 33) % 900);
    im[r] = (int16_t)((s >> 20) % 900);
    codes[r] = (int)((s >> 40) % 3000);
    val[r] = (double)((s >> 10) % 1000000) / 1000.0;
    used += (size_t)snprintf(text + used, cap - used, "%d,%d,%d,%06d,%.3f,%s\n", 2000 + r % 20,
                             ex[r], im[r], codes[r], val[r], r % 33 == 0 ? "NA" : "1.5");
    /* blank lines in both halves: the second half's rows then move up */
    if (r % 7 == 0) used += (size_t)snprintf(text + used, cap - used, "%s", r % 2 ? "\n" : "\r\n");
  }
  const char *path = fixture("many.csv", text);
  free(text);
  for (int threads = 1; threads <= 2; threads++) {
    ts_bulk *b = import_ok(path, threads);
    assert_int_equal(b->rows, N);
    for (int r = 0; r < N; r++) {
      char code[8];
      snprintf(code, sizeof code, "%06d", codes[r]);
      if (i16(b, 0, (size_t)r) != 2000 + r % 20 || i16(b, 1, (size_t)r) != ex[r] ||
          i16(b, 2, (size_t)r) != im[r] || strcmp(product(b, (size_t)r), code) != 0 ||
          f64(b, 4, (size_t)r) != val[r] ||
          isnan(f64(b, 5, (size_t)r)) != (r % 33 == 0))
        fail_msg("threads %d: row %d differs", threads, r);
    }
    ts_bulk_free(b);
  }
}

/* ---- malformed files: exact messages ------------------------------------------ */

static void bad_fields_name_line_and_column(void **state) {
  (void)state;
  const char *head = "t,i,j,k,v,q\n2022,4,8,010121,1,1\n";
  struct {
    const char *row, *msg;
  } cases[] = {
    {"95,4,8,010121,1,1\n", "F:3:1: column 't': '95' is not a year (1000..9999)"},
    {"2022,x4,8,010121,1,1\n",
     "F:3:6: column 'i': 'x4' is not a country code (an integer 0..32767)"},
    {"2022,4,40000,010121,1,1\n",
     "F:3:8: column 'j': '40000' is not a country code (an integer 0..32767)"},
    {"2022,4,-8,010121,1,1\n",
     "F:3:8: column 'j': '-8' is not a country code (an integer 0..32767)"},
    {"2022,4,8,01-121,1,1\n",
     "F:3:10: column 'k': '01-121' is not a product code (1 to 15 letters or digits)"},
    {"2022,4,8,,1,1\n", "F:3:10: column 'k': '' is not a product code (1 to 15 letters or digits)"},
    {"2022,4,8,1234567890123456,1,1\n",
     "F:3:10: column 'k': '1234567890123456' is not a product code (1 to 15 letters or digits)"},
    {"2022,4,8,010121,1.2.3,1\n", "F:3:17: column 'v': '1.2.3' is not a value (a number)"},
    {"2022,4,8,010121,-1,1\n", "F:3:17: column 'v': '-1' is not a value (a number)"},
    {"2022,4,8,010121,NA,1\n", "F:3:17: column 'v': a value is required, found 'NA'"},
    {"2022,4,8,010121,,1\n", "F:3:17: column 'v': a value is required, found ''"},
    {"2022,4,8,010121,1,abc\n",
     "F:3:19: column 'q': 'abc' is not a quantity (a number, empty or NA)"},
    {"2022,4,8,010121,1,1e\n",
     "F:3:19: column 'q': '1e' is not a quantity (a number, empty or NA)"},
    {"2022,4,8\n", "F:3:9: row has 3 fields, expected 6 (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5\n", "F:3:18: row has 5 fields, expected 6 (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5,6,7\n", "F:3:20: row has more than 6 fields (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5,6\rX\n", "F:3:20: a carriage return not followed by a line feed"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[256];
    snprintf(text, sizeof text, "%s%s2022,4,8,010121,1,1\n", head, cases[i].row);
    for (int threads = 1; threads <= 2; threads++) {
      const char *got = import_error(text, threads);
      if (strcmp(got, cases[i].msg) != 0)
        fail_msg("case %zu (threads %d):\n  got  %s\n  want %s", i, threads, got, cases[i].msg);
    }
  }
}

static void bad_header_and_files(void **state) {
  (void)state;
  assert_string_equal(import_error("year,i,j,k,v,q\n2022,4,8,010121,1,1\n", 2),
                      "F:1:1: expected the BACI header t,i,j,k,v,q, found 'year,i,j,k,v,q'");
  assert_string_equal(import_error("", 2),
                      "F: the file is empty (expected the BACI header t,i,j,k,v,q)");
  ts_err err;
  assert_null(ts_baci_import("/nonexistent/baci.csv", NULL, &err));
  assert_string_equal(err.msg, "/nonexistent/baci.csv: cannot open: No such file or directory");
  assert_null(ts_baci_import("/tmp", NULL, &err));
  assert_string_equal(err.msg, "/tmp: not a regular file");
}

/* With two halves the first error in the file is reported, whichever half
** holds it, with its line counted from the start of the file. */
static void errors_in_either_half(void **state) {
  (void)state;
  char text[8192] = "t,i,j,k,v,q\n";
  for (int r = 0; r < 200; r++) strcat(text, "2022,4,8,010121,1,1\n");
  size_t half = strlen(text);
  char late[9000];
  snprintf(late, sizeof late, "%s%s", text, "2022,4,8,010121,1,1\n2022,4,8,010121,x,1\n");
  assert_string_equal(import_error(late, 2), "F:203:17: column 'v': 'x' is not a value (a number)");
  char both[9000];
  memcpy(both, text, half + 1);
  memcpy(both + 12, "2022,4,Z,010121,1,1\n", 20); /* row 1 (line 2) */
  strcat(both, "2022,4,8,010121,x,1\n");
  assert_string_equal(import_error(both, 2),
                      "F:2:8: column 'j': 'Z' is not a country code (an integer 0..32767)");
}

/* ---- allocation failures and progress ------------------------------------------- */

typedef struct counting {
  long calls, fail_at, live;
} counting;

static void *c_malloc(void *ud, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  void *p = malloc(size);
  if (p) c->live++;
  return p;
}

static void *c_realloc(void *ud, void *ptr, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  return realloc(ptr, size);
}

static void c_free(void *ud, void *ptr) {
  counting *c = ud;
  if (ptr) c->live--;
  free(ptr);
}

static void allocation_failure_is_an_error_and_leaks_nothing(void **state) {
  (void)state;
  const char *path = fixture("alloc.csv",
                             "t,i,j,k,v,q\n2022,4,8,010121,1,1\n2022,4,8,9999AA,1,1\n"
                             "2022,4,8,123456789012,1,1\n");
  counting probe = {0, 0, 0};
  ts_alloc a = {c_malloc, c_realloc, c_free, &probe};
  ts_baci_opts o = {.threads = 1, .alloc = &a};
  ts_err err;
  ts_bulk *b = ts_baci_import(path, &o, &err);
  assert_non_null(b);
  ts_bulk_free(b);
  assert_int_equal(probe.live, 0);
  long calls = probe.calls;
  for (long k = 1; k <= calls; k++) {
    counting c = {0, k, 0};
    ts_alloc fa = {c_malloc, c_realloc, c_free, &c};
    ts_baci_opts fo = {.threads = 1, .alloc = &fa};
    err.msg[0] = '\0';
    b = ts_baci_import(path, &fo, &err);
    assert_null(b);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(c.live, 0);
  }
}

typedef struct progress {
  size_t calls, last, total;
  bool monotonic;
} progress;

static void on_progress(void *ud, size_t done, size_t total) {
  progress *p = ud;
  if (done < p->last) p->monotonic = false;
  p->calls++;
  p->last = done;
  p->total = total;
}

static void progress_reaches_the_total(void **state) {
  (void)state;
  const char *path = fixture("p.csv", "t,i,j,k,v,q\n2022,4,8,010121,1,1\n2022,4,8,010121,1,1\n");
  progress p = {0, 0, 0, true};
  ts_baci_opts o = {.threads = 2, .progress = on_progress, .progress_ud = &p};
  ts_err err;
  ts_bulk *b = ts_baci_import(path, &o, &err);
  assert_non_null(b);
  ts_bulk_free(b);
  assert_true(p.calls >= 1);
  assert_true(p.monotonic);
  assert_int_equal(p.last, p.total);
  assert_int_equal(p.total, strlen("2022,4,8,010121,1,1\n") * 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(columns_and_values),
    cmocka_unit_test(product_codes_as_written),
    cmocka_unit_test(layout_variants),
    cmocka_unit_test(header_only_is_empty),
    cmocka_unit_test(numbers_convert_as_strtod_does),
    cmocka_unit_test(two_threads_keep_file_order),
    cmocka_unit_test(bad_fields_name_line_and_column),
    cmocka_unit_test(bad_header_and_files),
    cmocka_unit_test(errors_in_either_half),
    cmocka_unit_test(allocation_failure_is_an_error_and_leaks_nothing),
    cmocka_unit_test(progress_reaches_the_total),
  };
  return cmocka_run_group_tests_name("baci", tests, make_dir, remove_dir);
}
