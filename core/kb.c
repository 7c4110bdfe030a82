/*
** kb.c — loading, checking, querying and saving the dataset's tables.
*/
#include "kb.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "date.h"
#include "quantity.h"

#define MAXCOLS 32
#define NO_RAW UINT32_MAX
#define MAX_AREA_DEPTH 8

struct ts_kbtable {
  const ts_kbschema *schema;
  const ts_alloc *alloc;
  ts_table *store;       /* text columns 0..ncols-1, then typed columns */
  ts_table *keys;        /* dictionary of keys: the id of a key indexes key_row */
  int32_t *key_row;
  size_t key_cap;
  int first_col[MAXCOLS], last_col[MAXCOLS], num_col[MAXCOLS];
  char *text;            /* the file as read: untouched rows are saved from it */
  size_t text_len, header_len;
  uint64_t *raw_off;     /* per store row; raw_len NO_RAW for added rows */
  uint32_t *raw_len, *row_line;
  size_t raw_cap;
  uint32_t *order;       /* live store rows in file order */
  size_t norder, order_cap;
  const char *eol;
  bool dirty;
};

struct ts_kb {
  ts_alloc alloc;
  ts_table *codes;      /* dictionary of area codes: the id indexes `areas` */
  ts_table *areas;      /* name, kind, parent of each code */
  ts_table *commodities;
  ts_kbtable *tables[16];
};

/* Where a field came from, for messages: a file position or a new row. */
typedef struct loc {
  const ts_csv *csv;
  size_t line, col;
  const char *table, *row;
} loc;

static int field_err(const loc *at, const char *column, ts_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int field_err(const loc *at, const char *column, ts_err *err, const char *fmt, ...) {
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (at->csv != NULL)
    return ts_csv_errf(at->csv, at->line, at->col, err, "column '%s': %s", column, what);
  return ts_errf(err, "%s: row '%s': column '%s': %s", at->table, at->row ? at->row : "?",
                 column, what);
}

/* ---- the knowledge base and its areas ------------------------------------------ */

ts_kb *ts_kb_new(const ts_alloc *a, ts_err *err) {
  if (a == NULL) a = &ts_alloc_libc;
  ts_kb *kb = ts_malloc(a, sizeof *kb);
  if (kb == NULL) {
    ts_errf(err, "knowledge base: out of memory");
    return NULL;
  }
  memset(kb, 0, sizeof *kb);
  kb->alloc = *a;
  kb->codes = ts_table_new("area codes", &kb->alloc, err);
  kb->areas = ts_table_new("areas", &kb->alloc, err);
  kb->commodities = ts_table_new("commodities", &kb->alloc, err);
  if (kb->codes == NULL || kb->areas == NULL || kb->commodities == NULL ||
      ts_table_add_column(kb->areas, "name", TS_STR, err) < 0 ||
      ts_table_add_column(kb->areas, "kind", TS_STR, err) < 0 ||
      ts_table_add_column(kb->areas, "parent", TS_STR, err) < 0) {
    ts_kb_free(kb);
    return NULL;
  }
  return kb;
}

static void kbtable_free(ts_kbtable *t);

void ts_kb_free(ts_kb *kb) {
  if (kb == NULL) return;
  for (size_t i = 0; i < sizeof kb->tables / sizeof *kb->tables; i++) kbtable_free(kb->tables[i]);
  ts_table_free(kb->codes);
  ts_table_free(kb->areas);
  ts_table_free(kb->commodities);
  ts_alloc a = kb->alloc;
  ts_free(&a, kb);
}

static ts_value text_or_na(const char *s) {
  return s != NULL && s[0] != '\0' ? ts_str(s) : ts_na();
}

int ts_kb_add_area(ts_kb *kb, const char *code, const char *name, const char *kind,
                   const char *parent, ts_err *err) {
  size_t before = ts_dict_count(kb->codes);
  ts_mark m = ts_table_mark(kb->codes);
  if (ts_dict_intern(kb->codes, code, strlen(code), err) < 0) return -1;
  if (ts_dict_count(kb->codes) == before) return ts_errf(err, "area code '%s' defined twice", code);
  ts_value row[3] = {text_or_na(name), text_or_na(kind), text_or_na(parent)};
  if (ts_table_append(kb->areas, row, 3, err) < 0) {
    ts_table_rollback(kb->codes, m);
    return -1;
  }
  return 0;
}

static const char *area_text(const ts_kb *kb, int32_t id, size_t col) {
  ts_value v = ts_table_get(kb->areas, ts_table_col(kb->areas, col), (size_t)id);
  return v.kind == TS_V_STR ? v.u.str.s : NULL;
}

bool ts_kb_area(const ts_kb *kb, const char *code, const char **name, const char **kind,
                const char **parent) {
  int32_t id = ts_dict_find(kb->codes, code, strlen(code));
  if (id == TS_NA_ID) return false;
  if (name) *name = area_text(kb, id, 0);
  if (kind) *kind = area_text(kb, id, 1);
  if (parent) *parent = area_text(kb, id, 2);
  return true;
}

static bool known_area(const ts_kb *kb, const char *s, size_t len) {
  return ts_dict_find(kb->codes, s, len) != TS_NA_ID;
}

/* Calls f on each ';'-separated item of s[0..len); stops at the first nonzero. */
static int each_item(const char *s, size_t len, int (*f)(void *, const char *, size_t), void *ud) {
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == ';') {
      int rc = f(ud, s + start, i - start);
      if (rc != 0) return rc;
      start = i + 1;
    }
  }
  return 0;
}

static bool within(const ts_kb *kb, const char *code, size_t len, const char *area, int depth);

typedef struct within_ctx {
  const ts_kb *kb;
  const char *code;
  size_t len;
  int depth;
} within_ctx;

static int member_contains(void *ud, const char *member, size_t mlen) {
  within_ctx *c = ud;
  char buf[64];
  if (mlen == 0 || mlen >= sizeof buf) return 0;
  memcpy(buf, member, mlen);
  buf[mlen] = '\0';
  return within(c->kb, c->code, c->len, buf, c->depth + 1);
}

static const char *grouping_members(const ts_kb *kb, const char *area, size_t *len) {
  const ts_kbtable *areas = ts_kb_table(kb, "areas");
  if (areas == NULL) return NULL;
  int64_t row = ts_kbtable_find(areas, area);
  return row < 0 ? NULL : ts_kbtable_text(areas, 4, (uint32_t)row, len);
}

static bool within(const ts_kb *kb, const char *code, size_t len, const char *area, int depth) {
  if (strlen(area) == len && memcmp(code, area, len) == 0) return true;
  if (depth > MAX_AREA_DEPTH) return false;
  int32_t id = ts_dict_find(kb->codes, code, len);
  const char *parent = id == TS_NA_ID ? NULL : area_text(kb, id, 2);
  if (parent != NULL && within(kb, parent, strlen(parent), area, depth + 1)) return true;
  size_t mlen;
  const char *members = grouping_members(kb, area, &mlen);
  if (members == NULL) return false;
  within_ctx c = {kb, code, len, depth};
  return each_item(members, mlen, member_contains, &c) != 0;
}

bool ts_kb_area_within(const ts_kb *kb, const char *code, const char *area) {
  return within(kb, code, strlen(code), area, 0);
}

int ts_kb_add_commodity(ts_kb *kb, const char *code, ts_err *err) {
  return ts_dict_intern(kb->commodities, code, strlen(code), err) < 0 ? -1 : 0;
}

static int hs_column(const ts_csv *r, ts_err *err) {
  for (size_t i = 0; i < r->nfields; i++)
    if (r->fields[i].len == 6 && memcmp(r->fields[i].s, "hscode", 6) == 0) return (int)i;
  return ts_csv_errf(r, 1, 1, err, "no column 'hscode'");
}

int ts_kb_load_hs(ts_kb *kb, const char *path, ts_err *err) {
  ts_csv r;
  ts_mark m = ts_table_mark(kb->commodities);
  int rc = ts_csv_init_file(&r, path, &kb->alloc, err), col = -1;
  if (rc == 0 && (rc = ts_csv_next(&r, err)) == 1) rc = col = hs_column(&r, err);
  while (rc >= 0 && (rc = ts_csv_next(&r, err)) == 1)
    if (ts_dict_intern(kb->commodities, r.fields[col].s, r.fields[col].len, err) < 0) rc = -1;
  ts_csv_free(&r);
  if (rc < 0) ts_table_rollback(kb->commodities, m);
  return rc < 0 ? -1 : 0;
}

/* ---- tables ----------------------------------------------------------------------- */

static void kbtable_free(ts_kbtable *t) {
  if (t == NULL) return;
  const ts_alloc *a = t->alloc;
  ts_table_free(t->store);
  ts_table_free(t->keys);
  ts_free(a, t->key_row);
  ts_free(a, t->text);
  ts_free(a, t->raw_off);
  ts_free(a, t->raw_len);
  ts_free(a, t->row_line);
  ts_free(a, t->order);
  ts_free(a, t);
}

static size_t schema_index(const ts_kbschema *s) { return (size_t)(s - ts_kb_schemas); }

ts_kbtable *ts_kb_table(const ts_kb *kb, const char *name) {
  const ts_kbschema *s = ts_kb_schema(name);
  return s == NULL ? NULL : kb->tables[schema_index(s)];
}

const ts_kbschema *ts_kbtable_schema(const ts_kbtable *t) { return t->schema; }
const ts_table *ts_kbtable_store(const ts_kbtable *t) { return t->store; }
size_t ts_kbtable_rows(const ts_kbtable *t) { return t->norder; }
uint32_t ts_kbtable_row(const ts_kbtable *t, size_t i) { return t->order[i]; }
bool ts_kbtable_dirty(const ts_kbtable *t) { return t->dirty; }

const char *ts_kbtable_text(const ts_kbtable *t, size_t col, uint32_t row, size_t *len) {
  ts_value v = ts_table_get(t->store, ts_table_col(t->store, col), row);
  if (v.kind != TS_V_STR) return NULL;
  if (len) *len = v.u.str.len;
  return v.u.str.s;
}

int64_t ts_kbtable_find(const ts_kbtable *t, const char *id) {
  int32_t k = ts_dict_find(t->keys, id, strlen(id));
  return k == TS_NA_ID ? -1 : t->key_row[k];
}

static int add_typed(ts_kbtable *t, const char *col, const char *suffix, ts_type type,
                     ts_err *err) {
  char name[96];
  snprintf(name, sizeof name, "%s:%s", col, suffix);
  return ts_table_add_column(t->store, name, type, err);
}

static ts_kbtable *kbtable_new(const ts_kbschema *s, const ts_alloc *a, ts_err *err) {
  if (s->ncols > MAXCOLS) {
    ts_errf(err, "%s: too many columns", s->name);
    return NULL;
  }
  ts_kbtable *t = ts_malloc(a, sizeof *t);
  if (t == NULL) {
    ts_errf(err, "%s: out of memory", s->name);
    return NULL;
  }
  memset(t, 0, sizeof *t);
  t->schema = s;
  t->alloc = a;
  t->eol = "\n";
  t->store = ts_table_new(s->name, a, err);
  t->keys = ts_table_new(s->name, a, err);
  int ok = t->store != NULL && t->keys != NULL;
  for (size_t i = 0; ok && i < s->ncols; i++)
    ok = ts_table_add_column(t->store, s->cols[i].name, TS_STR, err) >= 0;
  for (size_t i = 0; ok && i < s->ncols; i++) {
    t->first_col[i] = t->last_col[i] = t->num_col[i] = -1;
    if (s->cols[i].kind == TS_KB_PERIOD) {
      t->first_col[i] = add_typed(t, s->cols[i].name, "first", TS_I32, err);
      t->last_col[i] = add_typed(t, s->cols[i].name, "last", TS_I32, err);
      ok = t->first_col[i] >= 0 && t->last_col[i] >= 0;
    } else if (s->cols[i].kind == TS_KB_NUMBER || s->cols[i].kind == TS_KB_INTEGER) {
      t->num_col[i] = add_typed(t, s->cols[i].name, "num", TS_F64, err);
      ok = t->num_col[i] >= 0;
    }
  }
  if (!ok) {
    kbtable_free(t);
    return NULL;
  }
  return t;
}

/* ---- checking one field ----------------------------------------------------------- */

static bool is_word(const char *s, size_t len, bool id) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              (id && ((c >= 'A' && c <= 'Z') || c == '.'));
    if (!ok) return false;
  }
  return len > 0;
}

static bool in_enum(const char *allowed, const char *s, size_t len) {
  const char *p = allowed;
  while (*p) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == len && memcmp(p, s, len) == 0) return true;
    p += n + (bar != NULL);
  }
  return false;
}

/* A plain decimal: optional '-', digits, optional '.' and digits. */
static int parse_number(const char *s, size_t len, double *out) {
  char buf[64];
  size_t i = 0;
  if (len == 0 || len >= sizeof buf) return -1;
  if (s[i] == '-') i++;
  size_t digits = i;
  while (i < len && s[i] >= '0' && s[i] <= '9') i++;
  if (i == digits) return -1;
  if (i < len && s[i] == '.') {
    size_t frac = ++i;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    if (i == frac) return -1;
  }
  if (i != len) return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  *out = strtod(buf, NULL);
  return isfinite(*out) ? 0 : -1;
}

typedef struct row_check {
  ts_kb *kb;
  ts_kbtable *t;
  const loc *at;
  ts_value *vals;   /* one per store column */
  ts_err *err;
  const ts_csv_field *fields; /* the row's fields, for the position of a column */
} row_check;

typedef struct list_ctx {
  const ts_kb *kb;
  const char *bad;
  size_t badlen;
} list_ctx;

static int unknown_item(void *ud, const char *s, size_t len) {
  list_ctx *c = ud;
  if (len > 0 && known_area(c->kb, s, len)) return 0;
  c->bad = s;
  c->badlen = len;
  return 1;
}

static int check_period(row_check *rc, size_t i, const char *s, size_t len) {
  const char *name = rc->t->schema->cols[i].name;
  if (len == 11 && memcmp(s, "unspecified", 11) == 0) return 0;
  ts_period p;
  ts_err perr;
  if (ts_period_parse(s, len, &p, &perr) < 0)
    return field_err(rc->at, name, rc->err, "%s", perr.msg);
  rc->vals[rc->t->first_col[i]] = ts_int(p.first);
  rc->vals[rc->t->last_col[i]] = ts_int(p.last);
  return 0;
}

static int check_number(row_check *rc, size_t i, const char *s, size_t len, bool integer) {
  const char *name = rc->t->schema->cols[i].name;
  double d;
  if (parse_number(s, len, &d) < 0 || (integer && (d < 0 || d != floor(d))))
    return field_err(rc->at, name, rc->err, "'%.*s' is not %s", (int)len, s,
                     integer ? "a whole number" : "a plain decimal number");
  rc->vals[rc->t->num_col[i]] = ts_num(d);
  return 0;
}

static int check_unit(row_check *rc, const char *name, const char *s, size_t len) {
  ts_unit u;
  int exp10;
  ts_err uerr;
  if (ts_unit_lookup(s, len, &u, &exp10, &uerr) < 0)
    return field_err(rc->at, name, rc->err, "%s", uerr.msg);
  if (exp10 != 0 || strlen(ts_unit_name(u)) != len || memcmp(ts_unit_name(u), s, len) != 0)
    return field_err(rc->at, name, rc->err, "write the unit as '%s' (base unit)",
                     ts_unit_name(u));
  return 0;
}

static int check_commodity(row_check *rc, const char *name, const char *s, size_t len) {
  if ((len == 5 && memcmp(s, "TOTAL", 5) == 0) || (len > 2 && memcmp(s, "X-", 2) == 0) ||
      ts_dict_find(rc->kb->commodities, s, len) != TS_NA_ID)
    return 0;
  return field_err(rc->at, name, rc->err, "unknown commodity code '%.*s'", (int)len, s);
}

static int check_source(row_check *rc, const char *name, const char *s, size_t len) {
  const ts_kbtable *src = ts_kb_table(rc->kb, "sources");
  if (src != NULL && ts_dict_find(src->keys, s, len) != TS_NA_ID) return 0;
  return field_err(rc->at, name, rc->err, "unknown source '%.*s'", (int)len, s);
}

static int check_field(row_check *rc, size_t i, const char *s, size_t len) {
  const ts_kbcol *c = &rc->t->schema->cols[i];
  if (len == 0)
    return c->required ? field_err(rc->at, c->name, rc->err, "is empty") : 0;
  switch (c->kind) {
    case TS_KB_ID:
      if (!is_word(s, len, true))
        return field_err(rc->at, c->name, rc->err, "'%.*s' is not an id (letters, digits, - _ .)",
                         (int)len, s);
      return 0;
    case TS_KB_TEXT: return 0;
    case TS_KB_WORD:
      if (!is_word(s, len, false))
        return field_err(rc->at, c->name, rc->err,
                         "'%.*s' is not a lowercase word (a-z, 0-9, - _)", (int)len, s);
      return 0;
    case TS_KB_ENUM:
      if (!in_enum(c->allowed, s, len))
        return field_err(rc->at, c->name, rc->err, "'%.*s' is not one of %s", (int)len, s,
                         c->allowed);
      return 0;
    case TS_KB_AREA:
    case TS_KB_AREAS: {
      list_ctx lc = {rc->kb, NULL, 0};
      int bad = c->kind == TS_KB_AREA ? unknown_item(&lc, s, len)
                                      : each_item(s, len, unknown_item, &lc);
      if (bad)
        return field_err(rc->at, c->name, rc->err, "unknown area code '%.*s'", (int)lc.badlen,
                         lc.bad);
      return 0;
    }
    case TS_KB_PERIOD: return check_period(rc, i, s, len);
    case TS_KB_DATE: {
      ts_date d;
      ts_err derr;
      if (ts_date_parse(s, len, &d, &derr) < 0)
        return field_err(rc->at, c->name, rc->err, "%s", derr.msg);
      return 0;
    }
    case TS_KB_NUMBER: return check_number(rc, i, s, len, false);
    case TS_KB_INTEGER: return check_number(rc, i, s, len, true);
    case TS_KB_UNIT: return check_unit(rc, c->name, s, len);
    case TS_KB_SOURCE: return check_source(rc, c->name, s, len);
    case TS_KB_COMMODITY: return check_commodity(rc, c->name, s, len);
  }
  return 0;
}

/* ---- checking a row as a whole ---------------------------------------------------- */

static int col_index(const ts_kbschema *s, const char *name) {
  for (size_t i = 0; i < s->ncols; i++)
    if (strcmp(s->cols[i].name, name) == 0) return (int)i;
  return -1;
}

static const char *row_text(const row_check *rc, int col) {
  if (col < 0 || rc->vals[col].kind != TS_V_STR) return NULL;
  return rc->vals[col].u.str.s;
}

static double row_num(const row_check *rc, int col) {
  return col < 0 ? NAN : rc->vals[rc->t->num_col[col]].u.d;
}

/* Whether the field (a slice, not NUL-terminated) is exactly `lit`. */
static bool text_is(const row_check *rc, int col, const char *lit) {
  if (col < 0 || rc->vals[col].kind != TS_V_STR) return false;
  size_t n = strlen(lit);
  return rc->vals[col].u.str.len == n && memcmp(rc->vals[col].u.str.s, lit, n) == 0;
}

static int slice_len(const row_check *rc, int col) { return (int)rc->vals[col].u.str.len; }

/* Where column `col` of the row is (for a message about that column). */
static const loc *col_loc(const row_check *rc, const char *col, loc *out) {
  *out = *rc->at;
  int i = col_index(rc->t->schema, col);
  if (i >= 0 && rc->fields != NULL) {
    out->line = rc->fields[i].line;
    out->col = rc->fields[i].col;
  }
  return out;
}

/* value/qualifier/value_high (or change/change_qualifier/change_high) agree. */
static int check_group(row_check *rc, const char *value, const char *qual, const char *high,
                       const char *unit) {
  const ts_kbschema *s = rc->t->schema;
  int vi = col_index(s, value), qi = col_index(s, qual), hi = col_index(s, high);
  int ui = unit ? col_index(s, unit) : -1;
  if (vi < 0) return 0;
  const char *v = row_text(rc, vi), *q = row_text(rc, qi), *h = row_text(rc, hi);
  loc l;
  if (v == NULL) {
    if (q != NULL)
      return field_err(col_loc(rc, qual, &l), qual, rc->err, "is set but '%s' is empty", value);
    if (h != NULL)
      return field_err(col_loc(rc, high, &l), high, rc->err, "is set but '%s' is empty", value);
    return 0;
  }
  if (q == NULL)
    return field_err(col_loc(rc, qual, &l), qual, rc->err, "is empty but '%s' is set", value);
  if (ui >= 0 && row_text(rc, ui) == NULL && strcmp(s->name, "trade") == 0)
    return field_err(col_loc(rc, unit, &l), unit, rc->err, "is empty but '%s' is set", value);
  bool range = text_is(rc, qi, "range");
  if (range && h == NULL)
    return field_err(col_loc(rc, high, &l), high, rc->err, "is empty for a range");
  if (!range && h != NULL)
    return field_err(col_loc(rc, high, &l), high, rc->err, "is set but '%s' is not 'range'", qual);
  if (range && !(row_num(rc, hi) > row_num(rc, vi)))
    return field_err(col_loc(rc, high, &l), high, rc->err, "'%.*s' is not above '%s' (%.*s)",
                     slice_len(rc, hi), h, value, slice_len(rc, vi), v);
  if (text_is(rc, qi, "direction_only") && fabs(row_num(rc, vi)) != 1)
    return field_err(col_loc(rc, value, &l), value, rc->err,
                     "must be 1 or -1 with direction_only");
  return 0;
}

static int check_row(row_check *rc, const ts_csv_field *f, size_t n, const loc *base) {
  const ts_kbschema *s = rc->t->schema;
  size_t ncols = ts_table_ncols(rc->t->store);
  for (size_t i = 0; i < ncols; i++) rc->vals[i] = ts_na();
  rc->fields = f;
  for (size_t i = 0; i < n; i++)
    if (f[i].len > 0) rc->vals[i] = ts_strn(f[i].s, f[i].len);
  for (size_t i = 0; i < n; i++) {
    loc at = *base;
    at.line = f[i].line;
    at.col = f[i].col;
    rc->at = &at;
    if (check_field(rc, i, f[i].s, f[i].len) < 0) return -1;
  }
  loc at = *base;
  at.line = f[0].line;
  at.col = f[0].col;
  rc->at = &at;
  (void)s;
  if (check_group(rc, "value", "qualifier", "value_high", "unit") < 0) return -1;
  return check_group(rc, "change", "change_qualifier", "change_high", NULL);
}

/* ---- appending rows ----------------------------------------------------------------- */

static int grow_rows(ts_kbtable *t, size_t need, ts_err *err) {
  size_t cap = t->raw_cap, c2 = t->raw_cap, c3 = t->raw_cap;
  if (need <= cap) return 0;
  if (ts_grow(t->alloc, &t->raw_off, &cap, need, sizeof *t->raw_off) < 0 ||
      ts_grow(t->alloc, &t->raw_len, &c2, need, sizeof *t->raw_len) < 0 ||
      ts_grow(t->alloc, &t->row_line, &c3, need, sizeof *t->row_line) < 0)
    return ts_errf(err, "%s: out of memory", t->schema->name);
  t->raw_cap = cap < c2 ? (cap < c3 ? cap : c3) : (c2 < c3 ? c2 : c3);
  return 0;
}

/* Interns the key; a key seen before is a duplicate. */
static int add_key(ts_kbtable *t, const char *key, size_t len, uint32_t row, const loc *at,
                   ts_err *err) {
  size_t before = ts_dict_count(t->keys);
  int32_t id = ts_dict_intern(t->keys, key, len, err);
  if (id < 0) return -1;
  if (ts_dict_count(t->keys) == before) {
    uint32_t first = t->row_line[t->key_row[id]];
    if (first > 0)
      return field_err(at, t->schema->key, err, "duplicate '%.*s' (first on line %u)", (int)len,
                       key, first);
    return field_err(at, t->schema->key, err, "duplicate '%.*s'", (int)len, key);
  }
  if (ts_grow(t->alloc, &t->key_row, &t->key_cap, (size_t)id + 1, sizeof *t->key_row) < 0)
    return ts_errf(err, "%s: out of memory", t->schema->name);
  t->key_row[id] = (int32_t)row;
  return 0;
}

static int push_order(ts_kbtable *t, uint32_t row, ts_err *err) {
  if (ts_grow(t->alloc, &t->order, &t->order_cap, t->norder + 1, sizeof *t->order) < 0)
    return ts_errf(err, "%s: out of memory", t->schema->name);
  t->order[t->norder++] = row;
  return 0;
}

/* Checks and appends one row; raw_len NO_RAW for a row that has no bytes. */
static int append_row(ts_kb *kb, ts_kbtable *t, const ts_csv_field *f, const loc *at,
                      uint64_t raw_off, uint32_t raw_len, bool ordered, ts_err *err) {
  ts_value vals[3 * MAXCOLS];
  row_check rc = {kb, t, at, vals, err, NULL};
  uint32_t row = (uint32_t)ts_table_rows(t->store);
  if (check_row(&rc, f, t->schema->ncols, at) < 0 || grow_rows(t, (size_t)row + 1, err) < 0)
    return -1;
  t->row_line[row] = (uint32_t)f[0].line;
  ts_mark km = ts_table_mark(t->keys);
  loc key_at = *at;
  key_at.line = f[0].line;
  key_at.col = f[0].col;
  if (add_key(t, f[0].s, f[0].len, row, &key_at, err) < 0) return -1;
  if (ts_table_append(t->store, vals, ts_table_ncols(t->store), err) < 0 ||
      (ordered && push_order(t, row, err) < 0)) {
    ts_table_rollback(t->keys, km);
    return -1;
  }
  t->raw_off[row] = raw_off;
  t->raw_len[row] = raw_len;
  return 0;
}

/* ---- loading a file ------------------------------------------------------------------- */

static int check_header(const ts_kbschema *s, const ts_csv *r, ts_err *err) {
  if (r->nfields != s->ncols)
    return ts_csv_errf(r, 1, 1, err, "expected %zu columns (%s, ...), found %zu", s->ncols,
                       s->cols[0].name, r->nfields);
  for (size_t i = 0; i < s->ncols; i++) {
    const ts_csv_field *f = &r->fields[i];
    if (f->len != strlen(s->cols[i].name) || memcmp(f->s, s->cols[i].name, f->len) != 0)
      return ts_csv_errf(r, f->line, f->col, err, "expected column '%s', found '%.*s'",
                         s->cols[i].name, (int)f->len, f->s);
  }
  return 0;
}

/* All or nothing: on a clash with a code already known, none is registered. */
static int register_areas(ts_kb *kb, ts_kbtable *t, const char *path, ts_err *err) {
  ts_mark cm = ts_table_mark(kb->codes), am = ts_table_mark(kb->areas);
  for (size_t i = 0; i < t->norder; i++) {
    uint32_t row = t->order[i];
    const char *code = ts_kbtable_text(t, 0, row, NULL);
    if (ts_kb_add_area(kb, code, ts_kbtable_text(t, 1, row, NULL), ts_kbtable_text(t, 2, row, NULL),
                       ts_kbtable_text(t, 3, row, NULL), err) < 0) {
      ts_table_rollback(kb->codes, cm);
      ts_table_rollback(kb->areas, am);
      return ts_errprefix(err, "%s:%u:1: column '%s'", path, t->row_line[row], t->schema->key);
    }
  }
  return 0;
}

static int read_rows(ts_kb *kb, ts_kbtable *t, ts_csv *r, ts_err *err) {
  int rc;
  loc at = {r, 0, 0, t->schema->name, NULL};
  size_t start = r->pos;
  t->header_len = start;
  while ((rc = ts_csv_next(r, err)) == 1) {
    if (append_row(kb, t, r->fields, &at, start, (uint32_t)(r->pos - start), true, err) < 0)
      return -1;
    start = r->pos;
  }
  return rc;
}

/* Adopts the file bytes (the reader's) so that saves can copy untouched rows. */
static void adopt_text(ts_kbtable *t, ts_csv *r) {
  t->text = r->owned;
  t->text_len = r->len;
  r->owned = NULL;
  if (t->header_len >= 2 && memcmp(t->text + t->header_len - 2, "\r\n", 2) == 0) t->eol = "\r\n";
}

int ts_kb_load(ts_kb *kb, const ts_kbschema *s, const char *path, ts_err *err) {
  size_t idx = schema_index(s);
  if (kb->tables[idx] != NULL) return ts_errf(err, "%s: table '%s' is already loaded", path, s->name);
  ts_kbtable *t = kbtable_new(s, &kb->alloc, err);
  if (t == NULL) return -1;
  ts_csv r;
  int rc = ts_csv_init_file(&r, path, &kb->alloc, err);
  if (rc == 0) {
    rc = ts_csv_next(&r, err);
    if (rc == 0) rc = ts_errf(err, "%s:1:1: the file is empty (expected a header)", path);
    if (rc == 1) rc = check_header(s, &r, err);
    if (rc == 0) rc = read_rows(kb, t, &r, err);
    if (rc == 0) adopt_text(t, &r);
  }
  ts_csv_free(&r);
  if (rc == 0) {
    kb->tables[idx] = t;
    if (strcmp(s->name, "areas") == 0 && register_areas(kb, t, path, err) < 0) {
      kb->tables[idx] = NULL;
      rc = -1;
    }
  }
  if (rc != 0) kbtable_free(t);
  return rc == 0 ? 0 : -1;
}

/* ---- editing ---------------------------------------------------------------------------- */

static void fields_of(const ts_kbschema *s, const char *const *texts, ts_csv_field *f) {
  for (size_t i = 0; i < s->ncols; i++) {
    const char *x = texts[i] ? texts[i] : "";
    f[i] = (ts_csv_field){x, strlen(x), 0, 0, false};
  }
}

int ts_kbtable_add(ts_kb *kb, ts_kbtable *t, const char *const *texts, ts_err *err) {
  ts_csv_field f[MAXCOLS];
  fields_of(t->schema, texts, f);
  loc at = {NULL, 0, 0, t->schema->name, f[0].s};
  if (append_row(kb, t, f, &at, 0, NO_RAW, true, err) < 0) return -1;
  t->dirty = true;
  return 0;
}

int ts_kbtable_replace(ts_kb *kb, ts_kbtable *t, const char *id, const char *const *texts,
                       ts_err *err) {
  int64_t old = ts_kbtable_find(t, id);
  if (old < 0) return ts_errf(err, "%s: no row '%s'", t->schema->name, id);
  ts_csv_field f[MAXCOLS];
  fields_of(t->schema, texts, f);
  if (f[0].len != strlen(id) || memcmp(f[0].s, id, f[0].len) != 0)
    return ts_errf(err, "%s: row '%s': the %s cannot change", t->schema->name, id, t->schema->key);
  /* The old key must not count as a duplicate: check against a renamed copy. */
  int32_t k = ts_dict_find(t->keys, id, strlen(id));
  loc at = {NULL, 0, 0, t->schema->name, id};
  ts_value vals[3 * MAXCOLS];
  row_check rc = {kb, t, &at, vals, err, NULL};
  uint32_t row = (uint32_t)ts_table_rows(t->store);
  if (check_row(&rc, f, t->schema->ncols, &at) < 0 || grow_rows(t, (size_t)row + 1, err) < 0 ||
      ts_table_append(t->store, vals, ts_table_ncols(t->store), err) < 0)
    return -1;
  t->raw_len[row] = NO_RAW;
  t->raw_off[row] = 0;
  t->row_line[row] = t->row_line[old];
  for (size_t i = 0; i < t->norder; i++)
    if (t->order[i] == (uint32_t)old) t->order[i] = row;
  t->key_row[k] = (int32_t)row;
  t->dirty = true;
  return 0;
}

/* ---- saving ------------------------------------------------------------------------------- */

static int write_row(ts_kbtable *t, FILE *out, const char *path, uint32_t row, bool last,
                     ts_err *err) {
  if (t->raw_len[row] != NO_RAW) {
    const char *raw = t->text + t->raw_off[row];
    size_t len = t->raw_len[row];
    if (fwrite(raw, 1, len, out) != len) return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    if (!last && (len == 0 || raw[len - 1] != '\n') && fputs(t->eol, out) == EOF)
      return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    return 0;
  }
  ts_csv_field f[MAXCOLS];
  for (size_t i = 0; i < t->schema->ncols; i++) {
    size_t len = 0;
    const char *s = ts_kbtable_text(t, i, row, &len);
    f[i] = (ts_csv_field){s ? s : "", s ? len : 0, 0, 0, false};
  }
  return ts_csv_write(out, path, f, t->schema->ncols, t->eol, err);
}

static int write_all(ts_kbtable *t, FILE *out, const char *path, ts_err *err) {
  if (fwrite(t->text, 1, t->header_len, out) != t->header_len)
    return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
  if (t->norder > 0 && t->text[t->header_len - 1] != '\n' && fputs(t->eol, out) == EOF)
    return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
  for (size_t i = 0; i < t->norder; i++)
    if (write_row(t, out, path, t->order[i], i + 1 == t->norder, err) < 0) return -1;
  return 0;
}

int ts_kbtable_save(ts_kbtable *t, const char *path, ts_err *err) {
  char tmp[4096];
  if (strlen(path) + 48 > sizeof tmp) return ts_errf(err, "%s: path too long", path);
  /* Not mkstemp (always 0600): a new file gets the mode fopen would give it
  ** (0666 less the umask, applied by open), a replaced file keeps its own. */
  static _Atomic unsigned serial; /* tried names; a clash only means another try */
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%u", path, (long)getpid(), serial++) >=
        sizeof tmp)
      return ts_errf(err, "%s: path too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return ts_errf(err, "%s: cannot create a temporary file: %s", path, strerror(errno));
  struct stat st;
  FILE *out = stat(path, &st) != 0 || fchmod(fd, st.st_mode & 07777) == 0 ? fdopen(fd, "wb") : NULL;
  if (out == NULL) {
    close(fd);
    unlink(tmp);
    return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
  }
  int rc = write_all(t, out, path, err);
  if (rc == 0 && (fflush(out) != 0 || fsync(fd) != 0))
    rc = ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
  if (fclose(out) != 0 && rc == 0) rc = ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
  if (rc == 0 && rename(tmp, path) != 0)
    rc = ts_errf(err, "%s: cannot replace: %s", path, strerror(errno));
  if (rc != 0) {
    unlink(tmp);
    return -1;
  }
  t->dirty = false;
  return 0;
}

/* ---- selecting rows ------------------------------------------------------------------------ */

int ts_kb_select_all(const ts_kbtable *t, ts_sel *sel, ts_err *err) {
  sel->n = 0;
  if (ts_grow(&sel->alloc, &sel->rows, &sel->cap, t->norder, sizeof *sel->rows) < 0)
    return ts_errf(err, "%s: out of memory", t->schema->name);
  if (t->norder > 0) /* an empty table has no arrays: memcpy(NULL, NULL, 0) is undefined */
    memcpy(sel->rows, t->order, t->norder * sizeof *sel->rows);
  sel->n = t->norder;
  return 0;
}

static int find_col(const ts_kbtable *t, const char *col, ts_err *err) {
  int i = col_index(t->schema, col);
  if (i < 0) return ts_errf(err, "%s has no column '%s'", t->schema->name, col);
  return i;
}

int ts_kb_filter_text(const ts_kbtable *t, const char *col, const char *const *vals, size_t n,
                      ts_sel *sel, ts_err *err) {
  int ci = find_col(t, col, err);
  if (ci < 0) return -1;
  int32_t ids[64];
  size_t nids = 0;
  for (size_t i = 0; i < n && nids < sizeof ids / sizeof *ids; i++) {
    int32_t id = ts_dict_find(t->store, vals[i], strlen(vals[i]));
    if (id != TS_NA_ID) ids[nids++] = id;
  }
  const int32_t *data = ts_table_col(t->store, (size_t)ci)->data;
  size_t k = 0;
  for (size_t i = 0; i < sel->n; i++) {
    int32_t v = data[sel->rows[i]];
    for (size_t j = 0; j < nids; j++)
      if (v == ids[j]) {
        sel->rows[k++] = sel->rows[i];
        break;
      }
  }
  sel->n = k;
  return 0;
}

int ts_kb_filter_period(const ts_kbtable *t, const char *col, ts_period p, bool inside,
                        ts_sel *sel, ts_err *err) {
  int ci = find_col(t, col, err);
  if (ci < 0) return -1;
  if (t->first_col[ci] < 0) return ts_errf(err, "%s.%s is not a period column", t->schema->name, col);
  const int32_t *first = ts_table_col(t->store, (size_t)t->first_col[ci])->data;
  const int32_t *last = ts_table_col(t->store, (size_t)t->last_col[ci])->data;
  size_t k = 0;
  for (size_t i = 0; i < sel->n; i++) {
    uint32_t r = sel->rows[i];
    if (first[r] == TS_NA_I32) continue;
    bool keep = inside ? (first[r] >= p.first && last[r] <= p.last)
                       : (first[r] <= p.last && last[r] >= p.first);
    if (keep) sel->rows[k++] = r;
  }
  sel->n = k;
  return 0;
}

typedef struct area_ctx {
  const ts_kb *kb;
  const char *area;
} area_ctx;

static int item_within(void *ud, const char *s, size_t len) {
  area_ctx *c = ud;
  return len > 0 && within(c->kb, s, len, c->area, 0);
}

static bool row_in_area(const ts_kb *kb, const ts_kbtable *t, uint32_t row, const char *area) {
  area_ctx c = {kb, area};
  for (size_t i = 0; i < t->schema->ncols; i++) {
    ts_kbkind kind = t->schema->cols[i].kind;
    if (kind != TS_KB_AREA && kind != TS_KB_AREAS) continue;
    size_t len;
    const char *s = ts_kbtable_text(t, i, row, &len);
    if (s != NULL && each_item(s, len, item_within, &c)) return true;
  }
  return false;
}

int ts_kb_filter_area(const ts_kb *kb, const ts_kbtable *t, const char *area, ts_sel *sel,
                      ts_err *err) {
  (void)err;
  size_t k = 0;
  for (size_t i = 0; i < sel->n; i++)
    if (row_in_area(kb, t, sel->rows[i], area)) sel->rows[k++] = sel->rows[i];
  sel->n = k;
  return 0;
}
