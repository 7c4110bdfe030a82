/*
** error.h — how core functions report failure.
**
** A core function that can fail takes a `ts_err *` last and returns -1 (or
** NULL) after writing one human-readable line into it, already carrying its
** location when it has one ("data/trade.csv:14:3: column 'period': '2023-13'
** is not a period").  `err` may be NULL when the caller does not want text.
*/
#ifndef TS_ERROR_H
#define TS_ERROR_H

#include <stddef.h>

typedef struct ts_err {
  char msg[512];
} ts_err;

/* Formats into e->msg (when e is not NULL) and returns -1. */
int ts_errf(ts_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to e->msg; returns -1. */
int ts_errprefix(ts_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
