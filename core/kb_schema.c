/*
** kb_schema.c — the columns of the bundled dataset (documented in
** data/README.md).  Order matters: areas and sources come first because the
** other tables' codes and source ids are checked against them.
*/
#include <string.h>

#include "kb.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))
#define REQ true
#define OPT false

static const char QUALIFIERS[] = "exact|approx|more_than|less_than|range";
static const char CHANGE_QUALIFIERS[] = "exact|approx|more_than|less_than|range|direction_only";

static const ts_kbcol areas[] = {
  {"code", TS_KB_ID, REQ, NULL},
  {"name", TS_KB_TEXT, REQ, NULL},
  {"kind", TS_KB_ENUM, REQ, "grouping|place"},
  {"parent", TS_KB_AREA, OPT, NULL},
  {"members", TS_KB_AREAS, OPT, NULL},
  {"scheme", TS_KB_ENUM, REQ, "project|UN/LOCODE"},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol sources[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"title", TS_KB_TEXT, REQ, NULL},
  {"title_basis", TS_KB_ENUM, REQ, "stated|inferred"},
  {"publisher", TS_KB_TEXT, OPT, NULL},
  {"date", TS_KB_DATE, OPT, NULL},
  {"date_basis", TS_KB_ENUM, REQ, "stated|inferred|unknown"},
  {"seed_file", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol trade[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"period", TS_KB_PERIOD, OPT, NULL},
  {"reporter", TS_KB_AREA, OPT, NULL},
  {"partner", TS_KB_AREA, OPT, NULL},
  {"via", TS_KB_AREA, OPT, NULL},
  {"flow", TS_KB_ENUM, REQ, "export|import|turnover|balance"},
  {"commodity", TS_KB_COMMODITY, REQ, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"change", TS_KB_NUMBER, OPT, NULL},
  {"change_qualifier", TS_KB_ENUM, OPT, CHANGE_QUALIFIERS},
  {"change_high", TS_KB_NUMBER, OPT, NULL},
  {"change_basis", TS_KB_PERIOD, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol routes[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"route", TS_KB_WORD, REQ, NULL},
  {"mode", TS_KB_ENUM, OPT, "sea|rail|air|road"},
  {"stops", TS_KB_AREAS, REQ, NULL},
  {"status", TS_KB_ENUM, OPT, "operating|proposed|resumed|planned"},
  {"date", TS_KB_DATE, OPT, NULL},
  {"period", TS_KB_PERIOD, OPT, NULL},
  {"metric", TS_KB_WORD, REQ, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol tourism[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"period", TS_KB_PERIOD, REQ, NULL},
  {"origin", TS_KB_AREA, REQ, NULL},
  {"destination", TS_KB_AREA, REQ, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"change", TS_KB_NUMBER, OPT, NULL},
  {"change_qualifier", TS_KB_ENUM, OPT, CHANGE_QUALIFIERS},
  {"change_high", TS_KB_NUMBER, OPT, NULL},
  {"change_basis", TS_KB_PERIOD, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol agreements[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"kind", TS_KB_WORD, REQ, NULL},
  {"name", TS_KB_TEXT, REQ, NULL},
  {"parties", TS_KB_AREAS, REQ, NULL},
  {"event", TS_KB_WORD, REQ, NULL},
  {"date", TS_KB_DATE, OPT, NULL},
  {"level", TS_KB_WORD, OPT, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol targets[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"subject", TS_KB_TEXT, REQ, NULL},
  {"reporter", TS_KB_AREA, OPT, NULL},
  {"partner", TS_KB_AREA, OPT, NULL},
  {"flow", TS_KB_ENUM, OPT, "export|import|turnover|balance"},
  {"period", TS_KB_PERIOD, OPT, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"condition", TS_KB_TEXT, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol rankings[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"subject", TS_KB_AREA, REQ, NULL},
  {"area", TS_KB_AREA, REQ, NULL},
  {"among", TS_KB_TEXT, REQ, NULL},
  {"rank", TS_KB_INTEGER, REQ, NULL},
  {"period", TS_KB_PERIOD, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

static const ts_kbcol other[] = {
  {"id", TS_KB_ID, REQ, NULL},
  {"subject", TS_KB_TEXT, REQ, NULL},
  {"period", TS_KB_PERIOD, OPT, NULL},
  {"area", TS_KB_AREAS, OPT, NULL},
  {"qualifier", TS_KB_ENUM, OPT, QUALIFIERS},
  {"value", TS_KB_NUMBER, OPT, NULL},
  {"value_high", TS_KB_NUMBER, OPT, NULL},
  {"unit", TS_KB_UNIT, OPT, NULL},
  {"source", TS_KB_SOURCE, REQ, NULL},
  {"sentence", TS_KB_TEXT, REQ, NULL},
  {"note", TS_KB_TEXT, OPT, NULL},
};

#define SCHEMA(n, key, summary) {#n, #n ".csv", key, summary, n, COUNT(n)}

const ts_kbschema ts_kb_schemas[] = {
  SCHEMA(areas, "code", "project groupings and places (ISO codes come from iso-codes)"),
  SCHEMA(sources, "id", "the articles every figure comes from"),
  SCHEMA(trade, "id", "trade values and reported changes by period, reporter, partner, flow"),
  SCHEMA(routes, "id", "sea, rail and air routes: openings, proposals, volumes"),
  SCHEMA(tourism, "id", "visitor arrivals by origin, destination and period"),
  SCHEMA(agreements, "id", "agreements, partnership levels, milestones, sessions, scholarships"),
  SCHEMA(targets, "id", "stated targets and projections"),
  SCHEMA(rankings, "id", "stated rankings"),
  SCHEMA(other, "id", "every other figure the sources state"),
};
const size_t ts_kb_nschemas = COUNT(ts_kb_schemas);

const ts_kbschema *ts_kb_schema(const char *name) {
  for (size_t i = 0; i < ts_kb_nschemas; i++)
    if (strcmp(ts_kb_schemas[i].name, name) == 0) return &ts_kb_schemas[i];
  return NULL;
}
