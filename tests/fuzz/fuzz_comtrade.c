/*
** fuzz_comtrade.c — the UN Comtrade importer on any bytes: an import
** succeeds whole or fails with one "fuzz.csv:..." line and no dataset.
** When it succeeds, every data record (counted by the CSV reader on its
** own) is in exactly one of the two datasets, and each row is where
** comtrade.h says it goes: no World partner, TOTAL, breakdown or parent
** code among the rows to sum; each row kept apart carries its reason and
** the reason holds.  Every value is of its documented form.
*/
#include <math.h>
#include <string.h>

#include "comtrade.h"
#include "csv.h"
#include "fuzz.h"

/* Records after the header, or -1 when the CSV reader refuses the bytes. */
static long data_records(const uint8_t *data, size_t size) {
  ts_csv r;
  ts_csv_init(&r, "fuzz.csv", (const char *)data, size, NULL);
  long n = -1;
  int rc;
  while ((rc = ts_csv_next(&r, NULL)) == 1) n++;
  ts_csv_free(&r);
  return rc < 0 ? -1 : n;
}

static size_t lines_of(const uint8_t *data, size_t size) {
  size_t n = size > 0 && data[size - 1] != '\n';
  for (size_t i = 0; i < size; i++) n += data[i] == '\n';
  return n;
}

static int col(const ts_bulk *b, const char *name) {
  int c = ts_bulk_find(b, name);
  REQUIRE(c >= 0);
  return c;
}

static int32_t key(const ts_bulk *b, const char *name, size_t r) {
  return ts_bulk_key(&b->cols[col(b, name)], r);
}

static const char *str(const ts_bulk *b, const char *name, size_t r) {
  int32_t id = key(b, name, r);
  return id == TS_NA_ID ? NULL : ts_dict_str(b->dict, id, NULL);
}

static bool is(const char *s, const char *want) { return s != NULL && strcmp(s, want) == 0; }

static bool code_ok(const char *s, size_t max, bool upper) {
  size_t n = strlen(s);
  if (n == 0 || n > max) return false;
  for (size_t i = 0; i < n; i++) {
    bool up = s[i] >= 'A' && s[i] <= 'Z';
    bool other = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
    if (!(up || (!upper && other))) return false;
  }
  return true;
}

/* Every integer and string value is missing or within the column's range,
** and every string id names a string. */
static void check_ranges(const ts_bulk *b) {
  for (size_t c = 0; c < b->ncols; c++) {
    const ts_bulkcol *bc = &b->cols[c];
    if (bc->type == TS_F64) continue;
    int32_t na = bc->type == TS_I16 ? TS_NA_I16 : bc->type == TS_STR ? TS_NA_ID : TS_NA_I32;
    for (size_t r = 0; r < b->rows; r++) {
      int32_t v = ts_bulk_key(bc, r);
      if (v == na) continue;
      REQUIRE(v >= bc->lo && v <= bc->hi);
      if (bc->type == TS_STR) REQUIRE(ts_dict_str(b->dict, v, NULL) != NULL);
    }
  }
}

static void check_row(const ts_bulk *b, size_t r) {
  const char *freq = str(b, "freq", r);
  int32_t period = key(b, "period", r), year = key(b, "year", r);
  REQUIRE(is(freq, "A") || is(freq, "M"));
  if (is(freq, "A")) REQUIRE(period == year);
  else REQUIRE(period / 100 == year && period % 100 >= 1 && period % 100 <= 12);
  REQUIRE(year >= 1900 && year <= 2999);
  REQUIRE(key(b, "reporter", r) >= 0 && key(b, "partner", r) >= 0);
  REQUIRE(code_ok(str(b, "flow", r), 4, true));
  REQUIRE(code_ok(str(b, "product", r), 15, false));
  const char *customs = str(b, "customs", r);
  REQUIRE(customs == NULL || code_ok(customs, 15, false));
  REQUIRE(isfinite(((const double *)b->cols[col(b, "value")].data)[r]));
  static const char *const optional[] = {"cif", "fob", "netweight", "qty"};
  for (int i = 0; i < 4; i++) {
    double v = ((const double *)b->cols[col(b, optional[i])].data)[r];
    REQUIRE(isnan(v) || isfinite(v));
  }
}

static bool breakdown(const ts_bulk *b, size_t r) {
  int32_t p2 = key(b, "partner2", r), mot = key(b, "mot", r);
  const char *customs = str(b, "customs", r);
  return (p2 != TS_NA_I16 && p2 != 0) || (mot != TS_NA_I16 && mot != 0) ||
         (customs != NULL && !is(customs, "C00"));
}

/* Whether some row to sum has a product code that strictly extends `code`. */
static bool extended_in(const ts_bulk *detail, const char *code) {
  size_t n = strlen(code);
  for (size_t r = 0; r < detail->rows; r++) {
    const char *other = str(detail, "product", r);
    if (strlen(other) > n && strncmp(other, code, n) == 0) return true;
  }
  return false;
}

static void check_detail(const ts_bulk *d) {
  for (size_t r = 0; r < d->rows; r++) {
    check_row(d, r);
    REQUIRE(key(d, "partner", r) != 0);
    REQUIRE(!is(str(d, "product", r), "TOTAL"));
    REQUIRE(!breakdown(d, r));
    REQUIRE(!extended_in(d, str(d, "product", r)));
  }
}

static void check_apart(const ts_bulk *a, const ts_bulk *d) {
  REQUIRE(a->ncols == d->ncols + 1);
  for (size_t r = 0; r < a->rows; r++) {
    check_row(a, r);
    const char *why = str(a, "why", r);
    REQUIRE(why != NULL);
    if (is(why, "world")) REQUIRE(key(a, "partner", r) == 0);
    else if (is(why, "total")) REQUIRE(is(str(a, "product", r), "TOTAL"));
    else if (is(why, "breakdown")) REQUIRE(breakdown(a, r));
    else if (is(why, "parent")) REQUIRE(extended_in(d, str(a, "product", r)));
    else REQUIRE(is(why, "aggregate"));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ts_err err = {""};
  ts_bulk *detail, *apart;
  int rc = ts_comtrade_parse("fuzz.csv", (const char *)data, size, NULL, &detail, &apart, &err);
  long records = data_records(data, size);
  if (rc != 0) {
    REQUIRE(rc == -1 && detail == NULL && apart == NULL);
    REQUIRE(strncmp(err.msg, "fuzz.csv:", 9) == 0);
    REQUIRE(strchr(err.msg, '\n') == NULL);
    return 0;
  }
  REQUIRE(detail != NULL && apart != NULL);
  REQUIRE(records >= 0);
  REQUIRE(detail->rows + apart->rows == (size_t)records);
  REQUIRE(detail->rows + apart->rows < lines_of(data, size));
  check_ranges(detail);
  check_ranges(apart);
  check_detail(detail);
  check_apart(apart, detail);
  ts_bulk_free(detail);
  ts_bulk_free(apart);
  return 0;
}
