#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "csv.h"
#include "store.h"

/* ---- helpers ------------------------------------------------------------------ */

#define LIT(s) s, sizeof(s) - 1

/* Reads every record; returns the last ts_csv_next result (0 or -1) and the
** record count in *records. */
static int read_all(const char *in, size_t len, size_t *records, ts_err *err) {
  ts_csv r;
  int rc;
  size_t n = 0;
  ts_csv_init(&r, "t.csv", in, len, NULL);
  while ((rc = ts_csv_next(&r, err)) == 1) n++;
  ts_csv_free(&r);
  if (records != NULL) *records = n;
  return rc;
}

static void expect_error(const char *in, size_t len, const char *msg) {
  ts_err err = {""};
  assert_int_equal(read_all(in, len, NULL, &err), -1);
  assert_string_equal(err.msg, msg);
}

static size_t count_records(const char *in, size_t len) {
  ts_err err = {""};
  size_t n;
  int rc = read_all(in, len, &n, &err);
  if (rc != 0) fail_msg("unexpected error: %s", err.msg);
  return n;
}

static void next_ok(ts_csv *r) {
  ts_err err = {""};
  int rc = ts_csv_next(r, &err);
  if (rc != 1) fail_msg("expected a record, got %d: %s", rc, err.msg);
}

static void next_end(ts_csv *r) {
  ts_err err;
  assert_int_equal(ts_csv_next(r, &err), 0);
}

static void assert_field(const ts_csv *r, size_t i, const char *text, size_t line, size_t col) {
  assert_true(i < r->nfields);
  const ts_csv_field *f = &r->fields[i];
  if (f->len != strlen(text) || memcmp(f->s, text, f->len) != 0)
    fail_msg("field %zu is '%.*s', expected '%s'", i, (int)f->len, f->s, text);
  assert_int_equal(f->line, line);
  assert_int_equal(f->col, col);
}

static bool points_into(const char *p, const char *buf, size_t len) {
  return p >= buf && p <= buf + len;
}

/* An allocator failing its fail_at-th call; counts live blocks for leaks. */
typedef struct counting {
  long calls, fail_at, live;
} counting;

static void *counting_malloc(void *ud, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  c->live++;
  return malloc(size);
}

static void *counting_realloc(void *ud, void *ptr, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  return realloc(ptr, size);
}

static void counting_free(void *ud, void *ptr) {
  counting *c = ud;
  if (ptr != NULL) c->live--;
  free(ptr);
}

/* ---- records ------------------------------------------------------------------ */

static void simple_records_point_into_the_buffer(void **state) {
  (void)state;
  static const char in[] = "reporter,partner,value\nVNM,RUS,1.9e9\n";
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT(in), NULL);
  next_ok(&r);
  assert_int_equal(r.line, 1);
  assert_int_equal(r.nfields, 3);
  assert_field(&r, 0, "reporter", 1, 1);
  assert_field(&r, 1, "partner", 1, 10);
  assert_field(&r, 2, "value", 1, 18);
  next_ok(&r);
  assert_int_equal(r.line, 2);
  assert_field(&r, 0, "VNM", 2, 1);
  assert_field(&r, 1, "RUS", 2, 5);
  assert_field(&r, 2, "1.9e9", 2, 9);
  for (size_t i = 0; i < 3; i++) {
    assert_ptr_equal(r.fields[i].s, in + 23 + 4 * i);
    assert_false(r.fields[i].quoted);
  }
  next_end(&r);
  next_end(&r);
  ts_csv_free(&r);
}

static void last_line_with_or_without_newline(void **state) {
  (void)state;
  assert_int_equal(count_records(LIT("a,b\n1,2")), 2);
  assert_int_equal(count_records(LIT("a,b\n1,2\n")), 2);
  assert_int_equal(count_records(LIT("a,b\r\n1,2\r\n")), 2);
  assert_int_equal(count_records(LIT("a,b\r\n1,2")), 2);
  assert_int_equal(count_records(LIT("a")), 1);
  assert_int_equal(count_records(LIT("\n")), 1);
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT("a,b\n1,"), NULL);
  next_ok(&r);
  next_ok(&r);
  assert_field(&r, 1, "", 2, 3);
  next_end(&r);
  ts_csv_free(&r);
}

static void empty_input_has_no_records(void **state) {
  (void)state;
  assert_int_equal(count_records(LIT("")), 0);
  assert_int_equal(count_records(NULL, 0), 0);
  assert_int_equal(count_records(LIT("\xef\xbb\xbf")), 0);
}

static void crlf_line_ends(void **state) {
  (void)state;
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT("a,b\r\n1,\"x\"\r\n3,4"), NULL);
  next_ok(&r);
  assert_field(&r, 1, "b", 1, 3);
  next_ok(&r);
  assert_int_equal(r.line, 2);
  assert_field(&r, 0, "1", 2, 1);
  assert_field(&r, 1, "x", 2, 3);
  next_ok(&r);
  assert_int_equal(r.line, 3);
  assert_field(&r, 1, "4", 3, 3);
  next_end(&r);
  ts_csv_free(&r);
}

static void bom_is_skipped_and_not_counted(void **state) {
  (void)state;
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT("\xef\xbb\xbfid,name\n1,x\n"), NULL);
  next_ok(&r);
  assert_field(&r, 0, "id", 1, 1);
  assert_field(&r, 1, "name", 1, 4);
  next_ok(&r);
  ts_csv_free(&r);
  expect_error(LIT("\xef\xbb\xbf" "a,b\"c\n"),
               "t.csv:1:4: '\"' inside an unquoted field (quote the field and double the '\"')");
  /* Only at the very start: elsewhere it is text (and valid UTF-8). */
  ts_csv_init(&r, "t.csv", LIT("a,\xef\xbb\xbf" "b\n"), NULL);
  next_ok(&r);
  assert_field(&r, 1, "\xef\xbb\xbf" "b", 1, 3);
  ts_csv_free(&r);
}

static void empty_fields(void **state) {
  (void)state;
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT(",,\n\"\",x,\"\"\n"), NULL);
  next_ok(&r);
  assert_int_equal(r.nfields, 3);
  assert_field(&r, 0, "", 1, 1);
  assert_field(&r, 1, "", 1, 2);
  assert_field(&r, 2, "", 1, 3);
  assert_false(r.fields[0].quoted);
  next_ok(&r);
  assert_field(&r, 0, "", 2, 1);
  assert_true(r.fields[0].quoted);
  assert_field(&r, 1, "x", 2, 4);
  assert_field(&r, 2, "", 2, 6);
  assert_true(r.fields[2].quoted);
  next_end(&r);
  ts_csv_free(&r);
}

static void quoted_fields_hold_commas_and_doubled_quotes(void **state) {
  (void)state;
  static const char in[] = "\"a,b\",\"say \"\"hi\"\"\",plain,\"\"\"\"\n";
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT(in), NULL);
  next_ok(&r);
  assert_int_equal(r.nfields, 4);
  assert_field(&r, 0, "a,b", 1, 1);
  assert_field(&r, 1, "say \"hi\"", 1, 7);
  assert_field(&r, 2, "plain", 1, 20);
  assert_field(&r, 3, "\"", 1, 26);
  assert_true(r.fields[0].quoted && r.fields[1].quoted && !r.fields[2].quoted);
  /* Without "" a quoted field is a slice of the buffer; with it, a copy. */
  assert_ptr_equal(r.fields[0].s, in + 1);
  assert_false(points_into(r.fields[1].s, in, sizeof in));
  assert_false(points_into(r.fields[3].s, in, sizeof in));
  next_end(&r);
  ts_csv_free(&r);
}

static void embedded_newlines_keep_later_line_numbers(void **state) {
  (void)state;
  static const char in[] = "id,note,v\n"                  /* line 1 */
                           "1,\"two\nlines\",3\n"         /* lines 2-3 */
                           "2,\"three\r\nline\nfield\",4\n" /* lines 4-6 */
                           "3,x,\"y\"\n";                 /* line 7 */
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT(in), NULL);
  next_ok(&r);
  next_ok(&r);
  assert_int_equal(r.line, 2);
  assert_field(&r, 1, "two\nlines", 2, 3);
  assert_field(&r, 2, "3", 3, 8);
  next_ok(&r);
  assert_int_equal(r.line, 4);
  assert_field(&r, 1, "three\r\nline\nfield", 4, 3);
  assert_field(&r, 2, "4", 6, 8);
  next_ok(&r);
  assert_int_equal(r.line, 7);
  assert_field(&r, 0, "3", 7, 1);
  assert_field(&r, 2, "y", 7, 5);
  next_end(&r);
  ts_csv_free(&r);

  expect_error(LIT("id,note,v\n1,\"two\nlines\",3\n4,\"bad\n"), "t.csv:4:3: unterminated quoted field");
  expect_error(LIT("a,b\n\"x\ny\"\n"), "t.csv:3:3: expected 2 fields, found 1");
  expect_error(LIT("a\n\"ok\n\xfe\"\n"), "t.csv:3:1: invalid UTF-8 byte 0xfe");
}

static void line_numbers_stay_right_over_many_records(void **state) {
  (void)state;
  enum { N = 5000 };
  size_t cap = (size_t)N * 32, len = 0;
  char *in = malloc(cap);
  for (int i = 0; i < N; i++)
    len += (size_t)snprintf(in + len, cap - len, "%d,\"q\nq\",z%d\r\n", i, i);
  ts_csv r;
  ts_csv_init(&r, "t.csv", in, len, NULL);
  char want[32];
  for (int i = 0; i < N; i++) {
    next_ok(&r);
    assert_int_equal(r.line, 1 + 2 * (size_t)i);
    snprintf(want, sizeof want, "z%d", i);
    assert_field(&r, 2, want, 2 + 2 * (size_t)i, 4);
  }
  next_end(&r);
  ts_csv_free(&r);
  free(in);
}

/* Many unescaped fields in one record move the scratch buffer as it grows;
** every field must still point at its own text. */
static void many_escaped_fields_in_one_record(void **state) {
  (void)state;
  enum { N = 300 };
  size_t cap = (size_t)N * 40, len = 0;
  char *in = malloc(cap);
  for (int i = 0; i < N; i++)
    len += (size_t)snprintf(in + len, cap - len, "%s\"x\"\"%d\"\"y\"", i ? "," : "", i);
  ts_csv r;
  ts_csv_init(&r, "t.csv", in, len, NULL);
  next_ok(&r);
  assert_int_equal(r.nfields, N);
  char want[32];
  for (int i = 0; i < N; i++) {
    snprintf(want, sizeof want, "x\"%d\"y", i);
    assert_int_equal(r.fields[i].len, strlen(want));
    assert_memory_equal(r.fields[i].s, want, strlen(want));
  }
  next_end(&r);
  ts_csv_free(&r);
  free(in);
}

static void valid_utf8_is_accepted(void **state) {
  (void)state;
  ts_csv r;
  ts_csv_init(&r, "t.csv",
              LIT("Vi\xe1\xbb\x87t Nam,\xe4\xb8\xad,\"\xf0\x9f\x98\x80\",\xf4\x8f\xbf\xbf,"
                  "\xef\xbf\xbf,\xc2\x80,\xed\x9f\xbf\n"),
              NULL);
  next_ok(&r);
  assert_int_equal(r.nfields, 7);
  assert_field(&r, 0, "Vi\xe1\xbb\x87t Nam", 1, 1);
  assert_field(&r, 1, "\xe4\xb8\xad", 1, 12);
  assert_field(&r, 2, "\xf0\x9f\x98\x80", 1, 16);
  next_end(&r);
  ts_csv_free(&r);
}

static void expect_fields_setting(void **state) {
  (void)state;
  ts_csv r;
  ts_err err;
  ts_csv_init(&r, "t.csv", LIT("a,b\n1\n1,2,3\n"), NULL);
  ts_csv_expect(&r, -1);
  next_ok(&r);
  next_ok(&r);
  assert_int_equal(r.nfields, 1);
  next_ok(&r);
  assert_int_equal(r.nfields, 3);
  next_end(&r);
  ts_csv_free(&r);

  ts_csv_init(&r, "t.csv", LIT("a,b\n"), NULL);
  ts_csv_expect(&r, 3);
  assert_int_equal(ts_csv_next(&r, &err), -1);
  assert_string_equal(err.msg, "t.csv:1:4: expected 3 fields, found 2");
  ts_csv_free(&r);

  ts_csv_init(&r, "t.csv", LIT("a\nb,c\n"), NULL);
  next_ok(&r);
  assert_int_equal(ts_csv_next(&r, &err), -1);
  assert_string_equal(err.msg, "t.csv:2:3: expected 1 field, found 2");
  ts_csv_free(&r);
}

/* ---- malformed input -------------------------------------------------------------- */

static void unterminated_quote_reports_where_it_opened(void **state) {
  (void)state;
  expect_error(LIT("a,b\n1,\"abc\n\n"), "t.csv:2:3: unterminated quoted field");
  expect_error(LIT("\""), "t.csv:1:1: unterminated quoted field");
  expect_error(LIT("a,b\n1,\"x\"\"\n"), "t.csv:2:3: unterminated quoted field");
  expect_error(LIT("a,\"b\"\""), "t.csv:1:3: unterminated quoted field");
}

static void text_after_a_closing_quote(void **state) {
  (void)state;
  expect_error(LIT("a,b\n\"x\"y,2\n"), "t.csv:2:4: unexpected 'y' after closing quote");
  expect_error(LIT("a,b\n1,\"x\" \n"), "t.csv:2:6: unexpected ' ' after closing quote");
  expect_error(LIT("\"x\"\x01"), "t.csv:1:4: unexpected byte 0x01 after closing quote");
  expect_error(LIT("\"a\nb\"\xc3\xa9"), "t.csv:2:3: unexpected byte 0xc3 after closing quote");
}

static void quote_inside_an_unquoted_field(void **state) {
  (void)state;
  expect_error(LIT("a,b\n1,x\"y\n"),
               "t.csv:2:4: '\"' inside an unquoted field (quote the field and double the '\"')");
  expect_error(LIT("a,b\n1,2\"\n"),
               "t.csv:2:4: '\"' inside an unquoted field (quote the field and double the '\"')");
}

static void wrong_field_counts(void **state) {
  (void)state;
  expect_error(LIT("c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14\n"
                   "1,2,3,4,5,6,7,8,9,10,11,12,13,14\n"
                   "1,2,3,4,5,6,7,8,9,10,11,12,13\n"),
               "t.csv:3:30: expected 14 fields, found 13");
  expect_error(LIT("a,b\n1,2,3\n"), "t.csv:2:5: expected 2 fields, found 3");
  expect_error(LIT("a,b\n1,2\n\n3,4\n"), "t.csv:3:1: expected 2 fields, found 1");
  expect_error(LIT("a,b\n1,2\n3,4\n\n"), "t.csv:4:1: expected 2 fields, found 1");
  expect_error(LIT("a,b\r\n1\r\n"), "t.csv:2:2: expected 2 fields, found 1");
  expect_error(LIT("a,b\n1"), "t.csv:2:2: expected 2 fields, found 1");
  expect_error(LIT("a,b\n1,\"2\n\",3,4\n"), "t.csv:3:3: expected 2 fields, found 4");
}

static void invalid_utf8_names_the_byte(void **state) {
  (void)state;
  expect_error(LIT("a,b\n1,x\xffy\n"), "t.csv:2:4: invalid UTF-8 byte 0xff");
  expect_error(LIT("a,\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0x80");         /* lone continuation */
  expect_error(LIT("a,\xc0\xaf\n"), "t.csv:1:3: invalid UTF-8 byte 0xc0");     /* overlong '/' */
  expect_error(LIT("a,\xc1\xbf\n"), "t.csv:1:3: invalid UTF-8 byte 0xc1");     /* overlong */
  expect_error(LIT("a,\xe0\x80\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0xe0"); /* overlong */
  expect_error(LIT("a,\xf0\x80\x80\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0xf0");
  expect_error(LIT("a,\xed\xa0\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0xed"); /* surrogate */
  expect_error(LIT("a,\xf4\x90\x80\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0xf4"); /* > U+10FFFF */
  expect_error(LIT("a,\xf5\x80\x80\x80\n"), "t.csv:1:3: invalid UTF-8 byte 0xf5");
  expect_error(LIT("a,x\xc3"), "t.csv:1:4: invalid UTF-8 byte 0xc3");          /* cut by the end */
  expect_error(LIT("a,\xe2\x82,b\n"), "t.csv:1:3: invalid UTF-8 byte 0xe2");   /* cut by a comma */
  expect_error(LIT("\"a,\xe2\x82\"\n"), "t.csv:1:4: invalid UTF-8 byte 0xe2"); /* in quotes */
  expect_error(LIT("x\n\"a\n\nb\xa0\"\n"), "t.csv:4:2: invalid UTF-8 byte 0xa0");
}

static void nul_bytes(void **state) {
  (void)state;
  expect_error(LIT("a,b\n1,\0\n"), "t.csv:2:3: NUL byte");
  expect_error(LIT("a,b\n1,\"x\ny\0\"\n"), "t.csv:3:2: NUL byte");
  expect_error(LIT("\0"), "t.csv:1:1: NUL byte");
}

static void bare_carriage_returns(void **state) {
  (void)state;
  expect_error(LIT("a,b\r1,2\n"), "t.csv:1:4: bare carriage return (CR not followed by LF)");
  expect_error(LIT("a\rb,c\n"), "t.csv:1:2: bare carriage return (CR not followed by LF)");
  expect_error(LIT("a,b\n1,2\r"), "t.csv:2:4: bare carriage return (CR not followed by LF)");
  expect_error(LIT("a,b\n\"1\"\r2\n"), "t.csv:2:4: bare carriage return (CR not followed by LF)");
  expect_error(LIT("a,b\n1,2\r\r\n"), "t.csv:2:4: bare carriage return (CR not followed by LF)");
  /* Inside quotes a CR is text (RFC 4180 allows it). */
  ts_csv r;
  ts_csv_init(&r, "t.csv", LIT("\"a\rb\",c\n"), NULL);
  next_ok(&r);
  assert_field(&r, 0, "a\rb", 1, 1);
  ts_csv_free(&r);
}

static void errors_stop_the_reader(void **state) {
  (void)state;
  ts_csv r;
  ts_err err;
  ts_csv_init(&r, "t.csv", LIT("a,b\n1,2,3\n4,5\n"), NULL);
  next_ok(&r);
  assert_int_equal(ts_csv_next(&r, &err), -1);
  assert_string_equal(err.msg, "t.csv:2:5: expected 2 fields, found 3");
  assert_int_equal(ts_csv_next(&r, &err), -1);
  assert_string_equal(err.msg, "t.csv: reading stopped at an earlier error");
  assert_int_equal(ts_csv_next(&r, NULL), -1);
  ts_csv_free(&r);
}

static void validators_report_at_a_field(void **state) {
  (void)state;
  ts_csv r;
  ts_err err;
  ts_csv_init(&r, "data/trade.csv", LIT("reporter,period\nVNM,\"2023-13\"\n"), NULL);
  next_ok(&r);
  next_ok(&r);
  const ts_csv_field *f = &r.fields[1];
  assert_int_equal(ts_csv_errf(&r, f->line, f->col, &err, "column '%s': '%.*s' is not a period",
                               "period", (int)f->len, f->s),
                   -1);
  assert_string_equal(err.msg, "data/trade.csv:2:5: column 'period': '2023-13' is not a period");
  ts_csv_free(&r);
}

static void allocation_failure_is_an_error(void **state) {
  (void)state;
  static const char in[] = "a,b,c,d,e,f,g,h,i,j\n\"x\"\"1\",2,3,4,5,6,7,8,9,10\n";
  long n;
  for (n = 1;; n++) {
    counting c = {.fail_at = n};
    ts_alloc a = {counting_malloc, counting_realloc, counting_free, &c};
    ts_csv r;
    ts_err err = {""};
    int rc;
    ts_csv_init(&r, "t.csv", LIT(in), &a);
    while ((rc = ts_csv_next(&r, &err)) == 1) {}
    ts_csv_free(&r);
    assert_int_equal(c.live, 0);
    if (c.calls < n) {
      assert_int_equal(rc, 0);
      break;
    }
    assert_int_equal(rc, -1);
    /* Where reading stood: the first field, the ninth, the "" field's text. */
    static const char *const where[] = {"", "t.csv:1:1: out of memory", "t.csv:1:17: out of memory",
                                        "t.csv:2:2: out of memory"};
    assert_string_equal(err.msg, where[n]);
  }
  assert_int_equal(n, 4);
}

/* ---- files ------------------------------------------------------------------------ */

static char *temp_file(const char *text, size_t len) {
  char *path = strdup("/tmp/tradescope-csv-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  close(fd);
  return path;
}

static void reads_a_file(void **state) {
  (void)state;
  char *path = temp_file(LIT("a,b\n1,\"x\"\"y\"\n"));
  ts_csv r;
  ts_err err = {""};
  assert_int_equal(ts_csv_init_file(&r, path, NULL, &err), 0);
  assert_string_equal(r.name, path);
  next_ok(&r);
  next_ok(&r);
  assert_field(&r, 1, "x\"y", 2, 3);
  next_end(&r);
  ts_csv_free(&r);

  char *buf;
  size_t len;
  assert_int_equal(ts_csv_read_file(path, NULL, &buf, &len, &err), 0);
  assert_int_equal(len, 13);
  assert_string_equal(buf, "a,b\n1,\"x\"\"y\"\n");
  ts_free(NULL, buf);
  unlink(path);
  free(path);

  path = temp_file("", 0);
  assert_int_equal(ts_csv_read_file(path, NULL, &buf, &len, &err), 0);
  assert_int_equal(len, 0);
  assert_string_equal(buf, "");
  ts_free(NULL, buf);
  unlink(path);
  free(path);
}

static void file_errors_name_the_file(void **state) {
  (void)state;
  ts_csv r;
  ts_err err;
  assert_int_equal(ts_csv_init_file(&r, "/nonexistent/trade.csv", NULL, &err), -1);
  assert_string_equal(err.msg, "/nonexistent/trade.csv: cannot open: No such file or directory");
  assert_int_equal(ts_csv_next(&r, &err), 0);
  ts_csv_free(&r);
  assert_int_equal(ts_csv_init_file(&r, "/tmp", NULL, &err), -1);
  assert_string_equal(err.msg, "/tmp: cannot read: Is a directory");
  ts_csv_free(&r);
}

static void file_allocation_failure(void **state) {
  (void)state;
  char *path = temp_file(LIT("a,b\n1,2\n"));
  counting c = {.fail_at = 1};
  ts_alloc a = {counting_malloc, counting_realloc, counting_free, &c};
  ts_csv r;
  ts_err err;
  char want[256];
  snprintf(want, sizeof want, "%s: out of memory reading 8 bytes", path);
  assert_int_equal(ts_csv_init_file(&r, path, &a, &err), -1);
  assert_string_equal(err.msg, want);
  ts_csv_free(&r);
  assert_int_equal(c.live, 0);
  unlink(path);
  free(path);
}

/* ---- writing ------------------------------------------------------------------------ */

static ts_csv_field fld(const char *s) { return (ts_csv_field){.s = s, .len = strlen(s)}; }

static void which_fields_need_quotes(void **state) {
  (void)state;
  assert_false(ts_csv_needs_quotes(LIT("")));
  assert_false(ts_csv_needs_quotes(NULL, 0));
  assert_false(ts_csv_needs_quotes(LIT("plain text")));
  assert_false(ts_csv_needs_quotes(LIT("Vi\xe1\xbb\x87t")));
  assert_true(ts_csv_needs_quotes(LIT("a,b")));
  assert_true(ts_csv_needs_quotes(LIT("5\" pipe")));
  assert_true(ts_csv_needs_quotes(LIT("a\nb")));
  assert_true(ts_csv_needs_quotes(LIT("a\rb")));
  assert_true(ts_csv_needs_quotes(LIT(" lead")));
  assert_true(ts_csv_needs_quotes(LIT("trail ")));
  assert_true(ts_csv_needs_quotes(LIT("\ttab")));
  assert_true(ts_csv_needs_quotes(LIT(" ")));
}

static void format_quotes_only_when_needed(void **state) {
  (void)state;
  ts_csv_field f[] = {fld("VNM"), fld("a,b"), fld("say \"hi\""), fld(""), fld(" x"),
                      fld("two\nlines"), fld("\"")};
  char buf[128];
  static const char want[] = "VNM,\"a,b\",\"say \"\"hi\"\"\",,\" x\",\"two\nlines\",\"\"\"\"\r\n";
  assert_int_equal(ts_csv_format(buf, sizeof buf, f, 7, "\r\n"), sizeof want - 1);
  assert_string_equal(buf, want);
  /* As snprintf: measure with size 0, truncate with a NUL. */
  assert_int_equal(ts_csv_format(NULL, 0, f, 7, "\r\n"), sizeof want - 1);
  assert_int_equal(ts_csv_format(buf, 8, f, 7, "\r\n"), sizeof want - 1);
  assert_string_equal(buf, "VNM,\"a,");
  assert_int_equal(ts_csv_format(buf, 1, f, 7, "\n"), sizeof want - 2);
  assert_string_equal(buf, "");
  assert_int_equal(ts_csv_format(buf, sizeof buf, f, 0, "\n"), 1);
  assert_string_equal(buf, "\n");
}

/* Reads `in` and writes every record back; the output must be `in` again. */
static void assert_round_trip(const char *in, size_t len, const char *eol) {
  ts_csv r;
  ts_err err = {""};
  int rc;
  char *out = malloc(len + 1);
  size_t n = 0;
  ts_csv_init(&r, "t.csv", in, len, NULL);
  while ((rc = ts_csv_next(&r, &err)) == 1) {
    size_t need = ts_csv_format(NULL, 0, r.fields, r.nfields, eol);
    assert_true(n + need <= len);
    ts_csv_format(out + n, need + 1, r.fields, r.nfields, eol);
    n += need;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(n, len);
  assert_memory_equal(out, in, len);
  ts_csv_free(&r);
  free(out);
}

static void writer_round_trip_is_byte_identical(void **state) {
  (void)state;
  assert_round_trip(LIT("period,reporter,partner,note,value\n"
                        "2023,VNM,RUS,\"turnover, first seven months\",1.9e9\n"
                        "2023-01/2023-07,VNM,RUS,\"the \"\"Far East\"\" route\",\n"
                        ",,,\"two\nlines\",\" padded \"\n"
                        "2024,VNM,RUS,\"cr\rinside\",\"\"\"\"\n"),
                    "\n");
  assert_round_trip(LIT("a,b\r\n\"x\r\ny\",Vi\xe1\xbb\x87t Nam\r\n,\r\n"), "\r\n");
}

static void write_to_a_stream(void **state) {
  (void)state;
  FILE *f = tmpfile();
  ts_err err;
  ts_csv_field rec[] = {fld("a"), fld("b c"), fld("d\"e")};
  assert_int_equal(ts_csv_write(f, "out.csv", rec, 3, "\n", &err), 0);
  assert_int_equal(ts_csv_write(f, "out.csv", rec, 1, "\r\n", &err), 0);
  char buf[64] = {0};
  rewind(f);
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  assert_int_equal(got, 16);
  assert_string_equal(buf, "a,b c,\"d\"\"e\"\na\r\n");

  f = fopen("/dev/full", "w");
  if (f == NULL) skip();
  setvbuf(f, NULL, _IONBF, 0);
  assert_int_equal(ts_csv_write(f, "/dev/full", rec, 3, "\n", &err), -1);
  assert_string_equal(err.msg, "/dev/full: cannot write: No space left on device");
  fclose(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(simple_records_point_into_the_buffer),
    cmocka_unit_test(last_line_with_or_without_newline),
    cmocka_unit_test(empty_input_has_no_records),
    cmocka_unit_test(crlf_line_ends),
    cmocka_unit_test(bom_is_skipped_and_not_counted),
    cmocka_unit_test(empty_fields),
    cmocka_unit_test(quoted_fields_hold_commas_and_doubled_quotes),
    cmocka_unit_test(embedded_newlines_keep_later_line_numbers),
    cmocka_unit_test(line_numbers_stay_right_over_many_records),
    cmocka_unit_test(many_escaped_fields_in_one_record),
    cmocka_unit_test(valid_utf8_is_accepted),
    cmocka_unit_test(expect_fields_setting),
    cmocka_unit_test(unterminated_quote_reports_where_it_opened),
    cmocka_unit_test(text_after_a_closing_quote),
    cmocka_unit_test(quote_inside_an_unquoted_field),
    cmocka_unit_test(wrong_field_counts),
    cmocka_unit_test(invalid_utf8_names_the_byte),
    cmocka_unit_test(nul_bytes),
    cmocka_unit_test(bare_carriage_returns),
    cmocka_unit_test(errors_stop_the_reader),
    cmocka_unit_test(validators_report_at_a_field),
    cmocka_unit_test(allocation_failure_is_an_error),
    cmocka_unit_test(reads_a_file),
    cmocka_unit_test(file_errors_name_the_file),
    cmocka_unit_test(file_allocation_failure),
    cmocka_unit_test(which_fields_need_quotes),
    cmocka_unit_test(format_quotes_only_when_needed),
    cmocka_unit_test(writer_round_trip_is_byte_identical),
    cmocka_unit_test(write_to_a_stream),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
