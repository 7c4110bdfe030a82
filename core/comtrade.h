/*
** comtrade.h — the UN Comtrade final-data CSV importer.
**
** Columns are found by their header names (order free, unknown columns
** ignored).  Required: freqCode, period, reporterCode, flowCode,
** partnerCode, cmdCode, primaryValue.  Read when present: partner2Code,
** motCode, customsCode, aggrLevel, isAggregate, isLeaf, cifvalue,
** fobvalue, netWgt, qty, reporterISO, partnerISO.  Every field read is
** checked:
**     freqCode A or M; period YYYY (A) or YYYYMM (M, month 01..12);
**     reporterCode, partnerCode, partner2Code, motCode, aggrLevel: an
**     integer 0..32767; flowCode 1 to 4 capital letters (X, M, RX, RM ...);
**     cmdCode and customsCode 1 to 15 letters or digits; primaryValue a
**     number; the other values a number or empty; isAggregate and isLeaf
**     0/1/true/false (any case) or empty; reporterISO and partnerISO 1 to 8
**     letters, digits or '_', or empty, and one code for each country code
**     throughout the file (so that they can map the codes to areas).
** Messages are "file:line:column: column 'x': what".  An import succeeds
** whole or returns -1 and no dataset.
**
** Two datasets come out, with the same columns: period (int32: YYYY or
** YYYYMM), year, reporter, partner, partner2, mot, aggrlevel (int16),
** freq, flow, product, customs (strings), value (primaryValue), cif, fob,
** netweight, qty (double; NaN when empty), reporter_iso, partner_iso
** (strings: the file's reporterISO and partnerISO, missing without them).  `detail` holds the rows that
** can be summed; `apart` the rows kept apart so that no sum counts trade
** twice, with a string column "why":
**     "world"      partner 0 (World): the total over every partner
**     "total"      cmdCode TOTAL: the total over every commodity
**     "aggregate"  isAggregate 1, or isLeaf 0: computed from other rows
**     "parent"     an HS code of which the file has a longer code
**                  (0101 when 010121 is there): the sum of its children
**     "breakdown"  partner2Code not 0, motCode not 0 or customsCode not
**                  C00: a part of a row that already has the total
*/
#ifndef TS_COMTRADE_H
#define TS_COMTRADE_H

#include "bulk.h"
#include "error.h"

int ts_comtrade_import(const char *path, const ts_alloc *a, ts_bulk **detail, ts_bulk **apart,
                       ts_err *err);

/* The same over buf[0..len), named `name` in messages. */
int ts_comtrade_parse(const char *name, const char *buf, size_t len, const ts_alloc *a,
                      ts_bulk **detail, ts_bulk **apart, ts_err *err);

#endif
