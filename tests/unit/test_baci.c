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
    {"2022,4,8,010121,1.2.3,1\n", "F:3:17: column 'v': '1.2.3' is not a value (a number, 0 or more)"},
    {"2022,4,8,010121,-1,1\n", "F:3:17: column 'v': '-1' is not a value (a number, 0 or more)"},
    {"2022,4,8,010121,NA,1\n", "F:3:17: column 'v': a value is required, found 'NA'"},
    {"2022,4,8,010121,,1\n", "F:3:17: column 'v': a value is required, found ''"},
    {"2022,4,8,010121,1,abc\n",
     "F:3:19: column 'q': 'abc' is not a quantity (a number 0 or more, empty or NA)"},
    {"2022,4,8,010121,1,1e\n",
     "F:3:19: column 'q': '1e' is not a quantity (a number 0 or more, empty or NA)"},
    {"2022,4,8\n", "F:3:9: row has 3 fields, expected 6 (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5\n", "F:3:18: row has 5 fields, expected 6 (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5,6,7\n", "F:3:20: row has more than 6 fields (t,i,j,k,v,q)"},
    {"2022,4,8,010121,5,6\rX\n", "F:3:20: a carriage return not followed by a line feed"},
    /* plain-looking rows the whole-row reader must not take */
    {"10000,4,8,010121,1,1\n", "F:3:1: column 't': '10000' is not a year (1000..9999)"},
    {"2022,4,32768,010121,1,1\n",
     "F:3:8: column 'j': '32768' is not a country code (an integer 0..32767)"},
    {"2022,4,8,010121,1,NX\n",
     "F:3:19: column 'q': 'NX' is not a quantity (a number 0 or more, empty or NA)"},
    {"2022,4,8,010121,1,1.5.5\n",
     "F:3:19: column 'q': '1.5.5' is not a quantity (a number 0 or more, empty or NA)"},
    {"2022,4,8,01#121,1,1\n",
     "F:3:10: column 'k': '01#121' is not a product code (1 to 15 letters or digits)"},
    {"2022,4,8,010121,1-,1\n", "F:3:17: column 'v': '1-' is not a value (a number, 0 or more)"},
    {"2022,4,8,010121,1,1\r\r\n", "F:3:20: a carriage return not followed by a line feed"},
  };
  /* with one good row after the bad one, and with many (a bad row far from
  ** the end of the file is first offered to the whole-row reader) */
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    for (int tail = 1; tail <= 8; tail += 7) {
      char text[512];
      int n = snprintf(text, sizeof text, "%s%s", head, cases[i].row);
      for (int r = 0; r < tail; r++)
        n += snprintf(text + n, sizeof text - (size_t)n, "2022,4,8,010121,1,1\n");
      for (int threads = 1; threads <= 2; threads++) {
        const char *got = import_error(text, threads);
        if (strcmp(got, cases[i].msg) != 0)
          fail_msg("case %zu (tail %d, threads %d):\n  got  %s\n  want %s", i, tail, threads, got,
                   cases[i].msg);
      }
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
  assert_string_equal(import_error(late, 2), "F:203:17: column 'v': 'x' is not a value (a number, 0 or more)");
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

/* ---- projection and filter pushdown ------------------------------------------------ */

static ts_bulk *import_with(const char *path, const ts_baci_opts *o) {
  ts_err err = {{0}};
  ts_bulk *b = ts_baci_import(path, o, &err);
  if (b == NULL) fail_msg("import failed: %s", err.msg);
  return b;
}

static const char *column_names(const ts_bulk *b) {
  static char out[128];
  out[0] = '\0';
  for (size_t c = 0; c < b->ncols; c++) {
    if (c > 0) strcat(out, ",");
    strcat(out, b->cols[c].name);
  }
  return out;
}

static void columns_keep_only_those_named(void **state) {
  (void)state;
  const char *path = fixture("proj.csv",
                             "t,i,j,k,v,q\n"
                             "2022,704,643,010121,12.5,0.75\n"
                             "2022,4,8,9999AA,0.001,NA\n"
                             "2021,842,156,010121,7,\n");
  const char *ev[] = {"value", "exporter"};
  ts_baci_opts o = {.threads = 2, .columns = ev, .ncolumns = 2};
  ts_bulk *b = import_with(path, &o);
  /* stored in file order whatever the order asked */
  assert_string_equal(column_names(b), "exporter,value");
  assert_int_equal(ts_bulk_find(b, "year"), -1);
  assert_int_equal(ts_bulk_find(b, "product"), -1);
  assert_int_equal(ts_bulk_row_bytes(b), 2 + 8);
  assert_int_equal(b->rows, 3);
  assert_int_equal(i16(b, 0, 0), 704);
  assert_int_equal(i16(b, 0, 2), 842);
  assert_true(f64(b, 1, 1) == 0.001);
  assert_int_equal(b->measure, 1);
  assert_int_equal(b->cols[0].lo, 4);
  assert_int_equal(b->cols[0].hi, 842);
  assert_int_equal(ts_dict_count(b->dict), 0); /* no product column, no codes kept */
  ts_bulk_free(b);

  const char *pq[] = {"quantity", "product"};
  ts_baci_opts o2 = {.threads = 1, .columns = pq, .ncolumns = 2};
  b = import_with(path, &o2);
  assert_string_equal(column_names(b), "product,quantity");
  assert_int_equal(b->measure, 1); /* no value: the quantity */
  assert_string_equal(ts_dict_str(b->dict, ((int32_t *)b->cols[0].data)[2], NULL), "010121");
  assert_int_equal(ts_dict_count(b->dict), 2);
  assert_true(f64(b, 1, 0) == 0.75);
  assert_true(isnan(f64(b, 1, 2)));
  ts_bulk_free(b);
}

/* Rows generated here; the rows a where keeps are counted by a plain loop
** over what was written, and compared row by row (file order). */
enum { WN = 30000 };
static struct {
  int16_t t, i, j;
  char k[16];
  double v;
} wrow[WN];

static const char *where_fixture(void) {
  size_t cap = WN * 60 + 32, used = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
  uint64_t s = 7;
  for (int r = 0; r < WN; r++) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    wrow[r].t = (int16_t)(2020 + (s >> 60) % 3);
    wrow[r].i = (int16_t)((s >> 33) % 40);
    wrow[r].j = (int16_t)((s >> 20) % 40);
    int code = (int)((s >> 40) % 900);
    if (code % 97 == 0) snprintf(wrow[r].k, sizeof wrow[r].k, "03%04dLONGCODE", code);
    else snprintf(wrow[r].k, sizeof wrow[r].k, "%02d%04d", code % 12, code);
    wrow[r].v = (double)((s >> 8) % 100000) / 100.0;
    /* leading zeros lost in some rows, as older BACI files wrote k */
    const char *k = wrow[r].k[0] == '0' && r % 5 == 0 && strlen(wrow[r].k) == 6 ? wrow[r].k + 1
                                                                               : wrow[r].k;
    used += (size_t)snprintf(text + used, cap - used, "%d,%d,%d,%s,%.2f,%s\n", wrow[r].t,
                             wrow[r].i, wrow[r].j, k, wrow[r].v, r % 9 ? "1.5" : "NA");
    if (r % 11 == 0) used += (size_t)snprintf(text + used, cap - used, "\n");
  }
  const char *path = fixture("where.csv", text);
  free(text);
  return path;
}

static bool in_ints(int v, const int32_t *set, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (set[i] == v) return true;
  return false;
}

static void where_keeps_the_matching_rows_in_file_order(void **state) {
  (void)state;
  const char *path = where_fixture();
  const int32_t years[] = {2021, 2022}, exporters[] = {3, 17, 29}, importers[] = {5, 6, 7, 8, 9};
  const char *chapters[] = {"03", "07"};
  const char *cols[] = {"exporter", "importer", "product", "value"};
  ts_baci_opts o = {.columns = cols, .ncolumns = 4,
                    .where = {.years = years, .nyears = 2, .exporters = exporters,
                              .nexporters = 3, .importers = importers, .nimporters = 5,
                              .chapters = chapters, .nchapters = 2}};
  size_t want = 0, codes = 0;
  static int kept[WN];
  for (int r = 0; r < WN; r++)
    if (in_ints(wrow[r].t, years, 2) && in_ints(wrow[r].i, exporters, 3) &&
        in_ints(wrow[r].j, importers, 5) &&
        (strncmp(wrow[r].k, "03", 2) == 0 || strncmp(wrow[r].k, "07", 2) == 0)) {
      bool seen = false;
      for (size_t q = 0; q < want && !seen; q++) seen = strcmp(wrow[kept[q]].k, wrow[r].k) == 0;
      codes += !seen;
      kept[want++] = r;
    }
  assert_true(want > 20 && want < WN / 50); /* the fixture exercises the where */
  for (int threads = 1; threads <= 2; threads++) {
    o.threads = threads;
    ts_bulk *b = import_with(path, &o);
    assert_string_equal(column_names(b), "exporter,importer,product,value");
    assert_int_equal(b->rows, want);
    for (size_t q = 0; q < want; q++) {
      int r = kept[q];
      const char *k = ts_dict_str(b->dict, ((int32_t *)b->cols[2].data)[q], NULL);
      if (i16(b, 0, q) != wrow[r].i || i16(b, 1, q) != wrow[r].j || strcmp(k, wrow[r].k) != 0 ||
          f64(b, 3, q) != wrow[r].v)
        fail_msg("threads %d: kept row %zu (file row %d) differs", threads, q, r);
    }
    /* only the codes of kept rows are in the dictionary */
    assert_int_equal(ts_dict_count(b->dict), codes);
    ts_bulk_free(b);
  }
}

static void where_products_headings_and_lost_zeros(void **state) {
  (void)state;
  const char *path = where_fixture();
  /* "10013" is how a numeric k column writes 010013: it matches it */
  const char *products[] = {"10013", "030485LONGCODE", "110011"};
  const char *headings[] = {"0100", "0304", "1100"};
  const char *cols[] = {"product"};
  ts_baci_opts o = {.columns = cols, .ncolumns = 1,
                    .where = {.products = products, .nproducts = 3, .headings = headings,
                              .nheadings = 3}};
  const char *stored[] = {"010013", "030485LONGCODE", "110011"};
  size_t want = 0;
  for (int p = 0; p < 3; p++) {
    size_t n = 0;
    for (int r = 0; r < WN; r++) n += strcmp(wrow[r].k, stored[p]) == 0;
    assert_true(n > 0); /* each code is in the fixture */
    want += n;
  }
  for (int threads = 1; threads <= 2; threads++) {
    o.threads = threads;
    ts_bulk *b = import_with(path, &o);
    assert_int_equal(b->rows, want);
    ts_bulk_free(b);
  }
  /* a heading none of the products has keeps nothing, and the columns are still there */
  const char *none[] = {"0101"};
  o.where.headings = none;
  o.where.nheadings = 1;
  ts_bulk *b = import_with(path, &o);
  assert_int_equal(b->rows, 0);
  assert_string_equal(column_names(b), "product");
  ts_bulk_free(b);
}

/* Every field is checked whatever is kept: the same message for a bad
** field in a column not kept and in a row the where drops, in either half. */
static void skipped_columns_and_dropped_rows_are_still_checked(void **state) {
  (void)state;
  char text[16384] = "t,i,j,k,v,q\n";
  for (int r = 0; r < 300; r++) strcat(text, "2022,4,8,010121,1,1\n");
  char late[17000], early[17000], dropped[17000];
  snprintf(late, sizeof late, "%s2022,4,8,010121,1,x1\n", text);     /* q, line 302 */
  snprintf(early, sizeof early, "t,i,j,k,v,q\n2022,4,8,01.121,1,1\n%s", text + 12); /* k, line 2 */
  snprintf(dropped, sizeof dropped, "%s2022,5,8,010121,1e,1\n", text); /* exporter 5: dropped */
  const char *ev[] = {"exporter", "value"};
  const int32_t four[] = {4};
  const char *p03[] = {"03"};
  for (int threads = 1; threads <= 2; threads++) {
    ts_baci_opts o = {.threads = threads, .columns = ev, .ncolumns = 2};
    ts_baci_opts w = {.threads = threads, .columns = ev, .ncolumns = 2,
                      .where = {.exporters = four, .nexporters = 1, .chapters = p03,
                                .nchapters = 1}};
    struct {
      const char *text;
      const ts_baci_opts *o;
      const char *msg;
    } cases[] = {
      {late, &o, "F:302:19: column 'q': 'x1' is not a quantity (a number 0 or more, empty or NA)"},
      {early, &o, "F:2:10: column 'k': '01.121' is not a product code (1 to 15 letters or digits)"},
      {dropped, &w, "F:302:17: column 'v': '1e' is not a value (a number, 0 or more)"},
      {late, &w, "F:302:19: column 'q': 'x1' is not a quantity (a number 0 or more, empty or NA)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      const char *fpath = fixture("bad.csv", cases[i].text);
      ts_err err = {{0}};
      ts_bulk *b = ts_baci_import(fpath, cases[i].o, &err);
      if (b != NULL) fail_msg("case %zu (threads %d): imported", i, threads);
      size_t plen = strlen(fpath);
      if (strncmp(err.msg, fpath, plen) != 0 || strcmp(err.msg + plen, cases[i].msg + 1) != 0)
        fail_msg("case %zu (threads %d):\n  got  %s\n  want %s", i, threads, err.msg,
                 cases[i].msg);
    }
  }
}

static void bad_options_are_refused_before_reading(void **state) {
  (void)state;
  const char *dup[] = {"value", "exporter", "value"}, *unknown[] = {"exporter", "partner"};
  const int32_t year99[] = {2022, 99}, big[] = {40000}, neg[] = {-1};
  const char *bad_code[] = {"01-21"}, *long_code[] = {"1234567890123456"}, *ch3[] = {"3"},
             *head5[] = {"03011"};
  struct {
    ts_baci_opts o;
    const char *msg;
  } cases[] = {
    {{.columns = unknown, .ncolumns = 2},
     "columns: no column 'partner' (year, exporter, importer, product, value, quantity)"},
    {{.columns = dup, .ncolumns = 3}, "columns: 'value' is named twice"},
    {{.where = {.years = year99, .nyears = 2}}, "where year: 99 is not a year (1000..9999)"},
    {{.where = {.exporters = big, .nexporters = 1}},
     "where exporter: 40000 is not a country code (an integer 0..32767)"},
    {{.where = {.importers = neg, .nimporters = 1}},
     "where importer: -1 is not a country code (an integer 0..32767)"},
    {{.where = {.products = bad_code, .nproducts = 1}},
     "where product: '01-21' is not a product code (1 to 15 letters or digits)"},
    {{.where = {.products = long_code, .nproducts = 1}},
     "where product: '1234567890123456' is not a product code (1 to 15 letters or digits)"},
    {{.where = {.chapters = ch3, .nchapters = 1}},
     "where chapter: '3' is not a chapter (2 letters or digits)"},
    {{.where = {.headings = head5, .nheadings = 1}},
     "where heading: '03011' is not a heading (4 letters or digits)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ts_err err = {{0}};
    assert_int_equal(ts_baci_check_opts(&cases[i].o, &err), -1);
    assert_string_equal(err.msg, cases[i].msg);
    /* the import gives the same message, before it looks for the file */
    assert_null(ts_baci_import("/nonexistent/baci.csv", &cases[i].o, &err));
    assert_string_equal(err.msg, cases[i].msg);
    assert_null(ts_baci_parse("buf.csv", "t,i,j,k,v,q\n", 12, &cases[i].o, &err));
    assert_string_equal(err.msg, cases[i].msg);
  }
  ts_err err;
  assert_int_equal(ts_baci_check_opts(NULL, &err), 0);
}

static void allocation_failure_with_options_leaks_nothing(void **state) {
  (void)state;
  const char *path = fixture("alloc2.csv",
                             "t,i,j,k,v,q\n2022,4,8,010121,1,1\n2022,5,8,9999AA,1,1\n"
                             "2022,4,8,123456789012,1,1\n2022,4,9,030111,1,1\n");
  const char *cols[] = {"product", "value"};
  const int32_t four[] = {4};
  for (int threads = 1; threads <= 2; threads++) {
    counting probe = {0, 0, 0};
    ts_alloc a = {c_malloc, c_realloc, c_free, &probe};
    ts_baci_opts o = {.threads = threads, .alloc = &a, .columns = cols, .ncolumns = 2,
                      .where = {.exporters = four, .nexporters = 1}};
    ts_err err;
    ts_bulk *b = ts_baci_import(path, &o, &err);
    assert_non_null(b);
    assert_int_equal(b->rows, 3);
    assert_int_equal(ts_dict_count(b->dict), 3);
    ts_bulk_free(b);
    assert_int_equal(probe.live, 0);
    for (long k = 1; k <= probe.calls; k++) {
      counting c = {0, k, 0};
      ts_alloc fa = {c_malloc, c_realloc, c_free, &c};
      o.alloc = &fa;
      err.msg[0] = '\0';
      b = ts_baci_import(path, &o, &err);
      if (b != NULL) { /* a failed call the import did not need (the second thread's table) */
        ts_bulk_free(b);
      } else {
        assert_true(strlen(err.msg) > 0);
      }
      assert_int_equal(c.live, 0);
    }
  }
}

/* ---- every way of writing a field ---------------------------------------------------- */

/* Rows written in all the forms the format allows (plain ones, which the
** whole-row path reads, and spaces, quotes, exponents, long numbers and
** codes, CRLF, which go field by field), mixed at random: each value as
** strtod/strtol and the code rules give it from the text written here. */
enum { FORMS = 24000 };

static const char *pick(const char *const *forms, size_t n, uint64_t *s) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return forms[(*s >> 33) % n];
}

static void every_form_of_a_field_reads_alike(void **state) {
  (void)state;
  static const char *const T[] = {"2022", "1995", "02022", "9999", "1000"};
  static const char *const IJ[] = {"4", "704", "0704", "32767", "00000004", "000000012", "0"};
  static const char *const K[] = {"010121", "10121", "\"030111\"", "9999AA", "ABCDEFGHIJKLMNO",
                                  "1234", "x1", "847130", "12345678", "123456789"};
  static const char *const V[] = {"12.5", " 12.5 ", "1e3", "0.000001", "12345678.5", "17.",
                                  "1.12345678", "0", "4351.125", "9999999.9999999", "007.50"};
  static const char *const Q[] = {"", "NA", " NA ", "1.5", "2.5e-1", "  3", "0.1", "12.25"};
  static char text[FORMS * 96];
  static struct {
    int t, i, j;
    char k[16];
    double v, q;
  } want[FORMS];
  size_t len = (size_t)snprintf(text, sizeof text, "t,i,j,k,v,q\n");
  uint64_t s = 5;
  for (int r = 0; r < FORMS; r++) {
    const char *t = pick(T, 5, &s), *i = pick(IJ, 7, &s), *j = pick(IJ, 7, &s),
               *k = pick(K, 10, &s), *v = pick(V, 11, &s), *q = pick(Q, 8, &s);
    len += (size_t)snprintf(text + len, sizeof text - len, "%s,%s,%s,%s,%s,%s%s", t, i, j, k, v,
                            q, r % 4 == 0 ? "\r\n" : "\n");
    want[r].t = (int)strtol(t, NULL, 10);
    want[r].i = (int)strtol(i, NULL, 10);
    want[r].j = (int)strtol(j, NULL, 10);
    size_t kl = strlen(k);
    if (k[0] == '"') snprintf(want[r].k, sizeof want[r].k, "%.*s", (int)kl - 2, k + 1);
    else if (kl == 5 && strspn(k, "0123456789") == 5)
      snprintf(want[r].k, sizeof want[r].k, "0%s", k);
    else snprintf(want[r].k, sizeof want[r].k, "%s", k);
    want[r].v = strtod(v, NULL);
    want[r].q = strspn(q, " ") == strlen(q) || strstr(q, "NA") ? NAN : strtod(q, NULL);
  }
  const char *path = fixture("forms.csv", text);
  for (int threads = 1; threads <= 2; threads++) {
    ts_bulk *b = import_ok(path, threads);
    assert_int_equal(b->rows, FORMS);
    for (size_t r = 0; r < FORMS; r++) {
      bool q_ok = isnan(want[r].q) ? isnan(f64(b, 5, r)) : f64(b, 5, r) == want[r].q;
      if (i16(b, 0, r) != want[r].t || i16(b, 1, r) != want[r].i || i16(b, 2, r) != want[r].j ||
          strcmp(product(b, r), want[r].k) != 0 || f64(b, 4, r) != want[r].v || !q_ok)
        fail_msg("threads %d: row %zu (line %zu) differs", threads, r, r + 2);
    }
    ts_bulk_free(b);
    /* the same rows from memory (ts_baci_parse reads the buffer in place) */
    ts_err err;
    ts_baci_opts o = {.threads = threads};
    b = ts_baci_parse("forms.csv", text, len, &o, &err);
    assert_non_null(b);
    assert_int_equal(b->rows, FORMS);
    for (size_t r = 0; r < FORMS; r++)
      if (f64(b, 4, r) != want[r].v || strcmp(product(b, r), want[r].k) != 0)
        fail_msg("buffer, threads %d: row %zu differs", threads, r);
    ts_bulk_free(b);
  }
}

/* ---- files larger than the read window -------------------------------------------- */

/* A file is read a window (256 KB) at a time: rows that straddle windows,
** CRLF and blank lines at any place, and a line longer than a window
** (valid: spaces around a number) come out as written, on one thread and
** two; an error after many windows names its line, counted here. */
enum { BIG = 140000, LONG_ROW = 90000, LONG_SPACES = 1500000 };

typedef struct big_file {
  char *text;
  size_t len;
  size_t row_at[BIG]; /* byte offset of each row */
  int16_t ex[BIG];
  int32_t code[BIG];
  double v[BIG];
} big_file;

static big_file *big_fixture(void) {
  big_file *f = calloc(1, sizeof *f);
  assert_non_null(f);
  size_t cap = (size_t)BIG * 48 + LONG_SPACES + 64;
  f->text = malloc(cap);
  assert_non_null(f->text);
  f->len = (size_t)snprintf(f->text, cap, "t,i,j,k,v,q\n");
  uint64_t s = 99;
  for (int r = 0; r < BIG; r++) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    f->ex[r] = (int16_t)((s >> 33) % 1000);
    f->code[r] = (int32_t)((s >> 40) % 5000);
    f->v[r] = (double)((s >> 8) % 10000000) / 1000.0;
    f->row_at[r] = f->len;
    f->len += (size_t)snprintf(f->text + f->len, cap - f->len, "2022,%d,%d,%06d,%.3f,", f->ex[r],
                               r % 700, f->code[r], f->v[r]);
    if (r == LONG_ROW) { /* spaces before the quantity: a line longer than a window */
      memset(f->text + f->len, ' ', LONG_SPACES);
      f->len += LONG_SPACES;
    }
    f->len += (size_t)snprintf(f->text + f->len, cap - f->len, "%s%s", r % 5 ? "1.25" : "NA",
                               r % 3 ? "\n" : "\r\n");
    if (r % 13 == 0) f->len += (size_t)snprintf(f->text + f->len, cap - f->len, "\n");
  }
  return f;
}

static void big_free(big_file *f) {
  free(f->text);
  free(f);
}

static const char *write_big(const big_file *f) {
  static char path[256];
  snprintf(path, sizeof path, "%s/big.csv", dir);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(f->text, 1, f->len, out), f->len);
  assert_int_equal(fclose(out), 0);
  return path;
}

static void files_larger_than_the_window(void **state) {
  (void)state;
  big_file *f = big_fixture();
  const char *path = write_big(f);
  for (int threads = 1; threads <= 2; threads++) {
    ts_bulk *b = import_ok(path, threads);
    assert_int_equal(b->rows, BIG);
    for (size_t r = 0; r < BIG; r++) {
      char code[8];
      snprintf(code, sizeof code, "%06d", f->code[r]);
      if (i16(b, 1, r) != f->ex[r] || i16(b, 2, r) != (int16_t)(r % 700) ||
          strcmp(product(b, r), code) != 0 || f64(b, 4, r) != f->v[r] ||
          isnan(f64(b, 5, r)) != (r % 5 == 0) || (r % 5 != 0 && f64(b, 5, r) != 1.25))
        fail_msg("threads %d: row %zu differs", threads, r);
    }
    ts_bulk_free(b);
  }
  /* bad values far into each half: the line is the count of line ends before the row */
  const size_t bad_rows[] = {30001, 120001};
  for (size_t e = 0; e < 2; e++) {
    size_t at = f->row_at[bad_rows[e]], line = 1;
    for (size_t i = 0; i < at; i++) line += f->text[i] == '\n';
    char *comma = f->text + at;
    for (int n = 0; n < 4; n++) comma = strchr(comma, ',') + 1; /* the value: v */
    char saved = *comma;
    *comma = 'x';
    path = write_big(f);
    char want[512], field[32];
    snprintf(field, sizeof field, "%.*s", (int)strcspn(comma, ","), comma);
    snprintf(want, sizeof want, "%s:%zu:%zu: column 'v': '%s' is not a value (a number, 0 or more)", path,
             line, (size_t)(comma - (f->text + at)) + 1, field);
    for (int threads = 1; threads <= 2; threads++) {
      ts_err err = {{0}};
      ts_baci_opts o = {.threads = threads};
      ts_bulk *b = ts_baci_import(path, &o, &err);
      if (b != NULL) fail_msg("row %zu: imported", bad_rows[e]);
      if (strcmp(err.msg, want) != 0)
        fail_msg("threads %d:\n  got  %s\n  want %s", threads, err.msg, want);
    }
    *comma = saved;
  }
  big_free(f);
}

/* ---- a block at a time ------------------------------------------------------------ */

typedef struct taken {
  const big_file *f;
  size_t rows, blocks;
  bool differs;
} taken;

static int take(void *ud, ts_bulk *b, ts_err *err) {
  (void)err;
  taken *t = ud;
  for (size_t r = 0; r < b->rows; r++) {
    size_t at = t->rows + r;
    char code[8];
    snprintf(code, sizeof code, "%06d", t->f->code[at]);
    t->differs |= at >= BIG || i16(b, 1, r) != t->f->ex[at] || f64(b, 4, r) != t->f->v[at] ||
                  strcmp(product(b, r), code) != 0;
  }
  t->rows += b->rows;
  t->blocks++;
  ts_bulk_free(b);
  return 0;
}

/* Blocks that end anywhere (in blank lines, CRLF, the line longer than a
** read window) hand over every row once, in file order; an error in a later
** block names its line in the whole file, after the blocks before it. */
static void blocks_hand_over_the_rows_in_file_order(void **state) {
  (void)state;
  big_file *f = big_fixture();
  const char *path = write_big(f);
  const size_t blocks[] = {4093, 65536, (size_t)1 << 30};
  for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
    for (int threads = 1; threads <= 2; threads++) {
      taken t = {f, 0, 0, false};
      progress p = {0, 0, 0, true};
      ts_baci_opts o = {.threads = threads, .progress = on_progress, .progress_ud = &p};
      ts_err err;
      if (ts_baci_import_blocks(path, &o, blocks[i], take, &t, &err) != 0)
        fail_msg("block %zu: %s", blocks[i], err.msg);
      assert_int_equal(t.rows, BIG);
      assert_false(t.differs);
      assert_true(blocks[i] < 100000 ? t.blocks > 10 : t.blocks == 1);
      assert_true(p.monotonic);
      assert_int_equal(p.last, f->len - strlen("t,i,j,k,v,q\n")); /* as an import counts */
      assert_int_equal(p.total, p.last);
    }
  }
  size_t bad = 120001, at = f->row_at[bad], line = 1;
  for (size_t i = 0; i < at; i++) line += f->text[i] == '\n';
  memcpy(f->text + at, "20x2", 4);
  path = write_big(f);
  char want[512];
  snprintf(want, sizeof want, "%s:%zu:1: column 't': '20x2' is not a year (1000..9999)", path, line);
  taken t = {f, 0, 0, false};
  ts_err err;
  assert_int_equal(ts_baci_import_blocks(path, NULL, 65536, take, &t, &err), -1);
  assert_string_equal(err.msg, want);
  assert_true(t.rows > 0 && t.rows <= bad);
  assert_false(t.differs);
  big_free(f);
}

static int count_rows(void *ud, ts_bulk *b, ts_err *err) {
  (void)err;
  ((taken *)ud)->rows += b->rows;
  ((taken *)ud)->blocks++;
  ts_bulk_free(b);
  return 0;
}

/* Blocks of one byte are a line each; a file of only the header is one
** empty block, and an empty file an error. */
static void the_smallest_blocks_and_files(void **state) {
  (void)state;
  const char *path = fixture("3.csv", "t,i,j,k,v,q\n2022,4,8,01,1,1\n\n2022,4,8,02,1,1\r\n2022,4,8,03,1,1");
  taken t = {NULL, 0, 0, false};
  ts_err err;
  assert_int_equal(ts_baci_import_blocks(path, NULL, 1, count_rows, &t, &err), 0);
  assert_int_equal(t.rows, 3);
  assert_int_equal(t.blocks, 4); /* the header's line, then a row each (one after the blank line) */
  path = fixture("h.csv", "t,i,j,k,v,q\n");
  t = (taken){NULL, 0, 0, false};
  assert_int_equal(ts_baci_import_blocks(path, NULL, 1, count_rows, &t, &err), 0);
  assert_int_equal(t.blocks, 1);
  assert_int_equal(t.rows, 0);
  path = fixture("e.csv", "");
  assert_int_equal(ts_baci_import_blocks(path, NULL, 1, count_rows, &t, &err), -1);
  assert_string_equal(strstr(err.msg, ": "), ": the file is empty (expected the BACI header t,i,j,k,v,q)");
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
    cmocka_unit_test(columns_keep_only_those_named),
    cmocka_unit_test(where_keeps_the_matching_rows_in_file_order),
    cmocka_unit_test(where_products_headings_and_lost_zeros),
    cmocka_unit_test(skipped_columns_and_dropped_rows_are_still_checked),
    cmocka_unit_test(bad_options_are_refused_before_reading),
    cmocka_unit_test(allocation_failure_with_options_leaks_nothing),
    cmocka_unit_test(every_form_of_a_field_reads_alike),
    cmocka_unit_test(files_larger_than_the_window),
    cmocka_unit_test(blocks_hand_over_the_rows_in_file_order),
    cmocka_unit_test(the_smallest_blocks_and_files),
  };
  return cmocka_run_group_tests_name("baci", tests, make_dir, remove_dir);
}
