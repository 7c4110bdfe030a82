/*
** indicators.h — trade indicators over plain arrays of values, as the World
** Bank's World Integrated Trade Solution (WITS) defines them:
**   WITS, "Trade Indicators" help,
**     https://wits.worldbank.org/WITS/WITS/TradeIndicatorsHelp/TradeIndicators.htm
**   WITS, "Merchandise Trade Indicator Metadata",
**     https://wits.worldbank.org/CountryProfile/Metadata/en/Indicator/Trade
** Each function's comment gives its formula and what its inputs are.
**
** Values are trade values (exports, imports) in one unit; they must be
** finite and not negative, and a total must be above zero.  The indicators
** become meaningful on bulk data (a reporter's exports by product or by
** partner, world totals); they are plain arithmetic and work on any numbers.
*/
#ifndef TS_INDICATORS_H
#define TS_INDICATORS_H

#include <stddef.h>

#include "error.h"

/* Market share: part / total.  WITS "Country's share of world exports"
** (x_i / X_w), "Share of product in total exports" (x_ij / X_i) and "Share of
** market in total exports" are all this ratio of a part to its whole.
** 0 <= part <= total is not required (a share above 1 says the part is not
** inside that total), but total must be above zero. */
int ts_ind_share(double part, double total, double *out, ts_err *err);

/* Sum of x[0..n): the total the shares below are taken of. */
int ts_ind_sum(const double *x, size_t n, double *out, ts_err *err);

/* out[i] = x[i] / sum(x) for every i (out may be x). */
int ts_ind_shares(const double *x, size_t n, double *out, ts_err *err);

/* Herfindahl–Hirschman index: HH = sum_i (x_i / X)^2 with X = sum_i x_i.
** WITS: "the sum of squared shares of each product in total export"; from
** 1/N (N equal parts) to 1 (a single part).  Multiply by 10,000 for the
** points scale of competition authorities. */
int ts_ind_hhi(const double *x, size_t n, double *out, ts_err *err);

/* Normalised HHI: (HH - 1/N) / (1 - 1/N), from 0 (equal parts) to 1 (one
** part), N the number of parts above zero (products or markets actually
** traded).  WITS' product and market concentration indices are this form;
** as there, it has no value for N = 1: the function fails and says so. */
int ts_ind_hhi_normalised(const double *x, size_t n, double *out, ts_err *err);

/* Revealed comparative advantage (Balassa 1965), WITS:
**     RCA_ij = (x_ij / X_it) / (x_wj / X_wt)
** x_ij: country i's exports of product j, X_it: country i's total exports,
** x_wj: world exports of product j, X_wt: world total exports.  Above 1: a
** revealed comparative advantage in j; below 1: a disadvantage. */
int ts_ind_rca(double x_ij, double X_it, double x_wj, double X_wt, double *out, ts_err *err);

/* RCA of every product j of a table: out[j] = (country[j] / country_total)
** / (world[j] / world_total).  The totals are passed, not summed, because a
** table often lists only some products of the totals. */
int ts_ind_rca_each(const double *country, const double *world, size_t n, double country_total,
                    double world_total, double *out, ts_err *err);

/* Trade intensity index, WITS ("uses similar logic to that of revealed
** comparative advantage, but for markets rather than products"):
**     T_ij = (x_ij / X_it) / (x_wj / X_wt)
** x_ij: country i's exports to country j, X_it: i's total exports,
** x_wj: world exports to j, X_wt: world total exports.  Above 1: i exports
** more to j than the world does on average, relative to their sizes. */
int ts_ind_intensity(double x_ij, double X_it, double x_wj, double X_wt, double *out,
                     ts_err *err);

/* Export concentration of one reporter's exports by product or by market
** (WITS "HH Product concentration index", "HH Market concentration
** index"): the HHI and its normalised form over the parts, with the number
** of parts above zero and the largest part (the first of equal largest). */
typedef struct ts_concentration {
  double hhi;         /* sum of squared shares */
  double normalised;  /* NAN when only one part is above zero (WITS: no value) */
  size_t parts;       /* parts above zero */
  size_t top;         /* index of the largest part */
  double top_share;   /* its share */
} ts_concentration;

int ts_ind_concentration(const double *x, size_t n, ts_concentration *out, ts_err *err);

#endif
