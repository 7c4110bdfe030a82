/*
** indicators.c — market shares, Herfindahl–Hirschman indices, revealed
** comparative advantage, trade intensity and export concentration.  The
** formulas and their WITS references are in indicators.h, one per function.
*/
#include "indicators.h"

#include <math.h>

/* Every value finite and not negative; the message names the first bad one. */
static int check_values(const double *x, size_t n, const char *what, ts_err *err) {
  if (n == 0) return ts_errf(err, "%s: no values", what);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || x[i] < 0)
      return ts_errf(err, "%s: value %zu is %g; trade values must be finite and not negative", what,
                     i + 1, x[i]);
  return 0;
}

static int check_total(double total, const char *what, ts_err *err) {
  if (!isfinite(total) || !(total > 0))
    return ts_errf(err, "%s must be above zero, got %g", what, total);
  return 0;
}

static int check_part(double part, const char *what, ts_err *err) {
  if (!isfinite(part) || part < 0)
    return ts_errf(err, "%s must be finite and not negative, got %g", what, part);
  return 0;
}

int ts_ind_share(double part, double total, double *out, ts_err *err) {
  if (check_part(part, "the part", err) < 0 || check_total(total, "the total", err) < 0) return -1;
  *out = part / total;
  return 0;
}

int ts_ind_sum(const double *x, size_t n, double *out, ts_err *err) {
  if (check_values(x, n, "sum", err) < 0) return -1;
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i];
  if (!isfinite(s)) return ts_errf(err, "sum: the total is too large");
  *out = s;
  return 0;
}

/* The sum of x, which shares need above zero. */
static int positive_sum(const double *x, size_t n, const char *what, double *sum, ts_err *err) {
  if (check_values(x, n, what, err) < 0 || ts_ind_sum(x, n, sum, err) < 0) return -1;
  if (!(*sum > 0)) return ts_errf(err, "%s: the values add up to zero, so they have no shares", what);
  return 0;
}

int ts_ind_shares(const double *x, size_t n, double *out, ts_err *err) {
  double sum;
  if (positive_sum(x, n, "shares", &sum, err) < 0) return -1;
  for (size_t i = 0; i < n; i++) out[i] = x[i] / sum;
  return 0;
}

/* Sum of squared shares and the number of parts above zero. */
static int squared_shares(const double *x, size_t n, const char *what, double *hh, size_t *parts,
                          ts_err *err) {
  double sum;
  if (positive_sum(x, n, what, &sum, err) < 0) return -1;
  double h = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    double s = x[i] / sum;
    h += s * s;
    if (x[i] > 0) k++;
  }
  *hh = h;
  *parts = k;
  return 0;
}

int ts_ind_hhi(const double *x, size_t n, double *out, ts_err *err) {
  size_t parts;
  return squared_shares(x, n, "hhi", out, &parts, err);
}

/* (HH - 1/N) / (1 - 1/N), clamped to [0, 1] against rounding at the ends. */
static double normalised(double hh, size_t parts) {
  double inv = 1.0 / (double)parts;
  double v = (hh - inv) / (1 - inv);
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

int ts_ind_hhi_normalised(const double *x, size_t n, double *out, ts_err *err) {
  double hh;
  size_t parts;
  if (squared_shares(x, n, "hhi_normalised", &hh, &parts, err) < 0) return -1;
  if (parts < 2)
    return ts_errf(err, "hhi_normalised: only one part is above zero, and the normalised index "
                   "has no value for a single part (as in WITS)");
  *out = normalised(hh, parts);
  return 0;
}

/* (a / b) / (c / d): a part's share of one whole against the matching
** part's share of another. */
static int ratio_of_shares(double a, double b, double c, double d, const char *names[4],
                           double *out, ts_err *err) {
  if (check_part(a, names[0], err) < 0 || check_total(b, names[1], err) < 0 ||
      check_part(c, names[2], err) < 0 || check_total(d, names[3], err) < 0)
    return -1;
  if (!(c > 0)) return ts_errf(err, "%s must be above zero, got %g", names[2], c);
  *out = (a / b) / (c / d);
  return 0;
}

int ts_ind_rca(double x_ij, double X_it, double x_wj, double X_wt, double *out, ts_err *err) {
  static const char *names[4] = {"rca: the country's exports of the product",
                                 "rca: the country's total exports",
                                 "rca: world exports of the product", "rca: world total exports"};
  return ratio_of_shares(x_ij, X_it, x_wj, X_wt, names, out, err);
}

int ts_ind_rca_each(const double *country, const double *world, size_t n, double country_total,
                    double world_total, double *out, ts_err *err) {
  if (check_values(country, n, "rca (country)", err) < 0 ||
      check_values(world, n, "rca (world)", err) < 0)
    return -1;
  for (size_t j = 0; j < n; j++) {
    if (ts_ind_rca(country[j], country_total, world[j], world_total, &out[j], err) < 0)
      return ts_errprefix(err, "product %zu", j + 1);
  }
  return 0;
}

int ts_ind_intensity(double x_ij, double X_it, double x_wj, double X_wt, double *out,
                     ts_err *err) {
  static const char *names[4] = {"intensity: the country's exports to the partner",
                                 "intensity: the country's total exports",
                                 "intensity: world exports to the partner",
                                 "intensity: world total exports"};
  return ratio_of_shares(x_ij, X_it, x_wj, X_wt, names, out, err);
}

int ts_ind_concentration(const double *x, size_t n, ts_concentration *out, ts_err *err) {
  double hh, sum;
  size_t parts, top = 0;
  if (squared_shares(x, n, "concentration", &hh, &parts, err) < 0) return -1;
  ts_ind_sum(x, n, &sum, NULL); /* cannot fail: squared_shares checked the values */
  for (size_t i = 1; i < n; i++)
    if (x[i] > x[top]) top = i;
  *out = (ts_concentration){hh, parts < 2 ? NAN : normalised(hh, parts), parts, top,
                                x[top] / sum};
  return 0;
}
