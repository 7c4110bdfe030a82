/*
** comtrade.c — UN Comtrade final-data CSV into a detail and an apart
** dataset (see comtrade.h).  Comtrade files are far smaller than BACI's
** and have quoted descriptions, so the checked RFC 4180 reader (csv.h)
** reads them; rows go into one dataset first, then split by class.
*/
#include "comtrade.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bulkquery.h"
#include "csv.h"

enum {
  F_FREQ, F_PERIOD, F_REPORTER, F_FLOW, F_PARTNER, F_CMD, F_VALUE, /* required */
  F_PARTNER2, F_MOT, F_CUSTOMS, F_AGGR, F_ISAGG, F_ISLEAF, F_CIF, F_FOB, F_NETWGT, F_QTY,
  F_REPORTER_ISO, F_PARTNER_ISO, NFIELDS
};
#define NREQUIRED 7

static const char *const HEAD[NFIELDS] = {
  "freqCode", "period", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue",
  "partner2Code", "motCode", "customsCode", "aggrLevel", "isAggregate", "isLeaf", "cifvalue",
  "fobvalue", "netWgt", "qty", "reporterISO", "partnerISO"};

enum {
  C_PERIOD, C_YEAR, C_FREQ, C_REPORTER, C_FLOW, C_PARTNER, C_PARTNER2, C_PRODUCT, C_AGGR, C_MOT,
  C_CUSTOMS, C_VALUE, C_CIF, C_FOB, C_NETWGT, C_QTY, C_REPORTER_ISO, C_PARTNER_ISO, NCOLS
};

static const struct {
  const char *name;
  ts_type type;
} COLS[NCOLS] = {
  {"period", TS_I32}, {"year", TS_I16},     {"freq", TS_STR},     {"reporter", TS_I16},
  {"flow", TS_STR},   {"partner", TS_I16},  {"partner2", TS_I16}, {"product", TS_STR},
  {"aggrlevel", TS_I16}, {"mot", TS_I16},   {"customs", TS_STR},  {"value", TS_F64},
  {"cif", TS_F64},    {"fob", TS_F64},      {"netweight", TS_F64}, {"qty", TS_F64},
  {"reporter_iso", TS_STR}, {"partner_iso", TS_STR}};

enum { DETAIL, WORLD, TOTAL, AGGREGATE, PARENT, BREAKDOWN };
static const char *const WHY[] = {"", "world", "total", "aggregate", "parent", "breakdown"};

/* The ISO code the file gives each country code of one role (reporter,
** partner): its dictionary id and the line it was first given on. */
typedef struct iso_map {
  int32_t id[32768];
  uint32_t line[32768]; /* 0: not given yet */
} iso_map;

typedef struct reader {
  ts_csv csv;
  int idx[NFIELDS]; /* field index of each column read, or -1 */
  ts_bulk *all;
  unsigned char *why;
  size_t cap;
  iso_map *iso[2]; /* reporters, partners: when the file has the column */
} reader;

/* ---- fields ---------------------------------------------------------------------------------- */

static const ts_csv_field *field(const reader *r, int f) {
  return r->idx[f] < 0 ? NULL : &r->csv.fields[r->idx[f]];
}

/* A message is one line: a quoted field may hold line ends and other
** control bytes, shown as '?'; a long field is cut at a character start. */
static int bad(const reader *r, const ts_csv_field *fl, ts_err *err, const char *col,
               const char *what) {
  char text[41];
  size_t n = fl->len > 40 ? 40 : fl->len;
  while (n < fl->len && n > 0 && ((unsigned char)fl->s[n] & 0xC0) == 0x80) n--;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)fl->s[i];
    text[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
  }
  text[n] = '\0';
  return ts_csv_errf(&r->csv, fl->line, fl->col, err, "column '%s': '%s%s' is not %s", col, text,
                     n < fl->len ? "..." : "", what);
}

/* An integer 0..32767, or TS_NA_I16 when the column is absent or empty
** and `optional`. */
static int small_int(const reader *r, int f, bool optional, int16_t *out, ts_err *err) {
  const ts_csv_field *fl = field(r, f);
  if (fl == NULL || (fl->len == 0 && optional)) {
    *out = TS_NA_I16;
    return 0;
  }
  int32_t v = 0;
  for (size_t i = 0; i < fl->len; i++) {
    unsigned d = (unsigned char)fl->s[i] - '0';
    if (d > 9 || v > 3276) return bad(r, fl, err, HEAD[f], "a code (an integer 0..32767)");
    v = v * 10 + (int32_t)d;
  }
  if (fl->len == 0 || v > 32767) return bad(r, fl, err, HEAD[f], "a code (an integer 0..32767)");
  *out = (int16_t)v;
  return 0;
}

static int number(const reader *r, int f, bool optional, double *out, ts_err *err) {
  const ts_csv_field *fl = field(r, f);
  *out = TS_NA_F64;
  if (fl == NULL || (fl->len == 0 && optional)) return 0;
  char buf[64];
  if (fl->len == 0 || fl->len >= sizeof buf) return bad(r, fl, err, HEAD[f], "a number");
  memcpy(buf, fl->s, fl->len);
  buf[fl->len] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (*end != '\0' || !isfinite(v) || strspn(buf, "0123456789.-+eE") != fl->len)
    return bad(r, fl, err, HEAD[f], "a number");
  *out = v;
  return 0;
}

/* 1 to `max` characters, each alnum (upper-case letters only when `upper`). */
static bool code_ok(const ts_csv_field *fl, size_t max, bool upper) {
  if (fl->len == 0 || fl->len > max) return false;
  for (size_t i = 0; i < fl->len; i++) {
    unsigned char c = (unsigned char)fl->s[i];
    bool lower_or_digit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool ok = (c >= 'A' && c <= 'Z') || (!upper && lower_or_digit);
    if (!ok) return false;
  }
  return true;
}

static int code(reader *r, int f, size_t max, bool upper, bool optional, int32_t *out,
                ts_err *err) {
  const ts_csv_field *fl = field(r, f);
  if (fl == NULL || (fl->len == 0 && optional)) {
    *out = TS_NA_ID;
    return 0;
  }
  if (!code_ok(fl, max, upper))
    return bad(r, fl, err, HEAD[f], upper ? "a flow code (1 to 4 capital letters)"
                                          : "a code (1 to 15 letters or digits)");
  if ((*out = ts_dict_intern(r->all->dict, fl->s, fl->len, err)) < 0) return -1;
  return 0;
}

/* The ISO code of country `code` (field F_REPORTER_ISO or F_PARTNER_ISO):
** 1 to 8 letters, digits or '_' (Comtrade writes W00, S19, _X beside the
** ISO codes), the same on every row of the code; TS_NA_ID when absent. */
static int iso_code(reader *r, int f, int16_t code, int32_t *out, ts_err *err) {
  const ts_csv_field *fl = field(r, f);
  *out = TS_NA_ID;
  if (fl == NULL || fl->len == 0) return 0;
  bool ok = fl->len <= 8;
  for (size_t i = 0; i < fl->len && ok; i++)
    ok = isalnum((unsigned char)fl->s[i]) || fl->s[i] == '_';
  if (!ok) return bad(r, fl, err, HEAD[f], "an ISO code (1 to 8 letters, digits or _)");
  if ((*out = ts_dict_intern(r->all->dict, fl->s, fl->len, err)) < 0) return -1;
  iso_map *m = r->iso[f == F_PARTNER_ISO];
  if (m->line[code] == 0) {
    m->id[code] = *out, m->line[code] = fl->line > UINT32_MAX ? UINT32_MAX : (uint32_t)fl->line;
  } else if (m->id[code] != *out) {
    char what[80];
    snprintf(what, sizeof what, "'%s', given for %s %d on line %u",
             ts_dict_str(r->all->dict, m->id[code], NULL),
             HEAD[f == F_PARTNER_ISO ? F_PARTNER : F_REPORTER], code, m->line[code]);
    return bad(r, fl, err, HEAD[f], what);
  }
  return 0;
}

/* 1 true, 0 false, -1 absent or empty, -2 malformed (reported). */
static int flag(const reader *r, int f, ts_err *err) {
  const ts_csv_field *fl = field(r, f);
  if (fl == NULL || fl->len == 0) return -1;
  if ((fl->len == 1 && fl->s[0] == '1') || (fl->len == 4 && strncasecmp(fl->s, "true", 4) == 0))
    return 1;
  if ((fl->len == 1 && fl->s[0] == '0') || (fl->len == 5 && strncasecmp(fl->s, "false", 5) == 0))
    return 0;
  bad(r, fl, err, HEAD[f], "0, 1, true or false");
  return -2;
}

static int period(const reader *r, bool monthly, int32_t *out, int16_t *year, ts_err *err) {
  const ts_csv_field *fl = field(r, F_PERIOD);
  size_t want = monthly ? 6 : 4;
  int32_t v = 0;
  bool ok = fl->len == want;
  for (size_t i = 0; ok && i < fl->len; i++) {
    unsigned d = (unsigned char)fl->s[i] - '0';
    ok = d <= 9;
    v = v * 10 + (int32_t)d;
  }
  int32_t y = monthly ? v / 100 : v, m = monthly ? v % 100 : 1;
  if (!ok || y < 1900 || y > 2999 || m < 1 || m > 12)
    return bad(r, fl, err, "period", monthly ? "a month (YYYYMM)" : "a year (YYYY)");
  *out = v;
  *year = (int16_t)y;
  return 0;
}

/* ---- rows ------------------------------------------------------------------------------------ */

static bool is_total_code(const reader *r, int32_t id, const char *want) {
  size_t len;
  const char *s = ts_dict_str(r->all->dict, id, &len);
  return s != NULL && len == strlen(want) && memcmp(s, want, len) == 0;
}

static int read_row(reader *r, ts_err *err) {
  ts_bulk *b = r->all;
  size_t row = b->rows;
  const ts_csv_field *freq = field(r, F_FREQ);
  if (!(freq->len == 1 && (freq->s[0] == 'A' || freq->s[0] == 'M')))
    return bad(r, freq, err, "freqCode", "a frequency (A or M)");
  int32_t per = 0, fid, flow = 0, cmd = 0, customs = 0, rep_iso = 0, par_iso = 0;
  int16_t year = 0, rep = 0, par = 0, par2 = 0, mot = 0, aggr = 0;
  double v[5] = {0};
  if (period(r, freq->s[0] == 'M', &per, &year, err) ||
      small_int(r, F_REPORTER, false, &rep, err) ||
      code(r, F_FLOW, 4, true, false, &flow, err) || small_int(r, F_PARTNER, false, &par, err) ||
      small_int(r, F_PARTNER2, true, &par2, err) || code(r, F_CMD, 15, false, false, &cmd, err) ||
      small_int(r, F_AGGR, true, &aggr, err) || small_int(r, F_MOT, true, &mot, err) ||
      code(r, F_CUSTOMS, 15, false, true, &customs, err) || number(r, F_VALUE, false, &v[0], err) ||
      number(r, F_CIF, true, &v[1], err) || number(r, F_FOB, true, &v[2], err) ||
      number(r, F_NETWGT, true, &v[3], err) || number(r, F_QTY, true, &v[4], err) ||
      iso_code(r, F_REPORTER_ISO, rep, &rep_iso, err) ||
      iso_code(r, F_PARTNER_ISO, par, &par_iso, err))
    return -1;
  int isagg = flag(r, F_ISAGG, err), isleaf = flag(r, F_ISLEAF, err);
  if (isagg == -2 || isleaf == -2) return -1;
  if ((fid = ts_dict_intern(b->dict, freq->s, 1, err)) < 0) return -1;
  if (row == r->cap) return ts_errf(err, "%s: more records than lines", r->csv.name);
  ((int32_t *)b->cols[C_PERIOD].data)[row] = per;
  ((int16_t *)b->cols[C_YEAR].data)[row] = year;
  ((int32_t *)b->cols[C_FREQ].data)[row] = fid;
  ((int16_t *)b->cols[C_REPORTER].data)[row] = rep;
  ((int32_t *)b->cols[C_FLOW].data)[row] = flow;
  ((int16_t *)b->cols[C_PARTNER].data)[row] = par;
  ((int16_t *)b->cols[C_PARTNER2].data)[row] = par2;
  ((int32_t *)b->cols[C_PRODUCT].data)[row] = cmd;
  ((int16_t *)b->cols[C_AGGR].data)[row] = aggr;
  ((int16_t *)b->cols[C_MOT].data)[row] = mot;
  ((int32_t *)b->cols[C_CUSTOMS].data)[row] = customs;
  for (int i = 0; i < 5; i++) ((double *)b->cols[C_VALUE + i].data)[row] = v[i];
  ((int32_t *)b->cols[C_REPORTER_ISO].data)[row] = rep_iso;
  ((int32_t *)b->cols[C_PARTNER_ISO].data)[row] = par_iso;
  bool breakdown = (par2 != TS_NA_I16 && par2 != 0) || (mot != TS_NA_I16 && mot != 0) ||
                   (customs != TS_NA_ID && !is_total_code(r, customs, "C00"));
  r->why[row] = isagg == 1 || isleaf == 0 ? AGGREGATE
                : par == 0                ? WORLD
                : is_total_code(r, cmd, "TOTAL") ? TOTAL
                : breakdown               ? BREAKDOWN
                                          : DETAIL;
  b->rows = row + 1;
  return 0;
}

static int read_header(reader *r, ts_err *err) {
  for (int f = 0; f < NFIELDS; f++) r->idx[f] = -1;
  int rc = ts_csv_next(&r->csv, err);
  if (rc <= 0)
    return rc < 0 ? -1 : ts_errf(err, "%s: the file is empty (expected a Comtrade header)",
                                 r->csv.name);
  for (size_t i = 0; i < r->csv.nfields; i++)
    for (int f = 0; f < NFIELDS; f++)
      if (r->csv.fields[i].len == strlen(HEAD[f]) &&
          memcmp(r->csv.fields[i].s, HEAD[f], r->csv.fields[i].len) == 0)
        r->idx[f] = (int)i;
  for (int f = 0; f < NREQUIRED; f++)
    if (r->idx[f] < 0)
      return ts_errf(err, "%s:1:1: column '%s' is missing (not a UN Comtrade final-data CSV?)",
                     r->csv.name, HEAD[f]);
  return 0;
}

/* ---- splitting ------------------------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Detail rows whose code another detail code extends become "parent". */
static int mark_parents(reader *r, ts_err *err) {
  ts_bulk *b = r->all;
  size_t nd = ts_dict_count(b->dict), n = 0;
  const char **codes = ts_malloc(&b->alloc, (nd ? nd : 1) * sizeof *codes);
  bool *used = ts_malloc(&b->alloc, (nd ? nd : 1) * sizeof *used);
  if (codes == NULL || used == NULL) {
    ts_free(&b->alloc, codes);
    ts_free(&b->alloc, used);
    return ts_errf(err, "out of memory reading %s", r->csv.name);
  }
  memset(used, 0, nd * sizeof *used);
  const int32_t *cmd = b->cols[C_PRODUCT].data;
  for (size_t i = 0; i < b->rows; i++)
    if (r->why[i] == DETAIL) used[cmd[i]] = true;
  for (size_t id = 0; id < nd; id++)
    if (used[id]) codes[n++] = ts_dict_str(b->dict, (int32_t)id, NULL);
  qsort(codes, n, sizeof *codes, cmp_str);
  memset(used, 0, nd * sizeof *used); /* now: is a parent */
  for (size_t i = 0; i + 1 < n; i++)
    if (strncmp(codes[i + 1], codes[i], strlen(codes[i])) == 0)
      used[ts_dict_find(b->dict, codes[i], strlen(codes[i]))] = true;
  for (size_t i = 0; i < b->rows; i++)
    if (r->why[i] == DETAIL && used[cmd[i]]) r->why[i] = PARENT;
  ts_free(&b->alloc, codes);
  ts_free(&b->alloc, used);
  return 0;
}

static int select_rows(const reader *r, bool apart, ts_sel *sel, ts_err *err) {
  if (ts_grow(&sel->alloc, &sel->rows, &sel->cap, r->all->rows ? r->all->rows : 1,
              sizeof *sel->rows) != 0)
    return ts_errf(err, "out of memory reading %s", r->csv.name);
  sel->n = 0;
  for (size_t i = 0; i < r->all->rows; i++)
    if ((r->why[i] != DETAIL) == apart) sel->rows[sel->n++] = (uint32_t)i;
  return 0;
}

static int add_why(const reader *r, ts_bulk *apart, const ts_sel *sel, ts_err *err) {
  int col = ts_bulk_add_column(apart, "why", TS_STR, sel->n, err);
  if (col < 0) return -1;
  int32_t ids[6];
  for (int w = 1; w < 6; w++)
    if ((ids[w] = ts_dict_intern(apart->dict, WHY[w], strlen(WHY[w]), err)) < 0) return -1;
  int32_t *out = apart->cols[col].data;
  for (size_t i = 0; i < sel->n; i++) out[i] = ids[r->why[sel->rows[i]]];
  apart->cols[col].lo = 1, apart->cols[col].hi = 0;
  return ts_bulk_finish(apart, err);
}

static int split(reader *r, ts_bulk **detail, ts_bulk **apart, ts_err *err) {
  ts_sel sel;
  ts_sel_init(&sel, &r->all->alloc);
  int rc = mark_parents(r, err);
  if (rc == 0) rc = select_rows(r, false, &sel, err);
  if (rc == 0 && (*detail = ts_bulk_take(r->all, &sel, err)) == NULL) rc = -1;
  if (rc == 0) rc = select_rows(r, true, &sel, err);
  if (rc == 0 && (*apart = ts_bulk_take(r->all, &sel, err)) == NULL) rc = -1;
  if (rc == 0) rc = add_why(r, *apart, &sel, err);
  ts_sel_free(&sel);
  if (rc != 0) {
    ts_bulk_free(*detail);
    ts_bulk_free(*apart);
    *detail = *apart = NULL;
  }
  return rc;
}

/* ---- the file -------------------------------------------------------------------------------- */

static ts_bulk *new_all(const char *name, size_t cap, const ts_alloc *a, ts_err *err) {
  ts_bulk *b = ts_bulk_new("comtrade", a, err);
  if (b == NULL) return NULL;
  snprintf(b->source, sizeof b->source, "%s", name);
  for (int c = 0; c < NCOLS; c++)
    if (ts_bulk_add_column(b, COLS[c].name, COLS[c].type, cap, err) < 0) {
      ts_bulk_free(b);
      return NULL;
    }
  b->measure = C_VALUE;
  return b;
}

static int read_all(reader *r, const char *buf, size_t len, ts_err *err) {
  if (read_header(r, err) != 0) return -1;
  size_t lines = 1;
  for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))) != NULL; p++) lines++;
  r->cap = lines;
  r->why = ts_malloc(r->csv.alloc, lines);
  if (r->why == NULL) return ts_errf(err, "out of memory reading %s", r->csv.name);
  for (int m = 0; m < 2; m++) {
    if (r->idx[m == 0 ? F_REPORTER_ISO : F_PARTNER_ISO] < 0) continue;
    if ((r->iso[m] = ts_malloc(r->csv.alloc, sizeof *r->iso[m])) == NULL)
      return ts_errf(err, "out of memory reading %s", r->csv.name);
    memset(r->iso[m]->line, 0, sizeof r->iso[m]->line);
  }
  if ((r->all = new_all(r->csv.name, lines, r->csv.alloc, err)) == NULL) return -1;
  int rc;
  while ((rc = ts_csv_next(&r->csv, err)) == 1)
    if (read_row(r, err) != 0) return -1;
  if (rc < 0) return -1;
  return ts_bulk_finish(r->all, err);
}

int ts_comtrade_parse(const char *name, const char *buf, size_t len, const ts_alloc *a,
                      ts_bulk **detail, ts_bulk **apart, ts_err *err) {
  if (a == NULL) a = &ts_alloc_libc;
  reader r;
  memset(&r, 0, sizeof r);
  ts_csv_init(&r.csv, name, buf, len, a);
  *detail = *apart = NULL;
  int rc = read_all(&r, buf, len, err);
  if (rc == 0) rc = split(&r, detail, apart, err);
  ts_bulk_free(r.all);
  ts_free(a, r.why);
  ts_free(a, r.iso[0]);
  ts_free(a, r.iso[1]);
  ts_csv_free(&r.csv);
  return rc;
}

int ts_comtrade_import(const char *path, const ts_alloc *a, ts_bulk **detail, ts_bulk **apart,
                       ts_err *err) {
  char *buf;
  size_t len;
  *detail = *apart = NULL;
  if (ts_csv_read_file(path, a, &buf, &len, err) != 0) return -1;
  int rc = ts_comtrade_parse(path, buf, len, a, detail, apart, err);
  ts_free(a, buf);
  return rc;
}
