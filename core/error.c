#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ts_errf(ts_err *e, const char *fmt, ...) {
  if (e != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return -1;
}

int ts_errprefix(ts_err *e, const char *fmt, ...) {
  if (e != NULL) {
    char out[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t)n < sizeof out ? (size_t)n : sizeof out - 1;
    /* Truncation is expected for very long messages; keep the prefix whole. */
    int m = snprintf(out + used, sizeof out - used, ": ");
    used += (size_t)m < sizeof out - used ? (size_t)m : sizeof out - used - 1;
    size_t room = sizeof out - 1 - used, len = strlen(e->msg);
    memcpy(out + used, e->msg, len < room ? len : room);
    out[used + (len < room ? len : room)] = '\0';
    memcpy(e->msg, out, sizeof out);
  }
  return -1;
}
